// The single-table design, written once: the CDK stack and the local runtime both build the table from this.

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * Global secondary indexes. gsi1: positions by location, keys only — a position write then never writes the
 * index (its keys do not change), which keeps a stock update at one write; gsi2: records by kind/state (open
 * alerts, groups due, silences), read whole.
 */
export const TABLE_INDEXES = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'KEYS_ONLY' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
] as const;

export const TABLE_STREAM_VIEW = 'NEW_AND_OLD_IMAGES' as const;
/** Items with this epoch-seconds attribute expire (quarantine entries, delivered dedupe markers). */
export const TABLE_TTL_ATTRIBUTE = 'ttl' as const;

/**
 * Key layout. Every item has pk, sk and an `entity` attribute naming its kind. A position's partition holds what
 * evaluating it needs — its state, its rolling demand history, the digest of its alerts and its last stock-health
 * contribution — so one scan page or one batched read returns them all.
 */
export const keys = {
  position: (sku: string, locationId: string) => ({ pk: `POS#${sku}#${locationId}`, sk: 'STATE' }),
  demandHistory: (sku: string, locationId: string) => ({ pk: `POS#${sku}#${locationId}`, sk: 'HISTORY' }),
  positionAlerts: (sku: string, locationId: string) => ({ pk: `POS#${sku}#${locationId}`, sk: 'ALERTS' }),
  /** What the position last added to its stock-health cell (shared/health). */
  positionHealth: (sku: string, locationId: string) => ({ pk: `POS#${sku}#${locationId}`, sk: 'HEALTH' }),
  /** Month buckets of the layout before rolling histories: read only to carry them over. */
  demandMonth: (sku: string, locationId: string, month: string) => ({ pk: `POS#${sku}#${locationId}`, sk: `DEMAND#${month}` }),
  positionByLocation: (sku: string, locationId: string) => ({ gsi1pk: `LOC#${locationId}`, gsi1sk: `POS#${sku}` }),
  item: (sku: string) => ({ pk: `ITEM#${sku}`, sk: 'ITEM' }),
  /** What the SKU's locations need and can spare, one attribute per location (named transfers read it). */
  transferBoard: (sku: string) => ({ pk: `ITEM#${sku}`, sk: 'TRANSFERS' }),
  location: (id: string) => ({ pk: `LOC#${id}`, sk: 'LOCATION' }),
  supplier: (id: string) => ({ pk: `SUP#${id}`, sk: 'SUPPLIER' }),
  cursor: (connector: string, stream: string) => ({ pk: `CONNECTOR#${connector}`, sk: `CURSOR#${stream}` }),
  /** What a source last reported on a stream (connectors/sdk/snapshot.ts): folded shards, then checkpoint deltas. */
  snapshotShard: (connector: string, stream: string, shard: number) => ({ pk: `CONNECTOR#${connector}`, sk: `SNAPSHOT#${stream}#S#${String(shard).padStart(5, '0')}` }),
  snapshotDelta: (connector: string, stream: string, seq: number) => ({ pk: `CONNECTOR#${connector}`, sk: `SNAPSHOT#${stream}#D#${String(seq).padStart(8, '0')}` }),
  /** A position pushes changed since a pull last settled it; `shard` spreads the markers over a few partitions. */
  unsettledPush: (shard: number, sku: string, locationId: string) => ({ pk: `PUSHED#${shard}`, sk: `POS#${sku}#${locationId}` }),
  syncRun: (connector: string, startedAt: string) => ({ pk: `CONNECTOR#${connector}`, sk: `RUN#${startedAt}` }),
  quarantine: (connector: string, at: string, seq: string) => ({ pk: `QUARANTINE#${connector}`, sk: `${at}#${seq}` }),
  alert: (fingerprint: string) => ({ pk: `ALERT#${fingerprint}`, sk: 'ALERT' }),
  alertEvent: (fingerprint: string, at: string, seq: number) => ({ pk: `ALERT#${fingerprint}`, sk: `EVENT#${at}#${String(seq).padStart(4, '0')}` }),
  alertsByState: (state: string, openedAt: string) => ({ gsi2pk: `ALERTS#${state}`, gsi2sk: openedAt }),
  request: (idempotencyKey: string) => ({ pk: `REQ#${idempotencyKey}`, sk: 'REQUEST' }),
  excursion: (sensorId: string, rule: string) => ({ pk: `SENSOR#${sensorId}`, sk: `RULE#${rule}` }),
  /** A fanned-out sweep run: each segment's checkpoint and the replenish decisions it collected. */
  sweepSegment: (runId: string, segment: number) => ({ pk: `SWEEP#${runId}`, sk: `SEG#${String(segment).padStart(4, '0')}` }),
  sweepDecisions: (runId: string, segment: number, chunk: number) => ({ pk: `SWEEP#${runId}`, sk: `DECISIONS#${String(segment).padStart(4, '0')}#${String(chunk).padStart(6, '0')}` }),
  /** The last finished sweep: how many positions it saw sizes the next one's fan-out. */
  sweepLast: () => ({ pk: 'SWEEP', sk: 'LAST' }),
} as const;

/** Entity names stored in the `entity` attribute (stream consumers dispatch on it). */
export type Entity = 'position' | 'demand' | 'demandHistory' | 'positionAlerts' | 'sweepSegment' | 'sweepDecisions' | 'sweepLast' | 'item' | 'location' | 'supplier' | 'cursor' | 'sourceSnapshot' | 'sourceSnapshotDelta' | 'unsettledPush' | 'syncRun' | 'quarantine' | 'alert' | 'alertEvent' | 'request'
  | 'requestMessage' | 'nonce' | 'leadTime' | 'scorecard' | 'alertArchive' | 'silence' | 'alertGroup' | 'excursion' | 'transferBoard';
