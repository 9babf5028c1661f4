// One alert: what it says, its numbers, its history, and the actions on it.
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { consolePath } from '../../../../shared/console-links';
import { api } from '../api';
import { href } from '../env';
import { useI18n } from '../i18n';
import { Loading, Page, SeverityBadge, StateBadge, useLoad } from '../ui';
import { AlertRowActions, useAlertActions, useAlertWords } from './alerts';
import { FactList } from './facts';

export function AlertPage() {
  const { t, time, day } = useI18n();
  const { params } = useRoute();
  const id = params.id!;
  const { data, error, reload } = useLoad(() => api.alert(id), [id]);
  const { run, banner } = useAlertActions(reload);
  const words = useAlertWords();
  const [note, setNote] = useState('');
  if (!data) return <Page title={t('console.alert.title')}><Loading error={error} /></Page>;
  const a = data.alert;
  const tz = data.timeZone;
  const said = words(a);
  return (
    <Page title={`${t(`alert.type.${a.type}`)} · ${said.subject}`}>
      {banner}
      <section class="card">
        <p><SeverityBadge severity={a.severity} /> <StateBadge state={a.state} /></p>
        <p class="message lead">{said.text}</p>
        {said.suggestions.length > 0 && (
          <div class="suggestions"><strong>{t('console.alert.suggested')}:</strong><ul>{said.suggestions.map((s) => <li key={s}>{s}</li>)}</ul></div>
        )}
        <dl class="facts">
          <dt>{t('console.alert.opened')}</dt><dd>{time(a.openedAt, tz)}</dd>
          {a.acknowledgedAt && <><dt>{t('console.alert.acknowledged')}</dt><dd>{time(a.acknowledgedAt, tz)} · {a.acknowledgedBy}</dd></>}
          {a.snoozedUntil && <><dt>{t('console.alert.snoozedUntil')}</dt><dd>{time(a.snoozedUntil, tz)}</dd></>}
          {a.resolvedAt && <><dt>{t('console.alert.resolved')}</dt><dd>{time(a.resolvedAt, tz)}</dd></>}
          {a.projectedStockout && <><dt>{t('console.alert.projectedStockout')}</dt><dd>{day(a.projectedStockout)}</dd></>}
        </dl>
        <FactList facts={a.facts ?? {}} names={said.names} timeZone={tz} />
        {a.sku && <p><a href={href(consolePath({ page: 'position', sku: a.sku, locationId: a.locationId }))}>{t('console.alert.openPosition')}</a></p>}
        <AlertRowActions alert={a} run={run} />
        <form class="inline-form" onSubmit={(e) => { e.preventDefault(); if (note.trim()) { void run('comment', [a.fingerprint], { note }); setNote(''); } }}>
          <label class="field grow" for="comment"><span>{t('console.alert.comment')}</span><input id="comment" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} /></label>
          <button type="submit">{t('console.action.comment')}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t('console.alert.history')}</h2>
        <ol class="timeline">
          {data.history.map((h) => (
            <li key={`${h.at}-${h.seq}`}><time dateTime={h.at}>{time(h.at, tz)}</time> <strong>{t(`console.audit.${h.action}`)}</strong>{h.by ? ` · ${h.by}` : ''}{h.note ? ` — ${h.note}` : ''}</li>
          ))}
        </ol>
      </section>
    </Page>
  );
}
