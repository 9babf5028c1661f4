// The catalogue is split by area so each area's strings live together; keys are namespaced (`common.`, `alert.`,
// `console.`...). Add an area: a file exporting `{ en, 'zh-CN' }` and one line below.
import type { Locale } from '../index.js';
import { common } from './common.js';
import { consoleArea } from './console.js';
import { notifications } from './notifications.js';
import { push } from './push.js';

export type Catalog = Record<string, string>;
export interface CatalogArea { en: Catalog; 'zh-CN': Catalog }

const areas: CatalogArea[] = [common, notifications, consoleArea, push];

export const catalogs: Record<Locale, Catalog> = {
  en: Object.assign({}, ...areas.map((a) => a.en)) as Catalog,
  'zh-CN': Object.assign({}, ...areas.map((a) => a['zh-CN'])) as Catalog,
};
