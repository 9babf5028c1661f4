import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../functions/console-api.js';
import { consoleConfig, principalFor, refusal, type ConsolePrincipal } from '../../../shared/console-access.js';
import { decideApproval } from '../../../shared/replenishment/approval.js';
import { RequestRevisionChangedError } from '../../../shared/replenishment/errors.js';
import type { ReplenishmentRequest } from '../../../shared/replenishment/request.js';

const config = consoleConfig.parse({ users: [{ email: 'north@acme.example', group: 'store', locations: ['store-north'] }], buyerApprovalLimit: 5000 });
const store: ConsolePrincipal = principalFor(config.users[0], { user: 'x', group: 'viewer' }, config);
const viewer = principalFor(undefined, { user: 'v@acme.example', group: 'viewer' }, config);
const buyer = principalFor(undefined, { user: 'b@acme.example', group: 'buyer' }, config);
const admin = principalFor(undefined, { user: 'a@acme.example', group: 'admin' }, config);

describe('console authorization', () => {
  it('refuses a store user acting on another store\'s alert or on supplier alerts, and allows their own', () => {
    expect(refusal(store, { kind: 'act-on-alert', locationId: 'store-south' })?.reason).toMatch(/store-north, not store-south/);
    expect(refusal(store, { kind: 'act-on-alert', locationId: '' })?.reason).toMatch(/supplier alerts/);
    expect(refusal(store, { kind: 'act-on-alert', locationId: 'store-north' })).toBeUndefined();
    expect(refusal(store, { kind: 'read-location', locationId: 'web' })).toBeDefined();
  });

  it('refuses a viewer any action, and anyone but buyers and admins approvals and silences', () => {
    expect(refusal(viewer, { kind: 'act-on-alert', locationId: 'store-north' })?.reason).toMatch(/viewers/);
    expect(refusal(viewer, { kind: 'decide-request', locationId: 'store-north', total: 1 })).toBeDefined();
    expect(refusal(store, { kind: 'decide-request', locationId: 'store-north', total: 1 })).toBeDefined();
    expect(refusal(store, { kind: 'silence' })).toBeDefined();
    expect(refusal(viewer, { kind: 'read-location', locationId: 'web' })).toBeUndefined();
  });

  it('refuses a buyer above their approval limit; an admin has none', () => {
    expect(buyer.approvalLimit).toBe(5000);
    expect(refusal(buyer, { kind: 'decide-request', locationId: 'web', total: 5000.01 })?.reason).toMatch(/approval limit 5000/);
    expect(refusal(buyer, { kind: 'decide-request', locationId: 'web', total: 5000 })).toBeUndefined();
    expect(refusal(admin, { kind: 'decide-request', locationId: 'web', total: 1e9 })).toBeUndefined();
  });

  it('reads the caller from Cognito claims: strongest group, configured locations or invited attributes', () => {
    expect(principalFromClaims({ email: 'north@acme.example', 'cognito:groups': '[store]' }, config)).toMatchObject({ group: 'store', locations: ['store-north'] });
    expect(principalFromClaims({ email: 'new@acme.example', 'cognito:groups': ['store'], 'custom:locations': 'web,store-east' }, config)).toMatchObject({ group: 'store', locations: ['web', 'store-east'] });
    expect(principalFromClaims({ email: 'b@acme.example', 'cognito:groups': '[viewer buyer]', 'custom:approvalLimit': '900' }, config)).toMatchObject({ group: 'buyer', approvalLimit: 900 });
    expect(principalFromClaims({ email: 'nobody@acme.example' }, config)).toBeUndefined();
  });
});

describe('approvals bound to a revision', () => {
  const request = { idempotencyKey: 'k', state: 'pending_approval', revision: 3, lines: [], approval: { required: true, reason: 'r' } } as unknown as ReplenishmentRequest;
  it('refuses a decision on a revision the request has left', () => {
    expect(() => decideApproval(request, { action: 'approve', by: 'b', revision: 2 }, new Date())).toThrow(RequestRevisionChangedError);
    expect(decideApproval({ ...request, lines: [{ lineNo: 1, sku: 'A', qty: 1, needBy: '2026-01-01', unitCost: 1, amount: 1, status: 'open', receivedQty: 0 }] },
      { action: 'approve', by: 'b', revision: 3 }, new Date()).state).toBe('approved');
  });
});
