// `stocksentry connector new <name>`: scaffolds a connector folder, its fake server and its conformance test.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';

export class ConnectorScaffoldError extends Error {
  constructor(readonly code: 'CONNECTOR_NAME_INVALID' | 'CONNECTOR_EXISTS', message: string) {
    super(message);
    this.name = 'ConnectorScaffoldError';
  }
}

const camel = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string): string => camel(name).replace(/^./, (c) => c.toUpperCase());

export function connectorTemplate(name: string): string {
  const id = camel(name);
  return `// ${name}: <what system this reads>. A form: the options, how to fetch a page, how to map a record.
import { z } from 'zod';
import { baseOptions, checkpoint, defineConnector, mapRecord, parseCursor, type ConnectorContext, type ReadMessage } from '../sdk/contract.js';
import { JITTER_MARGIN, TokenBucketLimiter } from '../sdk/http.js';
import { keysetPages } from '../sdk/paging.js';

/** What hub.config's options must hold for this connector (exported as JSON Schema for users). */
export const ${id}Options = baseOptions.extend({
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** The API's published request rate; the SDK never goes faster. */
  requestsPerSecond: z.number().positive().optional(),
});
export type ${pascal(name)}Options = z.infer<typeof ${id}Options>;
type Ctx = ConnectorContext<${pascal(name)}Options>;

/** The source's record, as its API sends it. */
interface SourceStock { id: number; sku: string; location: string; on_hand: string | number; reserved: number }

/** Fetch one page. Replace with the real API call (the SDK's client retries, backs off and rate-limits). */
async function fetchPage(ctx: Ctx, after: string | undefined, limit: number): Promise<SourceStock[]> {
  const url = new URL(\`\${ctx.endpoint}/stock\`);
  url.searchParams.set('limit', String(limit));
  if (after) url.searchParams.set('after', after);
  const response = await ctx.http.get(url.toString());
  return (response.body as { data: SourceStock[] }).data;
}

/** Map one source record to a canonical position; the SDK normalises numbers and validates the result. */
const toPosition = (s: SourceStock) => ({ sku: s.sku, locationId: s.location, onHand: s.on_hand, reserved: s.reserved });

async function* readPositions(cursor: string | undefined, ctx: Ctx): AsyncGenerator<ReadMessage> {
  const state = parseCursor(z.object({ after: z.string().optional() }), cursor);
  for await (const page of keysetPages((after, limit) => fetchPage(ctx, after, limit), (s) => s.id, { after: state?.after, limit: ctx.options.pageSize })) {
    for (const row of page.rows) yield mapRecord(row, toPosition);
    yield checkpoint({ after: page.next });
  }
}

export const ${id} = defineConnector<${pascal(name)}Options>({
  type: '${name}',
  spec: ${id}Options,
  http: (ctx) => ({
    headers: (ctx.credential === undefined ? {} : { authorization: \`Bearer \${ctx.credential}\` }) as Record<string, string>,
    rateLimiter: ctx.options.requestsPerSecond ? new TokenBucketLimiter(ctx.options.requestsPerSecond * (1 - JITTER_MARGIN)) : undefined,
  }),
  async check(ctx) {
    const response = await ctx.http.get(\`\${ctx.endpoint}/stock?limit=1\`);
    return response.status === 200 ? { ok: true } : { ok: false, reason: \`\${ctx.endpoint}/stock answered HTTP \${response.status}; check the endpoint and credential.\` };
  },
  discover: () => [{ name: 'positions' }],
  read: (stream, cursor, ctx) => (stream === 'positions' ? readPositions(cursor, ctx) : (async function* () {})()),
});
`;
}

