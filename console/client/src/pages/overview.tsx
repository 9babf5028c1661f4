// 看板: stock health for the filter, alert flow, connector health and the latest suppliers.
import type { Overview as OverviewData } from '../../../api/schema';
import { api } from '../api';
import { bars, Chart, daySeconds } from '../chart';
import { href } from '../env';
import { useI18n } from '../i18n';
import { consolePath } from '../../../../shared/console-links';
import { FilterBar, Figure, Loading, Page, useLoad, useMe, useQuery, ScrollTable } from '../ui';

export function Overview() {
  const { t } = useI18n();
  const me = useMe();
  const [query, set] = useQuery();
  const filter = { location: query.location, locationGroup: query.locationGroup, channel: query.channel, category: query.category };
  const { data, error } = useLoad(() => api.overview(filter), [JSON.stringify(filter)]);
  return (
    <Page title={t('console.overview.title')} actions={<a class="button" href={href(consolePath({ page: 'wall', filter }))}>{t('console.nav.wall')}</a>}>
      <FilterBar me={me} categories={data?.health.categories ?? []} query={query} set={set} />
      {data ? <OverviewBody data={data} /> : <Loading error={error} />}
    </Page>
  );
}

/** The last 30 days up to today, with gaps for days no evaluation ran. */
function fillSeries(rates: { day: string; rate: number }[], asOf: string): [number[], (number | null)[]] {
  const today = daySeconds(asOf);
  const byDay = new Map(rates.map((r) => [daySeconds(r.day), r.rate]));
  const xs = Array.from({ length: 30 }, (_, i) => today - (29 - i) * 86_400);
  return [xs, xs.map((x) => byDay.get(x) ?? null)];
}

export function HealthFigures({ data }: { data: OverviewData }) {
  const { t, num, money, pct } = useI18n();
  const h = data.health;
  const c = data.currency;
  return (
    <div class="figures">
      <Figure testId="kpi-atRisk" raw={h.totals.atRisk} label={t('console.kpi.atRisk')} value={num(h.totals.atRisk, 0)} tone={h.totals.atRisk ? 'warn' : 'good'} />
      <Figure testId="kpi-outOfStock" raw={h.totals.outOfStock} label={t('console.kpi.outOfStock')} value={num(h.totals.outOfStock, 0)} tone={h.totals.outOfStock ? 'bad' : 'good'} />
      <Figure testId="kpi-valueAtRisk" raw={h.totals.valueAtRisk} label={t('console.kpi.valueAtRisk')} value={money(h.totals.valueAtRisk, c, true)} />
      <Figure testId="kpi-overstock" raw={h.totals.overstockCapital} label={t('console.kpi.overstock')} value={money(h.totals.overstockCapital, c, true)} />
      <Figure testId="kpi-deadStock" raw={h.totals.deadStockCapital} label={t('console.kpi.deadStock')} value={money(h.totals.deadStockCapital, c, true)} />
      <Figure testId="kpi-turnover" raw={h.turnover} label={t('console.kpi.turnover')} value={h.turnover === null ? '—' : `${num(h.turnover, 1)}×`} />
      <Figure testId="kpi-deadShare" raw={h.deadStockShare} label={t('console.kpi.deadShare')} value={pct(h.deadStockShare)} />
      <Figure testId="kpi-openAlerts" raw={data.openAlerts} label={t('console.kpi.openAlerts')} value={num(data.openAlerts, 0)} />
      <Figure testId="kpi-approvals" raw={data.pendingApprovals} label={t('console.kpi.approvals')} value={num(data.pendingApprovals, 0)} />
    </div>
  );
}

