// SKU × location: the decision as a chart (sales with out-of-stock days, forecast, safety stock, reorder point,
// order-up-to, projected stock with inbound at its dates), every number `stocksentry explain` prints, and the
// position's alerts and requests.
import { useRoute } from 'preact-iso';
import { consolePath } from '../../../../shared/console-links';
import type { PositionPage as PositionData } from '../../../api/schema';
import { api } from '../api';
import { bars, Chart, daySeconds } from '../chart';
import { href } from '../env';
import { useI18n } from '../i18n';
import { Loading, Page, SeverityBadge, StateBadge, useLoad } from '../ui';

export function PositionPage() {
  const { t } = useI18n();
  const { params } = useRoute();
  const { data, error } = useLoad(() => api.position(params.sku!, params.location!), [params.sku, params.location]);
  const title = t('console.alert.subject', { sku: params.sku!, location: params.location! });
  return <Page title={title}>{data ? <PositionBody data={data} /> : <Loading error={error} />}</Page>;
}

function DecisionChart({ data }: { data: PositionData }) {
  const { t, num } = useI18n();
  const d = data.decision;
  const e = d.explain;
  const asOf = e.asOf;
  // One x axis of days: the sales history, then the projection (day 0 = the end of asOf).
  const days: string[] = [...data.sales.map((s) => s.day)];
  const start = daySeconds(asOf);
  for (let k = 1; k <= e.projection.length; k++) days.push(new Date((start + k * 86_400) * 1000).toISOString().slice(0, 10));
  const n = data.sales.length;
  const x = days.map(daySeconds);
  const nul = () => Array<number | null>(x.length).fill(null);
  const sales = nul(); const oos = nul(); const projected = nul(); const forecast = nul(); const inbound = nul();
  data.sales.forEach((s, i) => { sales[i] = s.qty; if (s.outOfStock) oos[i] = 0; });
  e.projection.forEach((v, k) => { projected[n + k] = v; forecast[n + k] = d.forecastDaily; });
  if (n > 0) projected[n - 1] = e.available;
  for (const line of data.inbound) {
    const i = days.indexOf(line.eta);
    if (i >= 0) inbound[i] = (inbound[i] ?? 0) + line.qty;
  }
  const flat = (v: number) => x.map(() => v);
  return (
    <Chart height={320} label={t('console.position.chartLabel', { ss: num(d.safetyStock), rop: num(d.reorderPoint), out: num(d.orderUpTo) })} testId="position-chart"
      attrs={{ 'safety-stock': d.safetyStock, 'reorder-point': d.reorderPoint, 'order-up-to': d.orderUpTo, forecast: d.forecastDaily, 'projection-days': e.projection.length }}
      options={{
        series: [{},
          { label: t('console.position.sales'), stroke: '#4f7cac', fill: 'rgba(79,124,172,0.35)', paths: bars, points: { show: false } },
          { label: t('console.position.outOfStock'), stroke: '#c0392b', width: 0, points: { show: true, size: 9, fill: '#c0392b' } },
          { label: t('console.position.forecast'), stroke: '#6a4fa3', dash: [4, 4], width: 2 },
          { label: t('console.position.projected'), stroke: '#1f7a4d', width: 2 },
          { label: t('console.position.safetyStock'), stroke: '#d9822b', width: 1.5 },
          { label: t('console.position.reorderPoint'), stroke: '#c0392b', width: 1.5, dash: [8, 4] },
          { label: t('console.position.orderUpTo'), stroke: '#2d6cb5', width: 1.5, dash: [2, 4] },
          { label: t('console.position.inbound'), stroke: '#111', width: 0, points: { show: true, size: 11, fill: '#f1c40f' } },
        ],
      }}
      data={[x, sales, oos, forecast, projected, flat(d.safetyStock), flat(d.reorderPoint), flat(d.orderUpTo), inbound]} />
  );
}

