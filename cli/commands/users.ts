// `stocksentry users invite`: adds a console user to the deployed stack's Cognito user pool (AdminCreateUser sends the
// invitation email) and puts them in their group; store locations and a buyer's limit travel as user attributes.
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, CognitoIdentityProviderClient, UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import type { Command } from 'commander';
import { CONSOLE_GROUPS, consoleUser, type ConsoleGroup } from '../../shared/console-access.js';

interface InviteOptions { group: string; locations?: string; approvalLimit?: string; userPoolId?: string }

export function register(program: Command, client: () => CognitoIdentityProviderClient = () => new CognitoIdentityProviderClient({}), print: (text: string) => void = (t) => console.log(t)): void {
  const users = program.command('users').description('console users on AWS (Cognito)');
  users.command('invite <email>')
    .description('invite a console user: Cognito emails them a temporary password; they set a password and MFA at first sign-in')
    .requiredOption('-g, --group <group>', `one of ${CONSOLE_GROUPS.join(', ')}`)
    .option('-l, --locations <ids>', 'store users: the locations they look after, comma-separated')
    .option('--approval-limit <amount>', 'buyers: the largest request total they may approve (default console.buyerApprovalLimit)')
    .option('--user-pool-id <id>', 'the stack output ConsoleUserPoolId (default STOCKSENTRY_USER_POOL_ID)')
    .action(async (email: string, opts: InviteOptions) => {
      const userPoolId = opts.userPoolId ?? process.env.STOCKSENTRY_USER_POOL_ID;
      if (!userPoolId) throw new Error('give --user-pool-id (the stack output ConsoleUserPoolId) or set STOCKSENTRY_USER_POOL_ID');
      const parsed = consoleUser.safeParse({
        email, group: opts.group,
        ...(opts.locations ? { locations: opts.locations.split(',').map((l) => l.trim()).filter(Boolean) } : {}),
        ...(opts.approvalLimit !== undefined ? { approvalLimit: Number(opts.approvalLimit) } : {}),
      });
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'user'}: ${i.message}`).join('; '));
      const user = parsed.data;
      const cognito = client();
      try {
        await cognito.send(new AdminCreateUserCommand({
          UserPoolId: userPoolId, Username: user.email, DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: user.email }, { Name: 'email_verified', Value: 'true' },
            ...(user.locations ? [{ Name: 'custom:locations', Value: user.locations.join(',') }] : []),
            ...(user.approvalLimit !== undefined ? [{ Name: 'custom:approvalLimit', Value: String(user.approvalLimit) }] : []),
          ],
        }));
      } catch (error) {
        if (!(error instanceof UsernameExistsException)) throw error;
        print(`${user.email} already has an account; adding them to ${user.group}.`);
      }
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: user.group satisfies ConsoleGroup }));
      print(`Invited ${user.email} as ${user.group}${user.locations ? ` for ${user.locations.join(', ')}` : ''}: Cognito has emailed them a temporary password.`);
    });
}
