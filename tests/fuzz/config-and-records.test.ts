// Edges: hub.config, and each stream's record mapping (what every connector's mapped record goes through).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STREAM_NAMES } from '../../connectors/sdk/contract.js';
import { utcInstant } from '../../connectors/sdk/mapping.js';
import { validateRecord } from '../../connectors/sdk/records.js';
import { ConfigError, parseHubConfig } from '../../shared/config.js';
import fixture from '../infra/fixtures/hub.config.js';
import { sampleDataset } from '../fakes/dataset.js';
import { fuzzParams, hostileValue, mutated, tally } from './support.js';

describe('fuzz: hub.config', () => {
  it('either validates or throws a ConfigError whose every issue names a field path, never anything else', () => {
    fc.assert(fc.property(mutated(fixture as unknown as Record<string, unknown>), (input) => {
      try {
        parseHubConfig(input);
        tally('hub.config', 'accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        for (const issue of (error as ConfigError).issues) expect(issue.message.length).toBeGreaterThan(3);
        tally('hub.config', 'refused');
      }
    }), fuzzParams(300));
  });

  it('never refuses the documented full config', () => {
    expect(() => parseHubConfig(fixture)).not.toThrow();
  });
});

describe('fuzz: record mapping', () => {
  const dataset = sampleDataset();
  const samples: Record<string, Record<string, unknown>> = {
    positions: { ...dataset.positions[0]!, lots: [{ qty: 3, receivedAt: '2026-04-01', expiresAt: '2026-06-01' }] },
    purchaseOrders: { sku: 'A', locationId: 'wh', inbound: [{ qty: 5, eta: '2026-05-09', ref: 'PO-1' }] },
    locations: { ...dataset.locations[0]! },
    items: { ...dataset.items[0]! },
    sales: { ...dataset.sales[0]! },
    suppliers: { ...dataset.suppliers[0]! },
  };

  it('validates a source record or quarantines it with a reason naming the field, for every stream', () => {
    for (const stream of STREAM_NAMES) expect(validateRecord(stream, samples[stream], 6).ok, stream).toBe(true);
    const input = fc.constantFrom(...STREAM_NAMES).chain((stream) => mutated(samples[stream]!).map((record) => ({ stream, record })));
    fc.assert(fc.property(input, fc.integer({ min: 0, max: 9 }), ({ stream, record }, precision) => {
      const result = validateRecord(stream, record, precision);
      if (result.ok) tally('record mapping', 'accepted');
      else {
        expect(result.reason).toMatch(/: /);
        tally('record mapping', 'refused');
      }
    }), fuzzParams(400));
  });

  it('reads any timestamp a source sends as an instant or a plain Error (quarantined by mapRecord), never a RangeError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 30 }), hostileValue.map(String), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), (text) => {
      try {
        expect(utcInstant(text)).toMatch(/^[+-]?\d{4,6}-\d{2}-\d{2}T/);
        tally('source timestamps', 'accepted');
      } catch (error) {
        expect((error as Error).constructor).toBe(Error);
        tally('source timestamps', 'refused');
      }
    }), fuzzParams(300));
  });
});
