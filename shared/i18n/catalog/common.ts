// Words every area uses: alert types and severities.
import type { CatalogArea } from './index.js';

export const common: CatalogArea = {
  en: {
    'alert.type.LOW_STOCK': 'Low stock',
    'alert.type.STOCKOUT_RISK': 'Stockout risk',
    'alert.type.STOCKOUT': 'Out of stock',
    'alert.type.OVERSTOCK': 'Overstock',
    'alert.type.DEAD_STOCK': 'Dead stock',
    'alert.type.AGEING': 'Ageing stock',
    'alert.type.EXPIRY': 'Expiring stock',
    'alert.type.SUPPLY_GAP': 'Supply gap',
    'alert.type.LEAD_TIME_RISK': 'Late supplier',
    'alert.type.CONDITION': 'Storage conditions',
    'severity.critical': 'Critical',
    'severity.warning': 'Warning',
    'severity.info': 'Info',
    'common.units': '{count, plural, one {# unit} other {# units}}',
    'common.days': '{count, plural, one {# day} other {# days}}',
  },
  'zh-CN': {
    'alert.type.LOW_STOCK': '库存偏低',
    'alert.type.STOCKOUT_RISK': '断货风险',
    'alert.type.STOCKOUT': '已断货',
    'alert.type.OVERSTOCK': '库存积压',
    'alert.type.DEAD_STOCK': '呆滞库存',
    'alert.type.AGEING': '库龄过长',
    'alert.type.EXPIRY': '临期库存',
    'alert.type.SUPPLY_GAP': '供需缺口',
    'alert.type.LEAD_TIME_RISK': '供应商延误',
    'alert.type.CONDITION': '储存条件异常',
    'severity.critical': '严重',
    'severity.warning': '警告',
    'severity.info': '提示',
    'common.units': '{count} 件',
    'common.days': '{count} 天',
  },
};
