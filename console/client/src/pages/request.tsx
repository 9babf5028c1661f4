// One request: its lines, its timeline, and approve / reject bound to the revision on screen.
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import type { RevisionConflict } from '../../../api/schema';
import { api, ApiError, isRevisionConflict } from '../api';
import { useI18n } from '../i18n';
import { Loading, Page, StateBadge, useLoad, ScrollTable } from '../ui';

export function RequestPage() {
  const { t, money, day, num, time } = useI18n();
  const { params } = useRoute();
  const id = params.id!;
  const { data, error, reload } = useLoad(() => api.request(id), [id]);
  const [conflict, setConflict] = useState<RevisionConflict | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [reason, setReason] = useState('');
  if (!data) return <Page title={t('console.request.title')}><Loading error={error} /></Page>;
  const r = data.request;
  const live = r.lines.filter((l) => l.status !== 'cancelled');
  const decide = async (action: 'approve' | 'reject') => {
    setConflict(null);
    try {
      await api.decide(id, action, { revision: r.revision, ...(reason ? { reason } : {}), seen: { lines: live.map((l) => ({ sku: l.sku, qty: l.qty })), total: r.total } });
      setMessage({ tone: 'ok', text: t(action === 'approve' ? 'console.request.approved' : 'console.request.rejected', { revision: r.revision }) });
      reload();
    } catch (err) {
      if (isRevisionConflict(err)) setConflict(err.body);
      else setMessage({ tone: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
  };
  return (
    <Page title={`${r.supplierId} → ${r.locationId} · ${day(r.orderDay)}`}>
      {message && <p role={message.tone === 'error' ? 'alert' : 'status'} class={`banner ${message.tone}`} data-testid="decision-status">{message.text}</p>}
      {conflict && (
        <div role="alert" class="banner error" data-testid="revision-conflict">
          <p><strong>{t('console.request.changed', { seen: conflict.seenRevision, current: conflict.currentRevision })}</strong></p>
          <table><thead><tr><th scope="col">SKU</th><th scope="col" class="n">{t('console.request.before', { revision: conflict.seenRevision })}</th><th scope="col" class="n">{t('console.request.after', { revision: conflict.currentRevision })}</th></tr></thead>
            <tbody>
              {conflict.changes.map((c) => <tr key={c.sku}><th scope="row">{c.sku}</th><td class="n">{c.before === null ? '—' : num(c.before, 2)}</td><td class="n">{c.after === null ? '—' : num(c.after, 2)}</td></tr>)}
              <tr><th scope="row">{t('console.col.total')}</th><td class="n">{conflict.totalBefore === null ? '—' : money(conflict.totalBefore, r.currency)}</td><td class="n">{money(conflict.totalAfter, r.currency)}</td></tr>
            </tbody></table>
          <button type="button" onClick={() => { setConflict(null); reload(); }}>{t('console.request.showCurrent', { revision: conflict.currentRevision })}</button>
        </div>
      )}
      <section class="card">
        <p><StateBadge state={r.state} /> <span data-testid="revision" data-revision={r.revision}>{t('console.request.revision', { revision: r.revision })}</span> · <strong data-testid="request-total">{money(r.total, r.currency)}</strong></p>
        <p class="muted">{r.approval.reason}</p>
        <ScrollTable label={t('console.request.title')}>
          <thead><tr><th scope="col">SKU</th><th scope="col" class="n">{t('console.col.qty')}</th><th scope="col">{t('console.col.needBy')}</th><th scope="col" class="n">{t('console.col.amount')}</th><th scope="col">{t('console.col.state')}</th><th scope="col">{t('console.col.promised')}</th></tr></thead>
          <tbody>{r.lines.map((l) => (
            <tr key={l.lineNo}><th scope="row">{l.sku}</th><td class="n">{num(l.qty, 2)}</td><td>{day(l.needBy)}</td><td class="n">{money(l.amount, r.currency)}</td><td>{t(`console.line.${l.status}`)}</td><td>{l.promisedDate ? day(l.promisedDate) : '—'}</td></tr>
          ))}</tbody>
        </ScrollTable>
        {r.state === 'pending_approval' && (data.canDecide ? <p class="muted" data-testid="cannot-decide">{data.canDecide}</p> : (
          <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
            <label class="field grow" for="reason"><span>{t('console.request.reason')}</span><input id="reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} /></label>
            <button type="button" class="primary" onClick={() => decide('approve')}>{t('console.request.approve', { revision: r.revision })}</button>
            <button type="button" onClick={() => decide('reject')}>{t('console.request.reject')}</button>
          </form>
        ))}
      </section>
      <section class="card">
        <h2>{t('console.request.timeline')}</h2>
        <ol class="timeline" data-testid="timeline">
          {data.timeline.map((e, i) => <li key={i}><time dateTime={e.at}>{time(e.at)}</time> <strong>{t(`console.timeline.${e.kind}`)}</strong>{e.detail ? ` — ${e.detail}` : ''}</li>)}
        </ol>
      </section>
    </Page>
  );
}
