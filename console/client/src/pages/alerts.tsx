// The inbox: alerts grouped as their notifications group them, with actions on one alert or the whole group.
import { useState } from 'preact/hooks';
import { ALERT_TYPES, SEVERITIES } from '../../../../shared/alert-kinds';
import { consolePath } from '../../../../shared/console-links';
import type { AlertGroupView, AlertView, AlertWords, SilenceBody } from '../../../api/schema';
import { api, ApiError } from '../api';
import { href } from '../env';
import { useI18n } from '../i18n';
import { Loading, Page, Select, SeverityBadge, StateBadge, useLoad, useMe, useQuery } from '../ui';

const STATES = ['open', 'escalated', 'acknowledged', 'resolved'];

/** What an alert is about by id ("SKU-1 at store-north", "supplier sup-slow"), for alerts the server did not put in words. */
function useSubject() {
  const { t } = useI18n();
  return (a: AlertView) => (a.sku ? t('console.alert.subject', { sku: a.sku, location: a.locationId }) : t('console.alert.supplierSubject', { supplier: a.supplierId ?? '' }));
}

/** An alert as its messages say it, in the page's language (the engine's one-line note when words are missing). */
export function useAlertWords() {
  const { locale } = useI18n();
  const subject = useSubject();
  return (a: AlertView): AlertWords =>
    a.words?.[locale] ?? { subject: subject(a), text: a.message, suggestions: a.suggestedAction ? [a.suggestedAction] : [], names: {} };
}

export function useAlertActions(reload: () => void) {
  const { t } = useI18n();
  const [status, setStatus] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const run = async (action: 'ack' | 'snooze' | 'resolve' | 'comment', fingerprints: string[], extra: { note?: string; minutes?: number } = {}) => {
    try {
      const out = await api.act({ action, fingerprints, ...extra });
      const refused = out.refused.map((r) => r.reason).join('; ');
      setStatus(refused ? { tone: 'error', text: t('console.action.partly', { done: out.done.length, refused: out.refused.length, reasons: refused }) }
        : { tone: 'ok', text: t(`console.action.done.${action}`, { count: out.done.length }) });
    } catch (error) {
      setStatus({ tone: 'error', text: error instanceof ApiError ? error.message : String(error) });
    }
    reload();
  };
  const banner = status && <p role={status.tone === 'error' ? 'alert' : 'status'} class={`banner ${status.tone}`} data-testid="action-status">{status.text}</p>;
  return { run, banner };
}

type RunAction = ReturnType<typeof useAlertActions>['run'];

/** Acknowledge, snooze and resolve for one alert (inbox row and alert page alike); nothing once it is resolved. */
export function AlertRowActions({ alert: a, run }: { alert: AlertView; run: RunAction }) {
  const { t } = useI18n();
  const words = useAlertWords();
  if (a.state === 'resolved') return null;
  return (
    <div class="actions" role="group" aria-label={t('console.alerts.rowActions', { subject: words(a).subject })}>
      {a.state !== 'acknowledged' && <button type="button" onClick={() => run('ack', [a.fingerprint])}>{t('console.action.ack')}</button>}
      <button type="button" onClick={() => run('snooze', [a.fingerprint], { minutes: 240 })}>{t('console.action.snooze')}</button>
      <button type="button" onClick={() => run('resolve', [a.fingerprint])}>{t('console.action.resolve')}</button>
    </div>
  );
}

