// Sensor readings: environment (temperature, humidity) checked against storage conditions, and stock (shelf count,
// shelf weight, RFID tag count) taken as a count of the position the sensor watches.
import { z } from 'zod';
import { isoDateTime } from '../model.js';
import { FUTURE_TOLERANCE_MS } from './batch.js';
import { ENVIRONMENT_METRICS, STOCK_METRICS, type EnvironmentMetric, type SensorConfig } from './config.js';
import { instant } from './ledger.js';
import type { PositionChange } from './movements.js';

export const READING_METRICS = [...ENVIRONMENT_METRICS, ...STOCK_METRICS] as const;

/** A reading as sensors post it (the wire schema; `readingSchema` adds the configured sensors' rules). */
export const readingFields = z.object({
  sensorId: z.string().min(1).max(128).describe('The sensor\'s id in push.sensors (on AWS IoT Core it comes from the MQTT topic instead).'),
  metric: z.enum(READING_METRICS).describe('temperature and humidity are checked against push.conditions; count, weight and rfid count the sensor\'s position.'),
  value: z.number().finite().describe('°C for temperature, % relative humidity, units for count and rfid, the sensor\'s unit for weight.'),
  at: isoDateTime.describe('When it was measured, with its offset; a reading older than one already taken is ignored.'),
  sku: z.string().min(1).max(200).optional().describe('RFID readers that count several SKUs: the SKU this count is of.'),
});
export type Reading = z.infer<typeof readingFields>;
export type EnvironmentReading = Reading & { metric: EnvironmentMetric };

export const isEnvironmentReading = (r: Reading): r is EnvironmentReading => (ENVIRONMENT_METRICS as readonly string[]).includes(r.metric);

/** The reading schema for the configured sensors, judged against the hub's clock. */
export function readingSchema(sensors: readonly SensorConfig[], now: Date): z.ZodType<Reading> {
  const byId = new Map(sensors.map((s) => [s.id, s]));
  return readingFields.superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const sensor = byId.get(r.sensorId);
    if (!sensor) { issue('sensorId', `no sensor "${r.sensorId}" in push.sensors`); return; }
    if (Date.parse(r.at) > now.getTime() + FUTURE_TOLERANCE_MS) issue('at', `${r.at} is in the future (the hub's clock says ${now.toISOString()})`);
    if (isEnvironmentReading(r)) return;
    if (!(r.sku ?? sensor.sku)) issue('sku', `sensor "${r.sensorId}" counts no SKU: set push.sensors[id=${r.sensorId}].sku or send sku`);
    if (r.metric === 'weight' && sensor.unitWeight === undefined) issue('metric', `sensor "${r.sensorId}" has no unitWeight to turn a weight into units`);
    if (r.value < 0) issue('value', 'a count or weight cannot be negative');
  });
}

/** A stock reading as a count of the watched position (a weight becomes whole units). */
export function stockReadingChange(r: Reading, sensor: SensorConfig): PositionChange {
  const qty = r.metric === 'weight' ? Math.round(r.value / sensor.unitWeight!) : r.value;
  return {
    sku: (r.sku ?? sensor.sku)!, locationId: sensor.locationId,
    change: { id: `${sensor.id}@${instant(r.at)}`, at: r.at, kind: 'count', qty },
  };
}
