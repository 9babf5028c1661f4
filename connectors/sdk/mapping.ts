// Small mapping helpers connectors share: dotted paths, location maps, dates, inbound grouping.
import { z } from 'zod';
import { positionKey, type InboundLine } from '../../shared/model.js';

/** Reads `a.b.0.c` from a parsed JSON value. */
export function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** How a source's location (by name or id) maps to a hub location id, and its kind. */
export const locationMapOption = z.record(z.string(), z.union([
  z.string().min(1),
  z.object({ id: z.string().min(1), kind: z.enum(['warehouse', 'store', 'channel']).optional() }),
])).default({});
export type LocationMap = z.infer<typeof locationMapOption>;

export const slug = (text: string): string => text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

/** The hub location for a source location: mapped by id, then by name, else the slugified name. */
export function mapLocation(map: LocationMap, sourceId: string | number, name: string): { id: string; kind?: 'warehouse' | 'store' | 'channel' } {
  const entry = map[String(sourceId)] ?? map[name];
  if (entry === undefined) return { id: slug(name) };
  return typeof entry === 'string' ? { id: entry } : entry;
}

/** The UTC calendar day of a timestamp in any of the sources' formats (ISO with offset, Odoo/Frappe naive UTC, SAP /Date(ms)/). */
export function utcDay(value: string): string {
  return utcInstant(value).slice(0, 10);
}

/** An ISO-8601 UTC instant from the sources' timestamp formats; naive strings are taken as UTC. */
export function utcInstant(value: string): string {
  const sap = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  if (sap) return new Date(Number(sap[1])).toISOString();
  const naive = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value);
  const ms = Date.parse(naive ? `${value.replace(' ', 'T')}Z` : value);
  if (Number.isNaN(ms)) throw new Error(`"${value}" is not a timestamp`);
  return new Date(ms).toISOString();
}

export interface InboundSourceLine extends InboundLine {
  sku: string;
  locationId: string;
}

/** Groups open purchase order lines into one position record per SKU × location carrying its whole inbound list. */
export function groupInbound(lines: InboundSourceLine[]): { sku: string; locationId: string; inbound: InboundLine[] }[] {
  const byPosition = new Map<string, { sku: string; locationId: string; inbound: InboundLine[] }>();
  for (const { sku, locationId, ...line } of lines) {
    const key = positionKey(sku, locationId);
    const entry = byPosition.get(key) ?? { sku, locationId, inbound: [] };
    entry.inbound.push(line);
    byPosition.set(key, entry);
  }
  // A stable order keeps an unchanged list byte-identical, so the store sees no change.
  for (const entry of byPosition.values()) entry.inbound.sort((a, b) => `${a.eta}${a.ref ?? ''}`.localeCompare(`${b.eta}${b.ref ?? ''}`));
  return [...byPosition.values()];
}

/** The later of two ISO instants (either may be missing). */
export const later = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined ? a : a > b ? a : b);
