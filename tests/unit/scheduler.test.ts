import { describe, expect, it } from 'vitest';
import { nextFiring } from '../../infra/local/scheduler.js';

const sunday = new Date('2026-11-22T04:30:00Z');

describe('local schedules use the stack\'s EventBridge expressions', () => {
  it('fires rate() expressions at their interval', () => {
    expect(nextFiring('rate(15 minutes)', sunday)).toBe(15 * 60_000);
    expect(nextFiring('rate(1 hour)', sunday)).toBe(3_600_000);
    expect(nextFiring('rate(2 days)', sunday)).toBe(2 * 86_400_000);
  });

  it('reads AWS six-field cron in UTC with Sunday as day 1', () => {
    expect(nextFiring('cron(0 5 * * ? *)', sunday)).toBe(30 * 60_000);
    expect(nextFiring('cron(0 6 ? * 2 *)', sunday)).toBe(25.5 * 3_600_000); // the next Monday
    expect(nextFiring('cron(0 6 ? * 1 *)', sunday)).toBe(1.5 * 3_600_000); // this Sunday
  });

  it('refuses what is not a schedule expression', () => {
    expect(() => nextFiring('every 5 minutes', sunday)).toThrow(/Not an EventBridge schedule expression/);
  });
});
