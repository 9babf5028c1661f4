// Sync throughput and write economy against DynamoDB Local, and how close the adaptive limiter runs to a source's limit.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHubTable, documentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoInventoryStore } from '../shared/adapters/dynamodb/inventory-store.js';
import { connectorConfig } from '../shared/config.js';
import { LOCAL_AWS, startLocalDynamo } from '../infra/local/dynamodb.js';
import { restJson } from '../connectors/rest-json/index.js';
import { shopify } from '../connectors/shopify/index.js';
import { connectorContext, runSync } from '../connectors/sdk/sync.js';
import { validateRecord } from '../connectors/sdk/records.js';
import type { AnyConnector } from '../connectors/sdk/contract.js';
import type { ConnectorConfig } from '../shared/config.js';
import { generateDataset, mutate } from '../tests/fakes/dataset.js';
import { restJsonOptionsFor, startFakeRestJson } from '../tests/fakes/rest-json.js';
import { shopifyLocationMap, startFakeShopify } from '../tests/fakes/shopify.js';
import { instrument } from '../tests/support/dynamo-calls.js';

/** Positions read and validated without a store (the connector side of a sync). */
const READ_POSITIONS = Number(process.env.BENCH_READ_POSITIONS ?? 100_000);
/** Positions synced into DynamoDB Local (it serialises writes, ~570/s here: BENCH_SYNC_POSITIONS=100000 takes ~3.5 minutes). */
const POSITIONS = Number(process.env.BENCH_SYNC_POSITIONS ?? 20_000);
const clock = { now: () => new Date('2026-05-01T12:00:00Z') };

/** Drains one stream through the connector and the SDK's validation, without a store; returns records and seconds. */
async function drain(connector: AnyConnector, config: ConnectorConfig, credential: string): Promise<{ records: number; seconds: number }> {
  const ctx = await connectorContext(connector, { config, clock, credentials: async () => credential }, true);
  const t0 = performance.now();
  let records = 0;
  for await (const message of connector.read('positions', undefined, ctx)) {
    if (message.type === 'record' && validateRecord('positions', message.record, 6).ok) records++;
  }
  return { records, seconds: (performance.now() - t0) / 1000 };
}