function OverviewBody({ data }: { data: OverviewData }) {
  const { t, num, money, pct, day, time } = useI18n();
  const h = data.health;
  const flow = data.flow;
  const cover = h.coverHistogram;
  const ageing = h.ageing;
  const index = (n: number) => Array.from({ length: n }, (_, i) => i);
  const categoryAxis = (labels: string[]) => ({ values: (_: unknown, ticks: number[]) => ticks.map((i) => labels[i] ?? ''), gap: 4 });
  return (
    <>
      <HealthFigures data={data} />
      <div class="grid">
        <section class="card">
          <h2>{t('console.overview.cover')}</h2>
          <Chart label={t('console.overview.cover')} testId="chart-cover"
            options={{ scales: { x: { time: false } }, legend: { show: false }, axes: [categoryAxis(cover.map((b) => b.bucket === 'none' ? t('console.cover.none') : b.bucket)), {}],
              series: [{}, { label: t('console.overview.positions'), fill: '#4f7cac', stroke: '#4f7cac', paths: bars, points: { show: false } }] }}
            data={[index(cover.length), cover.map((b) => b.positions)]} />
          <p class="muted small">{t('console.overview.coverHint')}</p>
        </section>
        <section class="card">
          <h2>{t('console.overview.ageing')}</h2>
          <Chart label={t('console.overview.ageing')} testId="chart-ageing"
            options={{ scales: { x: { time: false } }, legend: { show: false }, axes: [categoryAxis(ageing.map((b) => b.bucket === 'unknown' ? t('console.age.unknown') : b.bucket)), { values: (_: unknown, ticks: number[]) => ticks.map((v) => money(v, data.currency, true)), size: 70 }],
              series: [{}, { label: t('console.overview.value'), fill: '#a77c3a', stroke: '#a77c3a', paths: bars, points: { show: false } }] }}
            data={[index(ageing.length), ageing.map((b) => b.value)]} />
          <p class="muted small">{t('console.overview.ageingHint')}</p>
        </section>
        <section class="card">
          <h2>{t('console.overview.fill')}</h2>
          {h.fillRate.length ? (
            <Chart label={t('console.overview.fill')} testId="chart-fill"
              options={{ scales: { y: { range: [0, 1] } }, axes: [{}, { values: (_: unknown, ticks: number[]) => ticks.map((v) => pct(v)) }],
                series: [{}, { label: t('console.overview.fillRate'), stroke: '#2e7d4f', width: 2, points: { show: true, size: 6 } }] }}
              data={fillSeries(h.fillRate, data.asOf)} />
          ) : <p class="muted">{t('console.overview.noData')}</p>}
        </section>
        <section class="card">
          <h2>{t('console.overview.flow')}</h2>
          <Chart label={t('console.overview.flow')} testId="chart-flow"
            options={{ series: [{}, { label: t('console.flow.opened'), stroke: '#c0392b', width: 2 }, { label: t('console.flow.acknowledged'), stroke: '#2d6cb5', width: 2 }, { label: t('console.flow.resolved'), stroke: '#2e7d4f', width: 2 }] }}
            data={[flow.days.map((d) => daySeconds(d.day)), flow.days.map((d) => d.opened), flow.days.map((d) => d.acknowledged), flow.days.map((d) => d.resolved)]} />
          <div class="figures small-figures">
            <Figure testId="kpi-effective" raw={flow.effectiveShare} label={t('console.flow.effective')} value={pct(flow.effectiveShare)} />
            <Figure testId="kpi-ackTime" raw={flow.medianMinutesToAck} label={t('console.flow.medianAck')} value={flow.medianMinutesToAck === null ? '—' : t('console.minutes', { count: Math.round(flow.medianMinutesToAck) })} />
          </div>
        </section>
      </div>
      <div class="grid">
        <section class="card">
          <h2>{t('console.overview.byLocation')}</h2>
          <ScrollTable label={t('console.overview.byLocation')}>
            <thead><tr><th scope="col">{t('console.col.location')}</th><th scope="col" class="n">{t('console.overview.positions')}</th><th scope="col" class="n">{t('console.kpi.atRisk')}</th><th scope="col" class="n">{t('console.kpi.outOfStock')}</th><th scope="col" class="n">{t('console.kpi.valueAtRisk')}</th></tr></thead>
            <tbody>{h.byLocation.map((l) => (
              <tr key={l.locationId} data-testid={`loc-${l.locationId}`}>
                <th scope="row"><a href={href(consolePath({ page: 'alerts', filter: { location: l.locationId } }))}>{l.locationId}</a></th>
                <td class="n">{num(l.positions, 0)}</td><td class="n">{num(l.atRisk, 0)}</td><td class="n">{num(l.outOfStock, 0)}</td><td class="n">{money(l.valueAtRisk, data.currency)}</td>
              </tr>))}
            </tbody>
          </ScrollTable>
        </section>
        <section class="card">
          <h2>{t('console.overview.connectors')}</h2>
          <ScrollTable label={t('console.overview.connectors')}>
            <thead><tr><th scope="col">{t('console.col.connector')}</th><th scope="col">{t('console.col.lastSync')}</th><th scope="col" class="n">{t('console.col.lag')}</th><th scope="col" class="n">{t('console.col.quarantined')}</th></tr></thead>
            <tbody>{data.connectors.map((c) => (
              <tr key={c.name} class={c.lagMinutes !== null && c.lagMinutes > 3 * c.intervalMinutes ? 'late' : ''}>
                <th scope="row">{c.name} <span class="muted">({c.type})</span></th>
                <td>{time(c.lastSyncAt ?? undefined)}</td>
                <td class="n">{c.lagMinutes === null ? '—' : t('console.minutes', { count: c.lagMinutes })}</td>
                <td class="n">{num(c.quarantined, 0)}{c.reasons.length > 0 && <ul class="reasons">{c.reasons.map((r) => <li key={r.reason}>{r.count}× {r.reason}</li>)}</ul>}</td>
              </tr>))}
            </tbody>
          </ScrollTable>
        </section>
        <section class="card">
          <h2>{t('console.overview.lateSuppliers')}</h2>
          <ScrollTable label={t('console.overview.lateSuppliers')}>
            <thead><tr><th scope="col">{t('console.col.supplier')}</th><th scope="col" class="n">{t('console.col.quoted')}</th><th scope="col" class="n">{t('console.col.recent')}</th><th scope="col" class="n">{t('console.col.onTime')}</th></tr></thead>
            <tbody>{data.suppliers.map((s) => (
              <tr key={s.supplierId}>
                <th scope="row"><a href={href(consolePath({ page: 'supplier', supplierId: s.supplierId }))}>{s.name ?? s.supplierId}</a></th>
                <td class="n">{t('common.days', { count: s.quotedLeadTimeDays })}</td>
                <td class="n">{s.recentMeanDays ? t('console.daysDecimal', { count: num(s.recentMeanDays, 1) }) : '—'}</td>
                <td class="n">{pct(s.onTimeRate)}</td>
              </tr>))}
            </tbody>
          </ScrollTable>
        </section>
      </div>
      <p class="muted small">{t('console.asOf', { time: time(data.asOf) })} · {t('console.overview.asOfDay', { day: day(data.asOf.slice(0, 10)) })}</p>
    </>
  );
}