function PositionBody({ data }: { data: PositionData }) {
  const { t, num, money, day, time, locale } = useI18n();
  const d = data.decision;
  const e = d.explain;
  const c = data.currency;
  const rows: [string, string, string][] = [
    ['asOf', t('console.explain.asOf'), day(e.asOf)],
    ['onHand', t('console.explain.onHand'), num(e.onHand, 2)],
    ['reserved', t('console.explain.reserved'), num(e.reserved, 2)],
    ['available', t('console.explain.available'), num(e.available, 2)],
    ['inboundTotal', t('console.explain.inbound'), num(e.inboundTotal, 2)],
    ['openOrdersTotal', t('console.explain.openOrders'), num(e.openOrdersTotal, 2)],
    ['inventoryPosition', t('console.explain.inventoryPosition'), num(e.inventoryPosition, 2)],
    ['demandModel', t('console.explain.demandModel'), e.demandModel],
    ['history', t('console.explain.history'), t('console.explain.historyValue', { days: e.historyDaysUsed, censored: e.censoredDays, since: e.daysSinceLastDemand ?? -1 })],
    ['level', t('console.explain.level'), `${num(e.level, 2)} · ${t('console.explain.trend')} ${num(e.trendPerDay, 2)} · σ ${num(e.demandSdDaily, 2)}`],
    ['forecastDaily', t('console.explain.forecast'), num(d.forecastDaily, 2)],
    ['leadTime', t('console.explain.leadTime'), t('console.explain.leadTimeValue', { quoted: num(e.quotedLeadTimeDays, 2), used: num(e.leadTimeDays, 2), sd: num(e.leadTimeSdDays, 2), receipts: e.leadTimeObservations, shift: num(e.supplierLatenessDays, 2) })],
    ['serviceLevel', t('console.explain.serviceLevel'), `${e.serviceLevel} (${e.serviceLevelSource}), z = ${e.z}`],
    ['safetyStock', t('console.explain.safetyStock'), `${num(d.safetyStock, 2)} (${e.safetyStockMethod})`],
    ['reorderPoint', t('console.explain.reorderPoint'), t('console.explain.ropValue', { ltd: num(e.leadTimeDemand, 2), rop: num(d.reorderPoint, 2) })],
    ['orderUpTo', t('console.explain.orderUpTo'), t('console.explain.outValue', { rpd: num(e.reviewPeriodDemand, 2), days: e.reviewPeriodDays, out: num(d.orderUpTo, 2) })],
    ['daysOfCover', t('console.explain.daysOfCover'), num(d.daysOfCover, 2)],
    ['projectedStockout', t('console.explain.projectedStockout'), d.projectedStockout ? day(d.projectedStockout) : t('console.explain.noStockout', { days: e.horizonDays })],
    ['projected', t('console.explain.projectedAt'), t('console.explain.projectedAtValue', { lt: num(e.projectedAtLeadTime, 2), horizon: num(e.projectedAtHorizon, 2), days: e.horizonDays })],
    ['replenish', t('console.explain.replenish'), d.replenish ? t('console.explain.replenishValue', { qty: num(d.replenish.qty, 2), supplier: d.replenish.supplierId, needBy: day(d.replenish.needBy), raw: num(e.rawOrderQty, 2), pack: e.packSize, moq: e.moq }) : t('console.explain.noOrder')],
    ['unitCost', t('console.explain.unitCost'), money(d.unitCost, c)],
  ];
  return (
    <>
      <p class="lead">{data.item?.name ?? data.sku}{data.item?.category ? <span class="muted"> · {data.item.category}</span> : null}</p>
      <section class="card">
        <h2>{t('console.position.decision')}</h2>
        <DecisionChart data={data} />
      </section>
      <div class="grid">
        <section class="card">
          <h2>{t('console.position.explain')}</h2>
          <table class="explain" data-testid="explain">
            <tbody>{rows.map(([key, label, value]) => <tr key={key} data-key={key}><th scope="row">{label}</th><td>{value}</td></tr>)}</tbody>
          </table>
          <h3>{t('console.position.findings')}</h3>
          {d.alerts.length === 0 ? <p class="muted">{t('console.position.noFindings')}</p> : (
            <ul class="plain">{d.alerts.map((f) => {
              const said = data.findingWords[f.type]?.[locale];
              const text = said ? said.text : f.message;
              const next = said ? said.suggestions.join(' ') : f.suggestedAction;
              return <li key={f.type}><SeverityBadge severity={f.severity} /> <strong>{t(`alert.type.${f.type}`)}</strong>: {text}{next ? <em> → {next}</em> : null}</li>;
            })}</ul>
          )}
        </section>
        <section class="card">
          <h2>{t('console.position.inboundTitle')}</h2>
          {data.inbound.length === 0 ? <p class="muted">{t('console.position.noInbound')}</p> : (
            <table><thead><tr><th scope="col">{t('console.col.eta')}</th><th scope="col" class="n">{t('console.col.qty')}</th><th scope="col">{t('console.col.supplier')}</th></tr></thead>
              <tbody>{data.inbound.map((l, i) => <tr key={i}><td>{day(l.eta)}</td><td class="n">{num(l.qty, 2)}</td><td>{l.supplierId ?? '—'}</td></tr>)}</tbody></table>
          )}
          <h2>{t('console.position.alerts')}</h2>
          {data.alerts.length === 0 ? <p class="muted">{t('console.alerts.none')}</p> : (
            <ul class="plain">{data.alerts.map((a) => <li key={a.alertId}><SeverityBadge severity={a.severity} /> <StateBadge state={a.state} /> <a href={href(consolePath({ page: 'alert', alertId: a.fingerprint }))}>{t(`alert.type.${a.type}`)}</a> · {time(a.openedAt, data.timeZone)}</li>)}</ul>
          )}
          <h2>{t('console.position.requests')}</h2>
          {data.requests.length === 0 ? <p class="muted">{t('console.requests.none')}</p> : (
            <ul class="plain">{data.requests.map((r) => <li key={r.id}><StateBadge state={r.state} /> <a href={href(consolePath({ page: 'request', requestId: r.id }))}>{r.supplierId} · {day(r.orderDay)}</a> · {money(r.total, r.currency)}</li>)}</ul>
          )}
        </section>
      </div>
    </>
  );
}