export function fakeTemplate(name: string): string {
  return `// A fake ${name} API serving any Dataset in the source's wire format (bearer auth, keyset paging, 429 + Retry-After).
import type { Dataset } from './dataset.js';
import { json, startServer, type FakeServer } from './server.js';

export interface Fake${pascal(name)} extends FakeServer {
  rateLimit?: { perSecond: number; burst: number };
  update(next: Dataset): void;
}

export async function startFake${pascal(name)}(dataset: Dataset, options: { token?: string; perSecond?: number } = {}): Promise<Fake${pascal(name)}> {
  const token = options.token ?? 'test-token';
  let current = dataset;
  let lastRequest = 0;
  const server = await startServer((req, stats) => {
    const now = performance.now();
    if (options.perSecond && now - lastRequest < 1000 / options.perSecond) {
      stats.throttled++;
      return json({ error: 'slow down' }, 429, { 'retry-after': ((1000 / options.perSecond - (now - lastRequest)) / 1000).toFixed(3) });
    }
    lastRequest = now;
    if (req.headers.authorization !== \`Bearer \${token}\`) return json({ error: 'unauthorized' }, 401);
    if (req.url.pathname !== '/stock') return json({ error: 'not found' }, 404);
    const after = Number(req.url.searchParams.get('after') ?? 0);
    const limit = Number(req.url.searchParams.get('limit') ?? 100);
    const rows = current.positions.map((p, i) => ({ id: i + 1, sku: p.sku, location: p.locationId, on_hand: p.onHand.toFixed(3), reserved: p.reserved }));
    return json({ data: rows.filter((r) => r.id > after).slice(0, limit) });
  });
  return { ...server, rateLimit: options.perSecond ? { perSecond: options.perSecond, burst: 1 } : undefined, update: (next) => { current = next; } };
}
`;
}

export function testTemplate(name: string): string {
  return `import { ${camel(name)} } from '../../../connectors/${name}/index.js';
import { generateDataset } from '../../fakes/dataset.js';
import { startFake${pascal(name)} } from '../../fakes/${name}.js';
import { describeConnectorConformance } from './conformance.js';

describeConnectorConformance({
  name: '${name}',
  connector: ${camel(name)},
  dataset: generateDataset({ items: 10, locations: 3, seed: 1 }),
  credential: 'test-token',
  startFake: (d, { rateLimited }) => startFake${pascal(name)}(d, { perSecond: rateLimited ? 50 : undefined }),
  config: (fake) => ({ name: '${name}', type: '${name}', endpoint: fake.url, credentials: { env: '${name.toUpperCase().replace(/-/g, '_')}_TOKEN' }, options: { pageSize: 10, ...(fake.rateLimit ? { requestsPerSecond: fake.rateLimit.perSecond } : {}) } }),
});
`;
}

/** Writes the three files under `root`; returns their paths. */
export function scaffoldConnector(name: string, root: string): string[] {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new ConnectorScaffoldError('CONNECTOR_NAME_INVALID', `Connector name "${name}" must be lower-case letters, digits and dashes, starting with a letter (e.g. "acme-erp").`);
  }
  const files: [string, string][] = [
    [path.join(root, 'connectors', name, 'index.ts'), connectorTemplate(name)],
    [path.join(root, 'tests', 'fakes', `${name}.ts`), fakeTemplate(name)],
    [path.join(root, 'tests', 'integration', 'connectors', `${name}.test.ts`), testTemplate(name)],
  ];
  const existing = files.map(([f]) => f).filter((f) => existsSync(f));
  if (existing.length > 0) throw new ConnectorScaffoldError('CONNECTOR_EXISTS', `Not overwriting ${existing.join(', ')}; pick another name or remove them.`);
  for (const [file, text] of files) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return files.map(([f]) => f);
}

export function register(program: Command): void {
  const connector = program.command('connector').description('Connector development');
  connector
    .command('new <name>')
    .description('Scaffold connectors/<name>/ (options, fetch, map), tests/fakes/<name>.ts and a conformance test')
    .option('--root <dir>', 'repository root', process.cwd())
    .action((name: string, opts: { root: string }) => {
      const files = scaffoldConnector(name, path.resolve(opts.root));
      console.log(`Created:\n${files.map((f) => `  ${path.relative(opts.root, f)}`).join('\n')}`);
      console.log(`Next: add ${camel(name)} to CONNECTORS in connectors/registry.ts, point fetchPage/toPosition at the real API, make the fake speak it, then run npx vitest run tests/integration/connectors/${name}.test.ts (docs/connectors.md).`);
    });
  connector.command('webhooks <name> <action> [ids...]')
    .description('list, register or remove the webhook subscriptions of a shopify or woocommerce connector at the source, for a deployed stage (or --url)')
    .option('-c, --config <file>', 'hub.config file')
    .option('--url <pushUrl>', 'the push API base URL (default: the PushApiUrl output of the deployed stack)')
    .option('--stage <name>', 'a deployed stage: the stack <config.name>-<stage> (default: the config\'s stage)')
    .option('--stack <name>', 'CloudFormation stack (default: <config.name>-<stage>)')
    // Loaded on use: the connectors and AWS clients it needs would slow every other command's start.
    .action(async (name: string, action: string, ids: string[], options: { config?: string; url?: string; stack?: string; stage?: string }) =>
      (await import('./webhooks.js')).webhooksCommand(name, action, ids, options));
}
