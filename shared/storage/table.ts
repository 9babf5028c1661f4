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

/** Key layout. Every item has pk, sk and an `entity` attribute naming its kind. */
export const keys = {
  position: (sku: string, locationId: string) => ({ pk: `POS#${sku}#${locationId}`, sk: 'STATE' }),
  demandMonth: (sku: string, locationId: string, month: string) => ({ pk: `POS#${sku}#${locationId}`, sk: `DEMAND#${month}` }),
  positionByLocation: (sku: string, locationId: string) => ({ gsi1pk: `LOC#${locationId}`, gsi1sk: `POS#${sku}` }),
  item: (sku: string) => ({ pk: `ITEM#${sku}`, sk: 'ITEM' }),
  location: (id: string) => ({ pk: `LOC#${id}`, sk: 'LOCATION' }),
  supplier: (id: string) => ({ pk: `SUP#${id}`, sk: 'SUPPLIER' }),
  cursor: (connector: string, stream: string) => ({ pk: `CONNECTOR#${connector}`, sk: `CURSOR#${stream}` }),
  syncRun: (connector: string, startedAt: string) => ({ pk: `CONNECTOR#${connector}`, sk: `RUN#${startedAt}` }),
  quarantine: (connector: string, at: string, seq: string) => ({ pk: `QUARANTINE#${connector}`, sk: `${at}#${seq}` }),
  alert: (fingerprint: string) => ({ pk: `ALERT#${fingerprint}`, sk: 'ALERT' }),
  alertEvent: (fingerprint: string, at: string, seq: number) => ({ pk: `ALERT#${fingerprint}`, sk: `EVENT#${at}#${String(seq).padStart(4, '0')}` }),
  alertsByState: (state: string, openedAt: string) => ({ gsi2pk: `ALERTS#${state}`, gsi2sk: openedAt }),
  request: (idempotencyKey: string) => ({ pk: `REQ#${idempotencyKey}`, sk: 'REQUEST' }),
  excursion: (sensorId: string, rule: string) => ({ pk: `SENSOR#${sensorId}`, sk: `RULE#${rule}` }),
} as const;

/** Entity names stored in the `entity` attribute (stream consumers dispatch on it). */
export type Entity = 'position' | 'demand' | 'item' | 'location' | 'supplier' | 'cursor' | 'syncRun' | 'quarantine' | 'alert' | 'alertEvent' | 'request'
  | 'requestMessage' | 'nonce' | 'leadTime' | 'scorecard' | 'alertArchive' | 'silence' | 'alertGroup' | 'excursion';
