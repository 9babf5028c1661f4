// The console's overview with 100,000 positions in the local table: it reads the stock-health cells (one query), the
// active and recent alerts, the sync records and the scorecards, never the positions. The baseline is what answering
// it from the positions would cost: one scan of the table.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createConsoleApi } from '../console/api/routes.js';
import { LOCAL_AWS, startLocalDynamo } from '../infra/local/dynamodb.js';
import { DynamoAlertStore } from '../shared/adapters/dynamodb/alert-store.js';
import { createHubTable, documentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoHealthStore, healthKeys } from '../shared/adapters/dynamodb/health-store.js';
import { DynamoInventoryStore } from '../shared/adapters/dynamodb/inventory-store.js';
import { DynamoRequestStore } from '../shared/adapters/dynamodb/request-store.js';
import { alertsSettings, reconcilePosition } from '../shared/alerts/index.js';
import { parseHubConfig } from '../shared/config.js';
import { principalFor } from '../shared/console-access.js';
import { addToSums, contributionOf, positionHealth, type CellSums } from '../shared/health/model.js';
import { keys } from '../shared/storage/table.js';
import { seededRandom } from '../shared/random.js';

const POSITIONS = Number(process.env.BENCH_CONSOLE_POSITIONS ?? 100_000);
const LOCATIONS = 25;
const CATEGORIES = 12;
const ALERTS = Number(process.env.BENCH_CONSOLE_ALERTS ?? 500);
const RUNS = 5;
const clock = { now: () => new Date('2026-05-01T12:00:00Z') };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function consoleBench(): Promise<void> {
  const dynamo = await startLocalDynamo();
  try {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
    const doc = documentClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
    const tableName = 'bench-console';
    await createHubTable(client, tableName);
    const config = parseHubConfig({
      locations: Array.from({ length: LOCATIONS }, (_, i) => ({ id: `loc-${i}`, kind: i < 20 ? 'store' : 'channel', group: `region-${i % 4}` })),
    });
    const random = seededRandom(7);
    const rng = () => random.next();
    const health = new DynamoHealthStore(doc, tableName);

    // Seed: every position and its health contribution (batch writes), and the cells they add up to, as a sweep sets them.
    const t0 = performance.now();
    const rows: Record<string, unknown>[] = [];
    const sums = new Map<string, CellSums>();
    for (let n = 0; n < POSITIONS; n++) {
      const sku = `SKU-${String(Math.floor(n / LOCATIONS)).padStart(6, '0')}`;
      const locationId = `loc-${n % LOCATIONS}`;
      const onHand = Math.floor(rng() * 200);
      const forecastDaily = rng() * 6;
      const h = positionHealth({
        sku, locationId, category: `cat-${n % CATEGORIES}`, day: '2026-05-01', onHand, unitCost: 1 + rng() * 40, forecastDaily,
        daysOfCover: forecastDaily > 0 ? onHand / forecastDaily : null,
        findings: onHand === 0 ? [{ type: 'STOCKOUT', severity: 'critical', message: '', facts: { lostSalesPerDay: forecastDaily * 10 } }] : [],
      });
      addToSums(sums, [h]);
      rows.push({ ...keys.position(sku, locationId), ...keys.positionByLocation(sku, locationId), entity: 'position', sku, locationId, onHand, reserved: 0, inbound: [], openOrders: [], sources: ['bench'], version: 1, updatedAt: clock.now().toISOString() });
      rows.push({ ...healthKeys.position(sku, locationId), entity: 'positionHealth', ...contributionOf(h), version: 1 });
    }
    let next = 0;
    const writer = async () => {
      while (next < rows.length) {
        const batch = rows.slice(next, next + 25);
        next += 25;
        let request: Record<string, unknown[]> | undefined = { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) };
        while (request && Object.keys(request).length) request = (await doc.send(new BatchWriteCommand({ RequestItems: request as never }))).UnprocessedItems as typeof request;
      }
    };
    await Promise.all(Array.from({ length: 4 }, writer));
    const cells = await health.setCells([...sums.values()], '2026-05-01');
    const alertStore = new DynamoAlertStore(doc, tableName);
    const settings = alertsSettings(config);
    for (let i = 0; i < ALERTS; i++) {
      await reconcilePosition({ sku: `SKU-${String(i).padStart(6, '0')}`, locationId: `loc-${i % LOCATIONS}`, findings: [{ type: 'STOCKOUT_RISK', severity: 'warning', message: 'bench' }], now: clock.now() }, { store: alertStore, settings });
    }
    console.log(`seeded ${POSITIONS} positions with their health, ${cells} cells, ${ALERTS} alerts in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    const api = createConsoleApi({
      config, clock, store: new DynamoInventoryStore(doc, tableName), alertStore, alertSettings: settings, health,
      replenishment: { requests: new DynamoRequestStore(doc, tableName), clock, config: config.replenishment, suppliers: new Map() },
    });
    const principal = principalFor(undefined, { user: 'bench', group: 'admin' }, config.console);
    const times: number[] = [];
    let positions = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const out = await api({ method: 'GET', path: '/overview', query: r % 2 ? { locationGroup: 'region-1' } : {}, principal });
      times.push(performance.now() - t);
      if (out.status !== 200) throw new Error(`overview answered ${out.status}`);
      if (r === 0) positions = (out.body as { health: { totals: { positions: number } } }).health.totals.positions;
    }
    if (positions !== POSITIONS) throw new Error(`overview counted ${positions} positions, expected ${POSITIONS}`);

    // Baseline: reading every position item once (what a page view would cost without the cells).
    const s = performance.now();
    let scanned = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':e': 'position' } }));
      scanned += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    const scanMs = performance.now() - s;
    const m = median(times);
    console.log(`overview, ${POSITIONS} positions (${LOCATIONS} locations × ${CATEGORIES} categories, ${ALERTS} open alerts): median ${m.toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}); budget 1000 ms`);
    console.log(`baseline, one scan of the ${scanned} positions: ${scanMs.toFixed(0)} ms — the overview answers ${(scanMs / m).toFixed(1)}× faster`);
  } finally {
    await dynamo.stop();
  }
}
