// One supplier: the distribution of its lead times against the quoted one, and its requests.
import { useRoute } from 'preact-iso';
import { consolePath } from '../../../../shared/console-links';
import { api } from '../api';
import { bars, Chart } from '../chart';
import { href } from '../env';
import { useI18n } from '../i18n';
import { Loading, Page, StateBadge, useLoad } from '../ui';

export function SupplierPage() {
  const { t, num, pct, money, day } = useI18n();
  const { params } = useRoute();
  const { data, error } = useLoad(() => api.supplier(params.id!), [params.id]);
  if (!data) return <Page title={params.id!}><Loading error={error} /></Page>;
  const s = data.supplier;
  const max = Math.max(s.quotedLeadTimeDays, ...data.leadTimes.map((l) => l.leadTimeDays), 1);
  const xs = Array.from({ length: Math.ceil(max) + 2 }, (_, i) => i);
  const counts = xs.map((d) => data.leadTimes.filter((l) => Math.round(l.leadTimeDays) === d).length);
  const quoted = xs.map((d) => (d === Math.round(s.quotedLeadTimeDays) ? Math.max(1, ...counts) : null));
  return (
    <Page title={s.name ?? s.supplierId}>
      <div class="figures">
        <div class="figure"><span class="figure-value">{num(s.quotedLeadTimeDays, 1)}</span><span class="figure-label">{t('console.col.quoted')}</span></div>
        <div class="figure"><span class="figure-value">{s.receipts ? num(s.recentMeanDays, 1) : '—'}</span><span class="figure-label">{t('console.col.recent')}</span></div>
        <div class="figure"><span class="figure-value">{pct(s.onTimeRate)}</span><span class="figure-label">{t('console.col.onTime')}</span></div>
        <div class="figure"><span class="figure-value">{pct(s.fillRate)}</span><span class="figure-label">{t('console.col.fill')}</span></div>
        <div class="figure"><span class="figure-value">{s.openRequests}</span><span class="figure-label">{t('console.col.open')}</span></div>
      </div>
      <section class="card">
        <h2>{t('console.supplier.distribution')}</h2>
        {data.leadTimes.length === 0 ? <p class="muted">{t('console.supplier.noReceipts')}</p> : (
          <Chart label={t('console.supplier.distribution')} testId="lead-time-chart"
            options={{ scales: { x: { time: false } }, axes: [{ label: t('console.supplier.days') }, {}],
              series: [{}, { label: t('console.supplier.receipts'), fill: '#4f7cac', stroke: '#4f7cac', paths: bars, points: { show: false } },
                { label: t('console.col.quoted'), stroke: '#c0392b', paths: bars, fill: 'rgba(192,57,43,0.25)', points: { show: false } }] }}
            data={[xs, counts, quoted]} />
        )}
      </section>
      <section class="card">
        <h2>{t('console.position.requests')}</h2>
        {data.requests.length === 0 ? <p class="muted">{t('console.requests.none')}</p> : (
          <ul class="plain">{data.requests.map((r) => <li key={r.id}><StateBadge state={r.state} /> <a href={href(consolePath({ page: 'request', requestId: r.id }))}>{r.locationId} · {day(r.orderDay)}</a> · {money(r.total, r.currency)}</li>)}</ul>
        )}
      </section>
    </Page>
  );
}
