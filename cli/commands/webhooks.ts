// `stocksentry connector webhooks <name> list|register|remove`: the shop's webhook subscriptions pointing at a
// deployed stage's push API (its PushApiUrl stack output) or at `--url`.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { webhooksFor } from '../../connectors/push/envelope.js';
import { connectorFor } from '../../connectors/registry.js';
import { secretsManagerCredentials, type CredentialResolver } from '../../connectors/sdk/credentials.js';
import type { HttpClientOptions } from '../../connectors/sdk/http.js';
import { connectorContext } from '../../connectors/sdk/sync.js';
import type { WebhookSubscription } from '../../connectors/sdk/webhooks.js';
import type { HubConfig } from '../../shared/config.js';
import { systemClock } from '../../shared/ports.js';
import { loadHubConfig } from '../../config/load.js';

export class WebhookSetupError extends Error {
  readonly code = 'WEBHOOK_SETUP';
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSetupError';
  }
}

export interface WebhookCommandInput {
  config: HubConfig;
  connector: string;
  credentials: CredentialResolver;
  /** The push API's base URL (…/push); the connector's callback is <pushUrl>/webhooks/<connector>. */
  pushUrl?: string;
  /** remove: these subscription ids; none: every subscription pointing at the callback URL. */
  ids?: string[];
  http?: Partial<HttpClientOptions>;
}

/** Runs one action; returns the subscriptions listed, created or removed. */
export async function connectorWebhooks(action: 'list' | 'register' | 'remove', input: WebhookCommandInput): Promise<WebhookSubscription[]> {
  const config = input.config.connectors.find((c) => c.name === input.connector);
  if (!config) throw new WebhookSetupError(`No connector named "${input.connector}" in hub.config (known: ${input.config.connectors.map((c) => c.name).join(', ') || 'none'}).`);
  const support = webhooksFor(config.type);
  if (!support) throw new WebhookSetupError(`Connector "${input.connector}" is ${config.type}; webhooks come from shopify and woocommerce connectors.`);
  const entry = input.config.push?.webhooks.find((w) => w.connector === input.connector);
  if (action !== 'list' && !entry) throw new WebhookSetupError(`Add { connector: '${input.connector}', secret: … } to push.webhooks in hub.config first: the hub checks deliveries with that secret.`);
  const ctx = await connectorContext(connectorFor(config.type), { config, clock: systemClock, credentials: input.credentials, http: input.http });
  const callback = input.pushUrl ? `${input.pushUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(input.connector)}` : undefined;
  if (action === 'list') return support.list(ctx);
  if (!callback && !(action === 'remove' && input.ids?.length)) throw new WebhookSetupError('No push API URL: deploy the stack with a push section, or pass --url <push API URL>.');
  if (action === 'register') return support.register(ctx, callback!, await input.credentials(entry!.secret));
  const existing = await support.list(ctx);
  const doomed = input.ids?.length ? existing.filter((s) => input.ids!.includes(s.id)) : existing.filter((s) => s.url === callback);
  const unknown = (input.ids ?? []).filter((id) => !existing.some((s) => s.id === id));
  if (unknown.length) throw new WebhookSetupError(`No subscription ${unknown.join(', ')} at ${input.connector}; see \`stocksentry connector webhooks ${input.connector} list\`.`);
  for (const s of doomed) await support.remove(ctx, s.id);
  return doomed;
}

/** The push API URL of a deployed stage: its stack's PushApiUrl output. */
export async function deployedPushUrl(stackName: string, cloudFormation = new CloudFormationClient({})): Promise<string> {
  const out = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const url = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'PushApiUrl')?.OutputValue;
  if (!url) throw new WebhookSetupError(`Stack ${stackName} has no PushApiUrl output: add a push section to hub.config and deploy, or pass --url.`);
  return url;
}

export const formatSubscriptions = (subs: WebhookSubscription[]): string =>
  subs.length === 0 ? '(none)' : subs.map((s) => `${s.id}\t${s.topic}\t${s.url}${s.status ? `\t${s.status}` : ''}`).join('\n');

/** `stocksentry connector webhooks <name> <action> [ids...]` (registered in connector.ts). */
export async function webhooksCommand(name: string, action: string, ids: string[], options: { config?: string; url?: string; stack?: string; stage?: string }): Promise<void> {
  if (action !== 'list' && action !== 'register' && action !== 'remove') throw new WebhookSetupError(`Unknown action "${action}": use list, register or remove.`);
  const config = await loadHubConfig(options.config);
  const needsUrl = action === 'register' || (action === 'remove' && ids.length === 0);
  const pushUrl = options.url ?? (needsUrl ? await deployedPushUrl(options.stack ?? `${config.name}-${options.stage ?? config.stage}`) : undefined);
  const subs = await connectorWebhooks(action, { config, connector: name, credentials: secretsManagerCredentials(new SecretsManagerClient({})), pushUrl, ids });
  const verb = { list: 'Subscriptions', register: 'Created', remove: 'Removed' }[action];
  console.log(`${verb} at ${name}:\n${formatSubscriptions(subs)}`);
}
