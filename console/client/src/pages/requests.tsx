// Replenishment requests, waiting for approval first.
import { consolePath } from '../../../../shared/console-links';
import { api } from '../api';
import { href } from '../env';
import { useI18n } from '../i18n';
import { Loading, Page, Select, StateBadge, useLoad, useQuery, ScrollTable } from '../ui';

const STATES = ['pending_approval', 'approved', 'sent', 'acknowledged', 'rejected', 'closed', 'cancelled'];

export function RequestsPage() {
  const { t, money, day, num } = useI18n();
  const [query, set] = useQuery();
  const state = query.state ?? 'pending_approval';
  const { data, error } = useLoad(() => api.requests(state === 'all' ? undefined : state), [state]);
  return (
    <Page title={t('console.requests.title')}>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('console.filter.label')}>
        <Select id="r-state" label={t('console.filter.state')} value={state} onChange={(v) => set({ state: v })}
          options={[...STATES.map((s): [string, string] => [s, t(`console.state.${s}`)]), ['all', t('console.filter.all')]]} />
      </form>
      {!data ? <Loading error={error} /> : data.requests.length === 0 ? <p class="empty">{t('console.requests.none')}</p> : (
        <ScrollTable label={t('console.requests.title')} testId="requests">
          <thead><tr><th scope="col">{t('console.col.request')}</th><th scope="col">{t('console.col.state')}</th><th scope="col" class="n">{t('console.col.revision')}</th><th scope="col" class="n">{t('console.col.lines')}</th><th scope="col" class="n">{t('console.col.total')}</th></tr></thead>
          <tbody>{data.requests.map((r) => (
            <tr key={r.id} data-testid="request-row" data-id={r.id}>
              <th scope="row"><a href={href(consolePath({ page: 'request', requestId: r.id }))}>{r.supplierId} → {r.locationId} · {day(r.orderDay)}</a></th>
              <td><StateBadge state={r.state} /></td><td class="n">{r.revision}</td><td class="n">{num(r.lines, 0)}</td><td class="n">{money(r.total, r.currency)}</td>
            </tr>))}
          </tbody>
        </ScrollTable>
      )}
    </Page>
  );
}
