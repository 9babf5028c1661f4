// Sync throughput and write economy against DynamoDB Local, and how close the adaptive limiter runs to a source's limit.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHubTable, documentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoInventoryStore } from '../shared/adapters/dynamodb/inventory-store.js';
import { connectorConfig } from '../shared/config.js';
import { LOCAL_AWS, startLocalDynamo } from '../infra/local/dynamodb.js';
import { restJson } from '../connectors/rest-json/index.js';
import { shopify } from '../connectors/shopify/index.js';
import { runSync } from '../connectors/sdk/sync.js';
import { generateDataset, mutate } from '../tests/fakes/dataset.js';
import { restJsonOptionsFor, startFakeRestJson } from '../tests/fakes/rest-json.js';
import { shopifyLocationMap, startFakeShopify } from '../tests/fakes/shopify.js';

const POSITIONS = Number(process.env.BENCH_SYNC_POSITIONS ?? 100_000);
const clock = { now: () => new Date('2026-05-01T12:00:00Z') };

export default async function syncBench(): Promise<void> {
  const dynamo = await startLocalDynamo();
  try {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
    const doc = documentClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });

    // 1) Initial sync of N positions from an unthrottled source, then resyncs with 0% and 1% changed.
    const locations = 10;
    const dataset = generateDataset({ items: Math.ceil(POSITIONS / locations), locations, seed: 42, openOrderShare: 0 });
    const fake = await startFakeRestJson(dataset);
    await createHubTable(client, 'bench-sync');
    const store = new DynamoInventoryStore(doc, 'bench-sync');
    const options = { ...restJsonOptionsFor('keyset'), paging: { style: 'keyset', pageSize: 1000 }, streams: ['positions'] };
    const config = connectorConfig.parse({ name: 'bench', type: 'rest-json', endpoint: fake.url, credentials: { env: 'T' }, options, fullReconcileEvery: 1000 });
    const sync = () => runSync({ config, store, clock, credentials: async () => 'test-token', connector: restJson, batchSize: 1000 });
    const initial = await sync();
    const p = initial.streams[0]!;
    console.log(`initial sync: ${p.read} positions in ${(initial.durationMs / 1000).toFixed(1)} s = ${Math.round(p.read / (initial.durationMs / 1000))} records/s (written ${p.written}, requests ${initial.requests})`);
    const none = await sync();
    console.log(`resync, nothing changed: written ${none.streams[0]!.written} (target 0), read ${none.streams[0]!.read}, ${none.durationMs} ms`);
    const changed = mutate(dataset, 0.01, 7);
    const expected = changed.positions.filter((x, i) => x !== dataset.positions[i]).length;
    fake.update(changed);
    const one = await sync();
    console.log(`resync, 1% changed: written ${one.streams[0]!.written} (target exactly ${expected}), read ${one.streams[0]!.read}, ${one.durationMs} ms`);
    await fake.stop();

    // 2) A cost-budgeted Shopify: how close to the allowed rate, and how many THROTTLED answers.
    const budget = { maximumAvailable: 200, restoreRate: 500 };
    const small = generateDataset({ items: 800, locations: 5, seed: 9, openOrderShare: 0 });
    const shop = await startFakeShopify(small, { budget });
    await createHubTable(client, 'bench-shop');
    const shopConfig = connectorConfig.parse({ name: 'shop', type: 'shopify', endpoint: shop.url, credentials: { env: 'T' }, options: { locations: shopifyLocationMap(small), pageSize: 50, streams: ['positions'] } });
    const shopReport = await runSync({ config: shopConfig, store: new DynamoInventoryStore(doc, 'bench-shop'), clock, credentials: async () => 'shpat_test', connector: shopify, batchSize: 1000 });
    const allowedSeconds = Math.max(0, shop.cost.spent - budget.maximumAvailable) / budget.restoreRate;
    const seconds = (shop.stats.times.at(-1)! - shop.stats.times[0]!) / 1000;
    console.log(`shopify cost budget ${budget.maximumAvailable} pts, ${budget.restoreRate} pts/s: ${shop.stats.requests} requests, ${shop.cost.spent} pts in ${seconds.toFixed(2)} s; achieved/allowed rate = ${(allowedSeconds / seconds * 100).toFixed(1)}% (target ≥ 90%); THROTTLED answers ${shop.stats.throttled} (target 0 after the first); positions written ${shopReport.streams[0]!.written}`);
    await shop.stop();

    // 3) A fixed-rate REST source with 429 + Retry-After, the client capped at the published rate.
    const limit = { perSecond: 25, burst: 5 };
    const limited = await startFakeRestJson(small, { rateLimit: limit });
    await createHubTable(client, 'bench-rest');
    const restConfig = connectorConfig.parse({ name: 'rest', type: 'rest-json', endpoint: limited.url, credentials: { env: 'T' }, options: { ...restJsonOptionsFor('keyset'), paging: { style: 'keyset', pageSize: 50 }, streams: ['positions'], rateLimit: limit } });
    await runSync({ config: restConfig, store: new DynamoInventoryStore(doc, 'bench-rest'), clock, credentials: async () => 'test-token', connector: restJson, batchSize: 1000 });
    const restSeconds = (limited.stats.times.at(-1)! - limited.stats.times[0]!) / 1000;
    const allowed = (limited.stats.requests - limit.burst) / limit.perSecond;
    console.log(`rest-json ${limit.perSecond} req/s (burst ${limit.burst}): ${limited.stats.requests} requests in ${restSeconds.toFixed(2)} s; achieved/allowed rate = ${(allowed / restSeconds * 100).toFixed(1)}%; 429s ${limited.stats.throttled} (target 0)`);
    await limited.stop();
    client.destroy();
    doc.destroy();
  } finally {
    await dynamo.stop();
  }
}
