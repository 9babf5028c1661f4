// Push ingestion: the storage-condition finding sensors raise.
import type { CatalogArea } from './index.js';

export const push: CatalogArea = {
  en: {
    'push.metric.temperature': 'Temperature',
    'push.metric.humidity': 'Humidity',
    'push.condition.message': '{metric} {direction, select, above {above {limit}} other {below {limit}}} {unit} at sensor {sensor} since {since} (worst {peak} {unit}): {lots, plural, one {# lot} other {# lots}}, {units, plural, one {# unit} other {# units}} worth {value} at risk',
    'push.condition.action': 'Check the storage at {location} and move or quarantine the affected stock.',
  },
  'zh-CN': {
    'push.metric.temperature': '温度',
    'push.metric.humidity': '湿度',
    'push.condition.message': '传感器 {sensor} 的{metric}自 {since} 起{direction, select, above {高于 {limit}} other {低于 {limit}}} {unit}（最差 {peak} {unit}）：{lots} 个批次、{units} 件，价值 {value} 受影响',
    'push.condition.action': '请检查 {location} 的储存条件，并转移或隔离受影响的库存。',
  },
};
