// The console API on AWS: API Gateway (HTTP API, payload v2) has checked the Cognito JWT; this reads who the caller is
// from its claims and hands the request to the same routes the local hub serves.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createConsoleApi } from '../console/api/routes.js';
import { CONSOLE_GROUPS, principalFor, type ConsoleGroup, type ConsolePrincipal } from '../shared/console-access.js';
import type { ConsoleConfig } from '../shared/console-access.js';
import { logger } from './observability.js';
import { awsServices } from './services.js';

export interface ConsoleApiEvent {
  rawPath?: string;
  queryStringParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string }; authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
}

/** Cognito puts groups in `cognito:groups` (an array, or "[a b]" as API Gateway passes it on). The strongest wins. */
export function principalFromClaims(claims: Record<string, unknown>, config: ConsoleConfig): ConsolePrincipal | undefined {
  const email = String(claims.email ?? claims['cognito:username'] ?? '');
  const raw = claims['cognito:groups'];
  const groups = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').replace(/^\[|\]$/g, '').split(/[\s,]+/)).filter(Boolean);
  const group = [...CONSOLE_GROUPS].reverse().find((g) => groups.includes(g)) as ConsoleGroup | undefined;
  if (!email || !group) return undefined;
  const configured = config.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
  // Users invited with `stocksentry users invite` carry their store locations and limit as attributes.
  const locations = typeof claims['custom:locations'] === 'string' ? (claims['custom:locations']).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const limit = claims['custom:approvalLimit'] !== undefined ? Number(claims['custom:approvalLimit']) : undefined;
  return principalFor(configured ?? { email, group, ...(locations ? { locations } : {}), ...(Number.isFinite(limit) ? { approvalLimit: limit } : {}) }, { user: email, group }, config);
}

const api = createConsoleApi(async () => {
  const s = await awsServices();
  return { ...s, bus: s.bus };
}, (error) => logger.error('console api failed', { error: error as Error }));

export async function consoleApiHandler(event: ConsoleApiEvent): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const { config } = await awsServices();
  const principal = principalFromClaims(event.requestContext.authorizer?.jwt?.claims ?? {}, config.console);
  const json = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) });
  if (!principal) return json(403, { error: 'your account is in no console group (viewer, store, buyer, admin): ask an admin to add you' });
  const out = await api({
    method: event.requestContext.http.method, path: (event.rawPath ?? '/').replace(/^\/api/, ''), query: event.queryStringParameters ?? {},
    body: event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body, principal,
  });
  return json(out.status, out.body);
}

export const handler = middy(consoleApiHandler).use(injectLambdaContext(logger));
