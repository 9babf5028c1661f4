// Supplier scorecards: lead time against the quote, on-time and fill rates, acknowledgement times, open requests.
import { consolePath } from '../../../../shared/console-links';
import { api } from '../api';
import { href } from '../env';
import { useI18n } from '../i18n';
import { Loading, Page, useLoad, ScrollTable } from '../ui';

export function SuppliersPage() {
  const { t, num, pct } = useI18n();
  const { data, error } = useLoad(() => api.suppliers(), []);
  return (
    <Page title={t('console.suppliers.title')}>
      {!data ? <Loading error={error} /> : (
        <ScrollTable label={t('console.suppliers.title')} testId="suppliers">
          <thead><tr>
            <th scope="col">{t('console.col.supplier')}</th><th scope="col" class="n">{t('console.col.quoted')}</th><th scope="col" class="n">{t('console.col.mean')}</th>
            <th scope="col" class="n">{t('console.col.recent')}</th><th scope="col" class="n">{t('console.col.onTime')}</th><th scope="col" class="n">{t('console.col.fill')}</th>
            <th scope="col" class="n">{t('console.col.ackTime')}</th><th scope="col" class="n">{t('console.col.open')}</th><th scope="col">{t('console.col.signal')}</th>
          </tr></thead>
          <tbody>{data.suppliers.map((s) => (
            <tr key={s.supplierId}>
              <th scope="row"><a href={href(consolePath({ page: 'supplier', supplierId: s.supplierId }))}>{s.name ?? s.supplierId}</a></th>
              <td class="n">{num(s.quotedLeadTimeDays, 1)}</td><td class="n">{s.receipts ? num(s.meanDays, 1) : '—'}</td><td class="n">{s.receipts ? num(s.recentMeanDays, 1) : '—'}</td>
              <td class="n">{pct(s.onTimeRate)}</td><td class="n">{pct(s.fillRate)}</td>
              <td class="n">{s.ackHours.median === null ? '—' : t('console.hours', { count: num(s.ackHours.median, 1) })}</td><td class="n">{s.openRequests}</td>
              <td>{s.risk ? <span class={`badge sev-${s.risk.severity}`}>{t('alert.type.LEAD_TIME_RISK')}</span> : <span class="badge state-ok">{t('console.suppliers.ok')}</span>}</td>
            </tr>))}
          </tbody>
        </ScrollTable>
      )}
      <p class="muted small">{t('console.suppliers.hint')}</p>
    </Page>
  );
}
