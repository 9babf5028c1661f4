import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restJson, type RestJsonOptions } from '../../../connectors/rest-json/index.js';
import { HttpClient, OriginMismatchError } from '../../../connectors/sdk/http.js';
import { linkHeaderPages, odataPages } from '../../../connectors/sdk/paging.js';
import { connectorContext } from '../../../connectors/sdk/sync.js';
import { connectorConfig } from '../../../shared/config.js';
import { json, startServer, type FakeRequest, type FakeServer } from '../../fakes/server.js';

/** The source (serves page 1 and points elsewhere for page 2) and another host on the same machine (another port). */
let source: FakeServer;
let other: FakeServer;
const seenByOther: FakeRequest[] = [];
let nextOf: () => { link?: string; body?: Record<string, unknown> } = () => ({});

beforeAll(async () => {
  other = await startServer((req) => {
    seenByOther.push(req);
    return json({ items: [], d: { results: [] }, value: [] });
  });
  source = await startServer((req) => {
    if (req.url.pathname === '/page2') return json({ items: [{ sku: 'B' }], d: { results: [{ sku: 'B' }] }, value: [{ sku: 'B' }] });
    const { link, body = {} } = nextOf();
    return json({ items: [{ sku: 'A' }], ...body }, 200, link ? { link } : {});
  });
});
afterAll(async () => {
  await source.stop();
  await other.stop();
});

const drain = async <T>(pages: AsyncIterable<{ rows: T[] }>): Promise<T[]> => {
  const rows: T[] = [];
  for await (const page of pages) rows.push(...page.rows);
  return rows;
};

describe('paging stays on the connector\'s origin', () => {
  const client = () => new HttpClient({ origin: new URL(source.url).origin, headers: { authorization: 'Bearer source-token' }, maxRetries: 0 });

  it('refuses a Link rel=next, a V2 __next and a V4 @odata.nextLink to another origin, naming both; the other host sees nothing', async () => {
    const cases: [string, () => AsyncIterable<{ rows: unknown[] }>][] = [
      ['link', () => { nextOf = () => ({ link: `<${other.url}/steal?page=2>; rel="next"` }); return linkHeaderPages(client(), `${source.url}/items`, (b) => (b as { items: unknown[] }).items); }],
      ['__next', () => { nextOf = () => ({ body: { d: { results: [{ sku: 'A' }], __next: `${other.url}/steal` } } }); return odataPages(client(), `${source.url}/odata`); }],
      ['@odata.nextLink', () => { nextOf = () => ({ body: { value: [{ sku: 'A' }], '@odata.nextLink': `${other.url}/steal` } }); return odataPages(client(), `${source.url}/odata`); }],
    ];
    for (const [style, pages] of cases) {
      const error = await drain(pages()).catch((e: unknown) => e);
      expect(error, style).toBeInstanceOf(OriginMismatchError);
      expect((error as OriginMismatchError).message, style).toContain(`its origin ${new URL(other.url).origin} is not the connector's endpoint origin ${new URL(source.url).origin}`);
    }
    expect(seenByOther).toEqual([]);
  });

  it('follows relative and same-origin next links', async () => {
    nextOf = () => ({ link: '</page2>; rel="next"' });
    expect(await drain(linkHeaderPages(client(), `${source.url}/items`, (b) => (b as { items: unknown[] }).items))).toEqual([{ sku: 'A' }, { sku: 'B' }]);
    nextOf = () => ({ body: { value: [{ sku: 'A' }], '@odata.nextLink': `${source.url}/page2` } });
    expect(await drain(odataPages(client(), `${source.url}/odata`))).toEqual([{ sku: 'A' }, { sku: 'B' }]);
  });

  it('refuses another scheme or port of the same host before fetching', async () => {
    const fetched: string[] = [];
    const http = new HttpClient({ origin: 'https://shop.example', fetch: async (url) => { fetched.push(String(url)); return new Response('{}'); } });
    await expect(http.get('http://shop.example/x')).rejects.toBeInstanceOf(OriginMismatchError);
    await expect(http.get('https://shop.example:8443/x')).rejects.toBeInstanceOf(OriginMismatchError);
    await http.get('https://shop.example:443/x');
    expect(fetched).toEqual(['https://shop.example:443/x']);
  });

  it('is set by the SDK from the connector endpoint: a connector\'s own read cannot be led to another host with its token', async () => {
    nextOf = () => ({ link: `<${other.url}/steal>; rel="next"` });
    const config = connectorConfig.parse({
      name: 'erp', type: 'rest-json', endpoint: source.url, credentials: { env: 'T' },
      options: { paths: { positions: { path: '/items', records: 'items' } }, paging: { style: 'link' } },
    });
    const ctx = await connectorContext<RestJsonOptions>(restJson, { config, clock: { now: () => new Date('2026-05-01T00:00:00Z') }, credentials: async () => 'source-token', http: { maxRetries: 0 } });
    const read = async () => { for await (const _ of restJson.read('positions', undefined, ctx)) { /* drain */ } };
    await expect(read()).rejects.toBeInstanceOf(OriginMismatchError);
    expect(seenByOther).toEqual([]);
  });
});
