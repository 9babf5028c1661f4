// The stream path on DynamoDB Local: a batch evaluated as one unit, few reads, requests consolidated, failures reported.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEvaluateChangesHandler } from '../../../functions/evaluate-changes.js';
import { hubServices, type HubServices } from '../../../functions/services.js';
import { positionItem } from '../../../shared/adapters/dynamodb/inventory-store.js';
import type { BusEntry } from '../../../shared/alerts/ports.js';
import { parseHubConfig } from '../../../shared/config.js';
import { evaluatePositions } from '../../../shared/evaluation/pipeline.js';
import type { Position } from '../../../shared/model.js';
import { generateRetail, retailConfig, seedRetail } from '../../fakes/retail.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { instrument, type CallStats } from '../../support/dynamo-calls.js';

const retail = generateRetail({ positions: 400, locations: 4, seed: 5 });
const config = parseHubConfig(retailConfig(retail));
const now = new Date('2026-05-01T09:00:00Z');
const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'test', awsRequestId: 'test' } as never;

const record = (before: Position, after: Position, seq: number): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: {
    SequenceNumber: String(seq),
    OldImage: marshall(positionItem(before), { removeUndefinedValues: true }) as never,
    NewImage: marshall(positionItem(after), { removeUndefinedValues: true }) as never,
  },
});

describe('evaluate-changes', { timeout: 120_000 }, () => {
  let table: TestTable;
  let services: HubServices;
  let stats: CallStats;
  const bus = { entries: [] as BusEntry[], async putEvents(e: readonly BusEntry[]) { this.entries.push(...e); } };

  beforeAll(async () => {
    table = await createTestTable();
    await seedRetail(table.doc, table.tableName, retail);
    stats = instrument(table.doc);
    services = hubServices({ config, doc: table.doc, tableName: table.tableName, bus, clock: { now: () => now } });
    // What the daily sweep leaves: every SKU's transfer board (what each location needs and can spare).
    await evaluatePositions(retail.positions, { store: services.evaluationStore, config, clock: { now: () => now } });
  });

  it('evaluates 100 changes at one store with at most 10 reads (named transfers included), one request per supplier and nothing failed back', async () => {
    const atStore = retail.positions.filter((p) => p.locationId === 'store-001').slice(0, 100);
    expect(atStore).toHaveLength(100);
    // Every position runs short, so every one asks for stock from its supplier: they all share a few request items.
    const records = atStore.map((p, i) => record(p, { ...p, onHand: 0, version: p.version + 1 }, i + 1));
    stats.reset();
    const out = await createEvaluateChangesHandler(async () => services)({ Records: records }, context);
    expect(out.batchItemFailures).toEqual([]);
    // Every position is short, so every one looks for a named source among its SKU's other locations: their standings
    // come from the SKUs' transfer boards (one key per SKU), so the whole batch stays within 10 reads.
    expect(stats.reads()).toBeLessThanOrEqual(10);
    expect(stats.conditionFailures).toBe(0);
    // One request per supplier for the store, each written once, holding all of that supplier's lines.
    const requested = bus.entries.filter((e) => e.detailType === 'ReplenishmentRequested' || e.detailType === 'ReplenishmentApprovalRequested');
    const suppliers = requested.map((e) => e.detail.supplierId);
    expect(new Set(suppliers).size).toBe(suppliers.length);
    expect(suppliers.length).toBeGreaterThan(3);
    expect(requested.every((e) => e.detail.revision === 1 && e.detail.locationId === 'store-001')).toBe(true);
    const lines = requested.flatMap((e) => (e.detail.lines as { sku: string }[]).map((l) => l.sku));
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.length).toBeGreaterThan(50);
    const raised = bus.entries.filter((e) => e.detailType === 'AlertRaised');
    expect(raised.length).toBeGreaterThan(50);
    // Some of them name another store of the SKU that can spare stock, and how much.
    const named = raised.filter((e) => Object.keys((e.detail.alert as { facts?: object }).facts ?? {}).some((k) => k.startsWith('transferFrom:')));
    expect(named.length).toBeGreaterThan(0);
    // Stock health: the batch's contributions are written together and its differences added once per cell.
    const cells = (await services.health.cells()).filter((c) => c.locationId === 'store-001');
    // (Positions already at zero did not change, so they were not evaluated.)
    expect(cells.reduce((n, c) => n + c.vector.positions, 0)).toBe(atStore.filter((p) => p.onHand !== 0).length);
    expect(stats.byOperation.UpdateItem).toBe(cells.length);
  });

  it('evaluates a position once per batch (its latest image) and fails back only the records it could not evaluate, with the reason logged', async () => {
    const [a, b] = retail.positions.filter((p) => p.locationId === 'store-002');
    const broken = { ...b!, lots: 'not a list' as unknown as Position['lots'], version: b!.version + 1 };
    const records = [
      record(a!, { ...a!, onHand: a!.onHand + 1, version: 2 }, 1),
      record(b!, broken, 2),
      record(a!, { ...a!, onHand: a!.onHand + 2, version: 3 }, 3),
    ];
    const warnings: unknown[] = [];
    const { logger } = await import('../../../functions/observability.js');
    const warn = logger.warn.bind(logger);
    logger.warn = ((message: string, extra: unknown) => { warnings.push({ message, extra }); }) as typeof logger.warn;
    try {
      stats.reset();
      const out = await createEvaluateChangesHandler(async () => services)({ Records: records }, context);
      expect(out.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
      expect(warnings).toEqual([{ message: 'record failed back to the stream', extra: expect.objectContaining({ sequenceNumber: '2', sku: b!.sku, reason: expect.stringMatching(/lots|map|function/) }) }]);
      // Both positions were read together: the two records of `a` did not each read it.
      expect(stats.byOperation.BatchGetItem).toBeLessThanOrEqual(4);
    } finally {
      logger.warn = warn;
    }
  });
});
