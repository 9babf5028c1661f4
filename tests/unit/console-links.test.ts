import { describe, expect, it } from 'vitest';
import { consoleLink } from '../../shared/console-links.js';

describe('console links', () => {
  it('addresses each page under the base, escaping ids', () => {
    const base = 'http://127.0.0.1:8080/console/';
    expect(consoleLink(base, { page: 'alert', alertId: 'LOW_STOCK|SKU 1|store-north' })).toBe('http://127.0.0.1:8080/console/alerts/LOW_STOCK%7CSKU%201%7Cstore-north');
    expect(consoleLink(base, { page: 'alerts', filter: { location: 'store-north', state: 'open' } })).toBe('http://127.0.0.1:8080/console/alerts?location=store-north&state=open');
    expect(consoleLink(base, { page: 'position', sku: 'SKU-1', locationId: 'store-north' })).toBe('http://127.0.0.1:8080/console/positions/SKU-1/store-north');
    expect(consoleLink(base, { page: 'overview' })).toBe('http://127.0.0.1:8080/console/');
  });
});
