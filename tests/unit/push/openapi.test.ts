import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pushApiDocument } from '../../../events/push-api.js';
import { MOVEMENT_TYPES } from '../../../shared/push/movements.js';
import { READING_METRICS } from '../../../shared/push/readings.js';
import { PUSH_ROUTES } from '../../../connectors/push/receive.js';

const committed = JSON.parse(readFileSync(new URL('../../../events/push-api.openapi.json', import.meta.url), 'utf8')) as ReturnType<typeof pushApiDocument>;
type Schema = { properties: Record<string, { enum?: string[] }>; required: string[] };
const schemas = (committed.components as { schemas: Record<string, Schema> }).schemas;

describe('the push API\'s OpenAPI file', () => {
  it('is what the receiver\'s zod schemas generate (regenerate: npx tsx events/export-json-schema.ts)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(pushApiDocument())));
  });

  it('documents every route the receiver serves, and the movement and reading fields it checks', () => {
    expect(Object.keys(committed.paths as object).map((p) => p.split('/')[1]).sort()).toEqual([...PUSH_ROUTES].sort());
    expect(schemas.Movement!.properties.type!.enum).toEqual([...MOVEMENT_TYPES]);
    expect(schemas.Movement!.required.sort()).toEqual(['at', 'eventId', 'locationId', 'qty', 'sku', 'type']);
    expect(schemas.Reading!.properties.metric!.enum).toEqual([...READING_METRICS]);
    expect(Object.keys(schemas.BatchAnswer!.properties).sort()).toEqual(['accepted', 'rejected']);
  });
});
