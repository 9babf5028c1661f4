// A finding's numbers as a reader expects them: named in the page's language, money in the hub's currency, shares as
// percentages, days and instants as dates, transfers with the other location's name.
import { Fragment } from 'preact';
import { useI18n } from '../i18n';
import { useMe } from '../ui';

const MONEY = new Set(['valueAtRisk', 'capitalTiedUp', 'lostSalesPerDay', 'value']);
const SHARE = new Set(['stockoutProbability']);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T/;

export function FactList({ facts, names = {}, timeZone }: { facts: Record<string, number | string>; names?: Record<string, string>; timeZone?: string }) {
  const { t, label, num, money, pct, day, time } = useI18n();
  const me = useMe();
  const place = (id: string) => me.allLocations.find((l) => l.id === id)?.name ?? id;
  const name = (key: string): string => {
    const transfer = /^(transferFrom|transferTo):(.+)$/.exec(key);
    return transfer ? t(`console.fact.${transfer[1]}`, { location: place(transfer[2]!) }) : label(`console.fact.${key}`, key);
  };
  const value = (key: string, v: number | string): string => {
    if (names[key]) return names[key];
    if (typeof v === 'string') return DAY.test(v) ? day(v) : INSTANT.test(v) ? time(v, timeZone) : v;
    if (MONEY.has(key)) return money(v, me.currency);
    if (SHARE.has(key)) return pct(v);
    return num(v, Number.isInteger(v) ? 0 : 1);
  };
  const entries = Object.entries(facts);
  if (entries.length === 0) return null;
  return (
    <dl class="facts" data-testid="facts">
      {entries.map(([k, v]) => <Fragment key={k}><dt data-fact={k}>{name(k)}</dt><dd>{value(k, v)}</dd></Fragment>)}
    </dl>
  );
}
