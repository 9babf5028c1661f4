import { AdminAddUserToGroupCommand, AdminCreateUserCommand, CognitoIdentityProviderClient, UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../../cli/commands/users.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const out: string[] = [];
const run = (...args: string[]) => {
  const program = new Command().exitOverride();
  register(program, () => new CognitoIdentityProviderClient({ region: 'eu-central-1' }), (t) => out.push(t));
  return program.parseAsync(['node', 'stocksentry', 'users', 'invite', ...args]);
};

beforeEach(() => { cognito.reset(); out.length = 0; });

describe('stocksentry users invite', () => {
  it('creates the Cognito user with their store locations and puts them in their group', async () => {
    cognito.on(AdminCreateUserCommand).resolves({}).on(AdminAddUserToGroupCommand).resolves({});
    await run('north@acme.example', '--group', 'store', '--locations', 'store-1, store-2', '--user-pool-id', 'eu-central-1_abc');
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toMatchObject({
      UserPoolId: 'eu-central-1_abc', Username: 'north@acme.example', DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: expect.arrayContaining([{ Name: 'custom:locations', Value: 'store-1,store-2' }]),
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'eu-central-1_abc', Username: 'north@acme.example', GroupName: 'store' });
    expect(out.join('\n')).toContain('Invited north@acme.example as store for store-1, store-2');
  });

  it('adds an existing user to the group instead of failing', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} })).on(AdminAddUserToGroupCommand).resolves({});
    await run('buyer@acme.example', '--group', 'buyer', '--approval-limit', '5000', '--user-pool-id', 'p');
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(1);
    expect(out[0]).toContain('already has an account');
  });

  it('refuses a store user without locations and an unknown group, before calling AWS', async () => {
    await expect(run('x@acme.example', '--group', 'store', '--user-pool-id', 'p')).rejects.toThrow(/locations: a store user needs/);
    await expect(run('x@acme.example', '--group', 'owner', '--user-pool-id', 'p')).rejects.toThrow(/group/);
    expect(cognito.calls()).toHaveLength(0);
  });
});
