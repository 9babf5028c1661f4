import { describe, expect, it } from 'vitest';
import { timeWindow } from '../../../shared/alerts/config.js';
import type { AlertLabels } from '../../../shared/alerts/model.js';
import { inTimeWindow, isMuted, matchRoutes, routeById } from '../../../shared/alerts/routing.js';
import { settingsFor } from './fixtures.js';

const labels = (extra: Partial<AlertLabels> = {}): AlertLabels => ({ type: 'LOW_STOCK', severity: 'warning', sku: 'SKU-1', location: 'store-north', ...extra });

describe('matchRoutes', () => {
  const { route } = settingsFor({
    route: {
      receiver: 'ops',
      groupBy: ['location'],
      routes: [
        { match: { type: ['STOCKOUT', 'LOW_STOCK'] }, matchRe: { location: 'store-.*' }, receiver: 'store-team', continue: true, groupWait: '1m',
          routes: [{ match: { severity: ['critical'] }, receiver: 'regional', repeatInterval: '1h' }] },
        { match: { category: ['dairy'] }, receiver: 'buyers', groupBy: ['category'] },
        { match: { supplier: ['sup-a'] }, receiver: 'regional' },
      ],
    },
  });

  it('takes the first matching child, follows continue, and inherits settings from ancestors', () => {
    const matched = matchRoutes(route, labels({ category: 'dairy' }));
    expect(matched.map((r) => [r.id, r.receiver, r.groupBy.join(), r.groupWait])).toEqual([
      ['root.0', 'store-team', 'location', 60_000],
      ['root.1', 'buyers', 'category', 30_000],
    ]);
  });

  it('descends into a matching child route and inherits its parent group_wait', () => {
    const [first] = matchRoutes(route, labels({ severity: 'critical' }));
    expect(first).toMatchObject({ id: 'root.0.0', receiver: 'regional', groupWait: 60_000, repeatInterval: 3_600_000 });
  });

  it('falls back to the root receiver when no child matches, and stops at a child without continue', () => {
    expect(matchRoutes(route, labels({ type: 'OVERSTOCK', location: 'dc-1' })).map((r) => r.receiver)).toEqual(['ops']);
    expect(matchRoutes(route, labels({ type: 'OVERSTOCK', category: 'dairy', supplier: 'sup-a' })).map((r) => r.receiver)).toEqual(['buyers']);
  });

  it('finds a route again by its id', () => {
    expect(routeById(route, 'root.0.0')).toMatchObject({ receiver: 'regional', groupWait: 60_000 });
    expect(routeById(route, 'root.7')).toBeUndefined();
  });

  it('turns the flat routes list into a tree with the same order and continue', () => {
    const flat = settingsFor({}, { routes: [{ receiver: 'buyers', match: { type: ['OVERSTOCK'] }, continue: true }, { receiver: 'store-team', match: {} }] });
    expect(matchRoutes(flat.route, labels({ type: 'OVERSTOCK' })).map((r) => r.receiver)).toEqual(['buyers', 'store-team']);
    expect(matchRoutes(flat.route, labels()).map((r) => r.receiver)).toEqual(['store-team']);
  });

  it('rejects a route naming an unknown receiver with its path', () => {
    expect(() => settingsFor({ route: { routes: [{ receiver: 'nobody' }] } })).toThrow(/alerting\.route\.routes\[0\]\.receiver: no receiver named "nobody"/);
  });
});

describe('time windows', () => {
  const night = timeWindow.parse({ name: 'night', timeZone: 'Europe/Berlin', weekdays: ['fri'], times: [{ start: '22:00', end: '07:00' }] });

  it('runs past midnight into the next day only for a window starting on a listed day', () => {
    expect(inTimeWindow(night, new Date('2026-05-08T20:30:00Z'))).toBe(true); // Fri 22:30 CEST
    expect(inTimeWindow(night, new Date('2026-05-09T04:30:00Z'))).toBe(true); // Sat 06:30 CEST
    expect(inTimeWindow(night, new Date('2026-05-09T05:30:00Z'))).toBe(false); // Sat 07:30 CEST
    expect(inTimeWindow(night, new Date('2026-05-07T20:30:00Z'))).toBe(false); // Thu 22:30 CEST
    expect(inTimeWindow(night, new Date('2026-05-08T04:30:00Z'))).toBe(false); // Fri 06:30: the morning after Thursday
  });

  it('follows the wall clock across the DST change', () => {
    const daily = timeWindow.parse({ name: 'nightly', timeZone: 'Europe/Berlin', times: [{ start: '22:00', end: '07:00' }] });
    // 05:30 UTC is 06:30 CET on Saturday 28 March and 07:30 CEST on Sunday 29 March 2026.
    expect(inTimeWindow(daily, new Date('2026-03-28T05:30:00Z'))).toBe(true);
    expect(inTimeWindow(daily, new Date('2026-03-29T05:30:00Z'))).toBe(false);
    // 21:30 UTC is 22:30 CET in winter but 23:30 CEST after the change; both inside.
    expect(inTimeWindow(daily, new Date('2026-10-24T20:30:00Z'))).toBe(true);
    expect(inTimeWindow(daily, new Date('2026-10-25T21:30:00Z'))).toBe(true);
    expect(inTimeWindow(daily, new Date('2026-10-25T20:30:00Z'))).toBe(false); // 21:30 CET
  });

  it('mutes inside mute windows and outside active windows', () => {
    const settings = settingsFor({
      timeWindows: [{ name: 'night', timeZone: 'America/New_York', times: [{ start: '20:00', end: '08:00' }] },
        { name: 'business', timeZone: 'America/New_York', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], times: [{ start: '09:00', end: '17:00' }] }],
      route: { routes: [{ receiver: 'buyers', activeTimeWindows: ['business'], match: { type: ['OVERSTOCK'] } }, { receiver: 'store-team', muteTimeWindows: ['night'] }] },
    });
    const [store] = matchRoutes(settings.route, labels());
    const [buyers] = matchRoutes(settings.route, labels({ type: 'OVERSTOCK' }));
    const mondayNight = new Date('2026-05-05T03:00:00Z'); // Mon 23:00 EDT
    const mondayNoon = new Date('2026-05-04T16:00:00Z');
    const saturdayNoon = new Date('2026-05-09T16:00:00Z');
    expect(isMuted(store!, settings.timeWindows, mondayNight)).toBe(true);
    expect(isMuted(store!, settings.timeWindows, mondayNoon)).toBe(false);
    expect(isMuted(buyers!, settings.timeWindows, mondayNoon)).toBe(false);
    expect(buyers!.receiver).toBe('buyers');
    expect(isMuted(buyers!, settings.timeWindows, saturdayNoon)).toBe(true);
  });
});