export default async function syncBench(): Promise<void> {
  // 0) The connector side alone: 100k positions fetched, mapped, normalised and validated.
  {
    const dataset = generateDataset({ items: Math.ceil(READ_POSITIONS / 10), locations: 10, seed: 42, openOrderShare: 0 });
    const fake = await startFakeRestJson(dataset);
    const config = connectorConfig.parse({ name: 'bench', type: 'rest-json', endpoint: fake.url, credentials: { env: 'T' }, options: { ...restJsonOptionsFor('keyset'), paging: { style: 'keyset', pageSize: 1000 } } });
    const { records, seconds } = await drain(restJson, config, 'test-token');
    console.log(`read + validate (no store): ${records} positions in ${seconds.toFixed(1)} s = ${Math.round(records / seconds)} records/s`);
    await fake.stop();
  }

  const dynamo = await startLocalDynamo();
  try {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
    const doc = documentClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });

    // 1) Initial sync of N positions (with their open purchase orders) from a source read whole every run, then
    // resyncs with nothing and 1% changed: every DynamoDB call counted, the first sync the baseline.
    const locations = 10;
    const dataset = generateDataset({ items: Math.ceil(POSITIONS / locations), locations, seed: 42, openOrderShare: 0.1 });
    const fake = await startFakeRestJson(dataset);
    await createHubTable(client, 'bench-sync');
    const calls = instrument(doc);
    const store = new DynamoInventoryStore(doc, 'bench-sync');
    const defaults = restJsonOptionsFor('keyset');
    const { incremental: _incremental, ...positionsPath } = (defaults.paths as Record<string, Record<string, unknown>>).positions!;
    const options = { ...defaults, paths: { ...(defaults.paths as object), positions: positionsPath }, paging: { style: 'keyset', pageSize: 1000 }, streams: ['positions', 'purchaseOrders'] };
    const config = connectorConfig.parse({ name: 'bench', type: 'rest-json', endpoint: fake.url, credentials: { env: 'T' }, options, fullReconcileEvery: 1000 });
    const sync = async (label: string, full = false) => {
      calls.reset();
      const report = await runSync({ config, store, clock, credentials: async () => 'test-token', connector: restJson, batchSize: 1000, full });
      const [p, po] = report.streams;
      const ops = Object.entries(calls.byOperation).sort().map(([op, n]) => `${op} ${n}`).join(', ');
      const items = Object.entries(calls.itemsByOperation).sort().map(([op, n]) => `${op} ${n}`).join(', ');
      console.log(`${label}: ${(report.durationMs / 1000).toFixed(1)} s; positions read ${p!.read} written ${p!.written}; purchase-order positions read ${po!.read} written ${po!.written}; vanished ${report.vanished}`);
      console.log(`  DynamoDB calls ${calls.total()} (${ops}); items read: ${items || 'none'}`);
      return { report, calls: calls.total(), reads: calls.reads(), positionKeys: calls.itemsByOperation.BatchGetItem ?? 0, scanned: calls.itemsByOperation.Scan ?? 0 };
    };
    const first = await sync(`initial sync of ${dataset.positions.length} positions (baseline)`);
    console.log(`  ${Math.round(first.report.streams[0]!.read / (first.report.durationMs / 1000))} records/s`);
    const none = await sync('resync, nothing changed');
    const changed = mutate(dataset, 0.01, 7);
    const expected = changed.positions.filter((x, i) => x !== dataset.positions[i]).length;
    fake.update(changed);
    const one = await sync(`resync, 1% changed (${expected} positions)`);
    console.log(`  resync/initial: calls ${(one.calls / first.calls * 100).toFixed(1)}%, read calls ${(one.reads / first.reads * 100).toFixed(1)}%; position items read ${one.positionKeys} (target ≤ ${expected}), items scanned ${one.scanned} (target 0); written ${one.report.streams[0]!.written} (target exactly ${expected}); unchanged resync written ${none.report.streams[0]!.written} (target 0)`);
    // The full reconcile, the safety net: ignores the snapshot and re-reads every key, still without a Scan.
    await sync('full reconcile (every key read, no Scan)', true);
    await fake.stop();

    // 2) A cost-budgeted Shopify, read without a store so only the limiter paces requests: how close to the
    // allowed rate, and how many THROTTLED answers.
    const budget = { maximumAvailable: 300, restoreRate: 500 };
    const small = generateDataset({ items: 800, locations: 5, seed: 9, openOrderShare: 0 });
    const shop = await startFakeShopify(small, { budget });
    const shopConfig = connectorConfig.parse({ name: 'shop', type: 'shopify', endpoint: shop.url, credentials: { env: 'T' }, options: { locations: shopifyLocationMap(small), pageSize: 50 } });
    const shopRead = await drain(shopify, shopConfig, 'shpat_test');
    const allowedSeconds = Math.max(0, shop.cost.spent - budget.maximumAvailable) / budget.restoreRate;
    console.log(`shopify cost budget ${budget.maximumAvailable} pts + ${budget.restoreRate} pts/s: ${shop.stats.requests} requests, ${shop.cost.spent} pts, ${shopRead.records} positions in ${shopRead.seconds.toFixed(2)} s; achieved/allowed rate = ${(allowedSeconds / shopRead.seconds * 100).toFixed(1)}% (target ≥ 90%); THROTTLED answers ${shop.stats.throttled} (target 0 after the first)`);
    await shop.stop();

    // 3) Shopify's REST leaky bucket (leaking 2/s; 429 + Retry-After past it), paced from X-Shopify-Shop-Api-Call-Limit.
    // A 10-request bucket instead of the standard 40, so the run is mostly paced and not one burst.
    const bucket = { size: 10, leakPerSecond: 2 };
    const restShop = await startFakeShopify(small, { restBucket: bucket });
    const restShopConfig = connectorConfig.parse({ name: 'shop', type: 'shopify', endpoint: restShop.url, credentials: { env: 'T' }, options: { api: 'rest', locations: shopifyLocationMap(small), pageSize: 100 } });
    const restShopRead = await drain(shopify, restShopConfig, 'shpat_test');
    const bucketAllowed = Math.max(0, restShop.stats.requests - bucket.size) / bucket.leakPerSecond;
    console.log(`shopify REST bucket ${bucket.size} + ${bucket.leakPerSecond} req/s: ${restShop.stats.requests} requests, ${restShopRead.records} positions in ${restShopRead.seconds.toFixed(2)} s; achieved/allowed rate = ${(bucketAllowed / restShopRead.seconds * 100).toFixed(1)}% (target ≥ 90%); 429s ${restShop.stats.throttled} (target 0 after the first)`);
    await restShop.stop();

    // 4) A fixed-rate REST source answering 429 + Retry-After, the client capped at the published rate.
    const limit = { perSecond: 25, burst: 5 };
    const limited = await startFakeRestJson(small, { rateLimit: limit });
    const restConfig = connectorConfig.parse({ name: 'rest', type: 'rest-json', endpoint: limited.url, credentials: { env: 'T' }, options: { ...restJsonOptionsFor('keyset'), paging: { style: 'keyset', pageSize: 50 }, rateLimit: limit } });
    const restRead = await drain(restJson, restConfig, 'test-token');
    const allowed = (limited.stats.requests - limit.burst) / limit.perSecond;
    console.log(`rest-json ${limit.perSecond} req/s (burst ${limit.burst}): ${limited.stats.requests} requests in ${restRead.seconds.toFixed(2)} s; achieved/allowed rate = ${(allowed / restRead.seconds * 100).toFixed(1)}% (target ≥ 90%); 429s ${limited.stats.throttled} (target 0)`);
    await limited.stop();
    client.destroy();
    doc.destroy();
  } finally {
    await dynamo.stop();
  }
}
