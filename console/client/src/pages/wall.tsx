// 大屏: the overview for a screen across the room. Large figures, refreshed every minute, running for days: one plot
// and one timer, reconnecting with backoff when the hub is away, and a full reload once a day to start clean.
import { useEffect, useState } from 'preact/hooks';
import type { Overview } from '../../../api/schema';
import { api } from '../api';
import { bars, Chart } from '../chart';
import { useI18n } from '../i18n';
import { startRefresher } from '../refresh';
import { useQuery } from '../ui';

const DAY_MS = 86_400_000;

export function Wall() {
  const { t, num, money, pct, time } = useI18n();
  const [query] = useQuery();
  const [data, setData] = useState<Overview | null>(null);
  const [offline, setOffline] = useState<{ since: string; retryInS: number } | null>(null);
  const filter = { location: query.location, locationGroup: query.locationGroup, channel: query.channel, category: query.category };
  const refreshS = Math.max(1, Number(query.refresh ?? 60));
  useEffect(() => {
    document.title = `${t('console.nav.wall')} · StockSentry`;
    const stop = startRefresher({
      load: (signal) => api.overview(filter, signal), intervalMs: refreshS * 1000, maxBackoffMs: 5 * 60_000,
      onData: (d) => { setData(d); setOffline(null); },
      onError: (_e, retryInMs) => setOffline((o) => ({ since: o?.since ?? new Date().toISOString(), retryInS: Math.round(retryInMs / 1000) })),
    });
    const reload = setTimeout(() => location.reload(), DAY_MS);
    return () => { stop(); clearTimeout(reload); };
  }, [JSON.stringify(filter), refreshS]);
  const where = filter.location ?? filter.locationGroup ?? filter.channel ?? filter.category ?? t('console.wall.all');
  if (!data) return <div class="wall"><p class="wall-wait" aria-busy="true">{offline ? t('console.wall.offline', { seconds: offline.retryInS }) : t('console.loading')}</p></div>;
  const h = data.health;
  const today = h.fillRate.at(-1);
  const cover = h.coverHistogram;
  return (
    <div class="wall" data-testid="wall" data-as-of={data.asOf}>
      <header class="wall-head">
        <h1>{t('console.wall.title', { where })}</h1>
        <p>{t('console.asOf', { time: time(data.asOf) })}</p>
      </header>
      {offline && <p class="wall-offline" role="status" data-testid="wall-offline">{t('console.wall.offline', { seconds: offline.retryInS })}</p>}
      <div class="wall-figures">
        <div class={`wall-figure ${h.totals.outOfStock ? 'bad' : 'good'}`} data-testid="wall-outOfStock"><span>{num(h.totals.outOfStock, 0)}</span><small>{t('console.kpi.outOfStock')}</small></div>
        <div class={`wall-figure ${h.totals.atRisk ? 'warn' : 'good'}`} data-testid="wall-atRisk"><span>{num(h.totals.atRisk, 0)}</span><small>{t('console.kpi.atRisk')}</small></div>
        <div class="wall-figure"><span>{money(h.totals.valueAtRisk, data.currency, true)}</span><small>{t('console.kpi.valueAtRisk')}</small></div>
        <div class="wall-figure"><span>{num(data.openAlerts, 0)}</span><small>{t('console.kpi.openAlerts')}</small></div>
        <div class="wall-figure"><span>{num(data.pendingApprovals, 0)}</span><small>{t('console.kpi.approvals')}</small></div>
        <div class="wall-figure"><span>{today ? pct(today.rate) : '—'}</span><small>{t('console.overview.fillRate')}</small></div>
      </div>
      <div class="wall-grid">
        <section>
          <h2>{t('console.overview.cover')}</h2>
          <Chart height={260} label={t('console.overview.cover')} testId="wall-chart"
            options={{ scales: { x: { time: false } }, legend: { show: false }, axes: [{ stroke: '#ddd', values: (_: unknown, ticks: number[]) => ticks.map((i) => cover[i]?.bucket === 'none' ? t('console.cover.none') : cover[i]?.bucket ?? '') }, { stroke: '#ddd' }],
              series: [{}, { label: t('console.overview.positions'), fill: '#5b9bd5', stroke: '#5b9bd5', paths: bars, points: { show: false } }] }}
            data={[cover.map((_, i) => i), cover.map((b) => b.positions)]} />
        </section>
        <section>
          <h2>{t('console.overview.byLocation')}</h2>
          <table class="wall-table">
            <thead><tr><th scope="col">{t('console.col.location')}</th><th scope="col" class="n">{t('console.kpi.outOfStock')}</th><th scope="col" class="n">{t('console.kpi.atRisk')}</th></tr></thead>
            <tbody>{h.byLocation.slice(0, 8).map((l) => <tr key={l.locationId}><th scope="row">{l.locationId}</th><td class="n">{num(l.outOfStock, 0)}</td><td class="n">{num(l.atRisk, 0)}</td></tr>)}</tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