export function AlertsInbox() {
  const { t } = useI18n();
  const me = useMe();
  const [query, set] = useQuery();
  const q = { state: query.state, severity: query.severity, type: query.type, location: query.location, locationGroup: query.locationGroup, category: query.category, channel: query.channel };
  const { data, error, reload } = useLoad(() => api.alerts(q), [JSON.stringify(q)]);
  const { run, banner } = useAlertActions(reload);
  const all: [string, string] = ['', t('console.filter.all')];
  return (
    <Page title={t('console.alerts.title')}>
      <form class="filters" aria-label={t('console.filter.label')} onSubmit={(e) => e.preventDefault()}>
        <Select id="a-state" label={t('console.filter.state')} value={query.state ?? ''} onChange={(v) => set({ state: v })}
          options={[['', t('console.filter.active')], ...STATES.map((s): [string, string] => [s, t(`console.state.${s}`)])]} />
        <Select id="a-severity" label={t('console.filter.severity')} value={query.severity ?? ''} onChange={(v) => set({ severity: v })}
          options={[all, ...SEVERITIES.map((s): [string, string] => [s, t(`severity.${s}`)])]} />
        <Select id="a-type" label={t('console.filter.type')} value={query.type ?? ''} onChange={(v) => set({ type: v })}
          options={[all, ...ALERT_TYPES.map((s): [string, string] => [s, t(`alert.type.${s}`)])]} />
        <Select id="a-location" label={t('console.filter.location')} value={query.location ?? ''} onChange={(v) => set({ location: v })}
          options={[all, ...me.allLocations.map((l): [string, string] => [l.id, l.name ?? l.id])]} />
      </form>
      {banner}
      {!data ? <Loading error={error} /> : data.total === 0 ? <p class="empty">{t('console.alerts.none')}</p> : (
        <>
          <p class="muted" data-testid="alerts-total">{t('console.alerts.count', { count: data.total })}</p>
          {data.groups.map((g) => <Group key={g.key} group={g} run={run} canSilence={me.group === 'admin' || me.group === 'buyer'} reload={reload} />)}
        </>
      )}
    </Page>
  );
}

function Group({ group, run, canSilence, reload }: { group: AlertGroupView; run: ReturnType<typeof useAlertActions>['run']; canSilence: boolean; reload: () => void }) {
  const { t } = useI18n();
  const words = useAlertWords();
  const active = group.alerts.filter((a) => a.state !== 'resolved').map((a) => a.fingerprint);
  const title = Object.entries(group.labels).map(([k, v]) => `${t(`console.label.${k}`)}: ${v || '—'}`).join(' · ') || t('console.alerts.allGroup');
  const [silencing, setSilencing] = useState(false);
  const headingId = `g-${group.key.replace(/[^a-z0-9]/gi, '-')}`;
  return (
    <section class="card group" aria-labelledby={headingId} data-testid="alert-group">
      <header class="group-head">
        <h2 id={headingId}>{title} <span class="count">{group.alerts.length}</span></h2>
        {active.length > 0 && (
          <div class="actions" role="group" aria-label={t('console.alerts.groupActions', { title })}>
            <button type="button" onClick={() => run('ack', active)}>{t('console.action.ackAll', { count: active.length })}</button>
            <button type="button" onClick={() => run('snooze', active, { minutes: 240 })}>{t('console.action.snoozeAll')}</button>
            <button type="button" onClick={() => run('resolve', active)}>{t('console.action.resolveAll')}</button>
            {canSilence && <button type="button" onClick={() => setSilencing(!silencing)} aria-expanded={silencing}>{t('console.action.silence')}</button>}
          </div>
        )}
      </header>
      {silencing && <SilenceForm labels={group.labels} done={() => { setSilencing(false); reload(); }} />}
      <ul class="alerts">
        {group.alerts.map((a) => (
          <li key={a.fingerprint} class={`alert-row sev-${a.severity}`} data-testid="alert-row" data-fingerprint={a.fingerprint}>
            <div class="alert-main">
              <SeverityBadge severity={a.severity} /> <StateBadge state={a.state} />
              <a href={href(consolePath({ page: 'alert', alertId: a.fingerprint }))}><strong>{t(`alert.type.${a.type}`)}</strong> · {words(a).subject}</a>
              <p class="message">{words(a).text}</p>
            </div>
            <AlertRowActions alert={a} run={run} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function SilenceForm({ labels, done }: { labels: Record<string, string>; done: () => void }) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const [hours, setHours] = useState(24);
  const [error, setError] = useState('');
  const match = Object.fromEntries(Object.entries(labels).filter(([, v]) => v).map(([k, v]) => [k, [v]]));
  return (
    <form class="inline-form" onSubmit={async (e) => {
      e.preventDefault();
      try { await api.silence({ match: match as SilenceBody["match"], minutes: hours * 60, comment }); done(); } catch (err) { setError(err instanceof Error ? err.message : String(err)); }
    }}>
      <label class="field" for="s-comment"><span>{t('console.silence.why')}</span><input id="s-comment" required value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} /></label>
      <label class="field" for="s-hours"><span>{t('console.silence.hours')}</span><input id="s-hours" type="number" min={1} max={2160} value={hours} onInput={(e) => setHours(Number((e.target as HTMLInputElement).value))} /></label>
      <button type="submit">{t('console.action.silence')}</button>
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}
