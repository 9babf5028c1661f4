import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { normalise, validateRecord } from '../../../connectors/sdk/records.js';
import { parseLinkHeader, keysetPages, graphqlPages } from '../../../connectors/sdk/paging.js';
import { groupInbound, mapLocation, utcDay } from '../../../connectors/sdk/mapping.js';
import { envCredentials, secretsManagerCredentials } from '../../../connectors/sdk/credentials.js';
import { CONNECTOR_TYPES, connectorFor } from '../../../connectors/registry.js';

describe('record normalisation', () => {
  it('turns decimal strings into numbers, strips float noise, keeps negative stock, drops false and null', () => {
    expect(normalise({ sku: 'A', locationId: 'x', onHand: '100.000', reserved: 0.30000000000000004, lots: false, sourceUpdatedAt: null }, 6))
      .toEqual({ sku: 'A', locationId: 'x', onHand: 100, reserved: 0.3 });
    expect(normalise({ onHand: -2.0000000001 }, 3)).toEqual({ onHand: -2 });
    expect(normalise({ outOfStock: false, qty: '3' }, 6)).toEqual({ outOfStock: false, qty: 3 });
  });

  it('rejects a bad record with every wrong field in the reason', () => {
    const result = validateRecord('positions', { sku: '', locationId: 'x', reserved: -1 }, 6);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/sku: .*; reserved: /);
  });
});

describe('paging helpers', () => {
  it('parses Link headers the way Shopify and WordPress send them', () => {
    expect(parseLinkHeader('<https://s.test/a?page_info=p1>; rel="previous", <https://s.test/a?page_info=n2>; rel="next"'))
      .toEqual({ previous: 'https://s.test/a?page_info=p1', next: 'https://s.test/a?page_info=n2' });
    expect(parseLinkHeader(null)).toEqual({});
  });

  it('keyset paging neither skips nor repeats rows inserted or deleted between pages', async () => {
    const rows = [1, 2, 3, 4, 5, 6, 7].map((id) => ({ id }));
    const seen: number[] = [];
    let calls = 0;
    for await (const page of keysetPages(async (after, limit) => {
      calls++;
      // Between the first and second page a row before the cursor disappears and a new one appears at the end.
      if (calls === 2) { rows.splice(0, 1); rows.push({ id: 8 }); }
      return rows.filter((r) => r.id > Number(after ?? 0)).slice(0, limit);
    }, (r) => r.id, { limit: 3 })) seen.push(...page.rows.map((r) => r.id));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('follows GraphQL pageInfo until hasNextPage is false, resuming from a checkpointed cursor', async () => {
    const pages = { '': { nodes: [1, 2], pageInfo: { hasNextPage: true, endCursor: 'c2' } }, c2: { nodes: [3], pageInfo: { hasNextPage: false, endCursor: 'c3' } } };
    const all: { rows: number[]; next: string | undefined }[] = [];
    for await (const p of graphqlPages(async (after) => pages[(after ?? '') as keyof typeof pages])) all.push({ rows: p.rows, next: p.next });
    expect(all).toEqual([{ rows: [1, 2], next: 'c2' }, { rows: [3], next: undefined }]);
  });
});

describe('mapping helpers', () => {
  it('maps locations by id, then name, else slug', () => {
    expect(mapLocation({ '1001': 'store-north', 'WH/Stock': { id: 'wh', kind: 'warehouse' } }, 1001, 'North')).toEqual({ id: 'store-north' });
    expect(mapLocation({ 'WH/Stock': { id: 'wh', kind: 'warehouse' } }, 8, 'WH/Stock')).toEqual({ id: 'wh', kind: 'warehouse' });
    expect(mapLocation({}, 3, 'Main Street Store')).toEqual({ id: 'main-street-store' });
  });

  it('reads the sources\' timestamp formats as UTC days', () => {
    expect(utcDay('2024-04-02T23:56:04-05:00')).toBe('2024-04-03');
    expect(utcDay('2024-05-02 10:00:00.123456')).toBe('2024-05-02');
    expect(utcDay('/Date(1714608000000)/')).toBe('2024-05-02');
  });

  it('groups open lines into one inbound list per position, in a stable order', () => {
    const grouped = groupInbound([
      { sku: 'A', locationId: 'w', qty: 5, eta: '2026-05-09', ref: 'PO2' },
      { sku: 'A', locationId: 'w', qty: 3, eta: '2026-05-02', ref: 'PO1' },
      { sku: 'B', locationId: 'w', qty: 1, eta: '2026-05-02' },
    ]);
    expect(grouped).toEqual([
      { sku: 'A', locationId: 'w', inbound: [{ qty: 3, eta: '2026-05-02', ref: 'PO1' }, { qty: 5, eta: '2026-05-09', ref: 'PO2' }] },
      { sku: 'B', locationId: 'w', inbound: [{ qty: 1, eta: '2026-05-02' }] },
    ]);
  });
});

describe('credentials', () => {
  it('reads environment variables and says which one is missing without printing values', async () => {
    const resolve = envCredentials({ SHOP_TOKEN: 'shpat_secret' });
    expect(await resolve({ env: 'SHOP_TOKEN' })).toBe('shpat_secret');
    await expect(resolve({ env: 'ODOO_KEY' })).rejects.toThrow(/ODOO_KEY is not set/);
  });

  it('reads a JSON secret field from Secrets Manager once per secret', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: 'stocksentry/shop' }).resolves({ SecretString: JSON.stringify({ token: 'shpat_x', other: 'y' }) });
    const resolve = secretsManagerCredentials(new SecretsManagerClient({ region: 'eu-west-1' }), {});
    expect(await resolve({ secretName: 'stocksentry/shop', field: 'token' })).toBe('shpat_x');
    expect(await resolve({ secretName: 'stocksentry/shop', field: 'other' })).toBe('y');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    await expect(resolve({ secretName: 'stocksentry/shop', field: 'missing' })).rejects.toThrow(/no non-empty string field "missing"/);
    sm.restore();
  });
});

describe('registry', () => {
  it('finds built-in connectors and names the known types for an unknown one', () => {
    expect(connectorFor('shopify').type).toBe('shopify');
    expect(CONNECTOR_TYPES).toEqual(expect.arrayContaining(['rest-json', 'csv', 'shopify', 'odoo']));
    expect(() => connectorFor('sap')).toThrow(/Unknown connector type "sap". Known types: rest-json, csv, shopify, odoo/);
  });
});
