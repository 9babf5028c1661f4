// Small pieces every page uses: loading/error states, the filter bar, figures, severity badges.
import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { Me } from '../../api/schema';
import { ApiError } from './api';
import { useI18n } from './i18n';

export const MeContext = createContext<Me | null>(null);
/** Who is signed in, what they may see (loaded once by the shell). */
export const useMe = (): Me => useContext(MeContext)!;

/** Loads on mount and whenever `deps` change; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: Error; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then((data) => live && setState({ data }), (error: Error) => live && setState((s) => ({ ...s, error })));
    return () => { live = false; };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

export function Loading({ error }: { error?: Error }) {
  const { t } = useI18n();
  if (error) return <p class="error" role="alert">{error instanceof ApiError && error.status === 401 ? t('console.error.signin') : `${t('console.error.load')}: ${error.message}`}</p>;
  return <p class="muted" aria-busy="true">{t('console.loading')}</p>;
}

export function Page({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => { document.title = `${title} · StockSentry`; }, [title]);
  return (
    <section class="page">
      <header class="page-head"><h1>{title}</h1>{actions}</header>
      {children}
    </section>
  );
}

export function Figure({ label, value, testId, raw, tone }: { label: string; value: string; testId?: string; raw?: number | null; tone?: 'bad' | 'warn' | 'good' }) {
  return (
    <div class={`figure ${tone ?? ''}`} data-testid={testId} data-value={raw ?? ''}>
      <span class="figure-value">{value}</span>
      <span class="figure-label">{label}</span>
    </div>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  const { t } = useI18n();
  return <span class={`badge sev-${severity}`}>{t(`severity.${severity}`)}</span>;
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return <span class={`badge state-${state}`}>{t(`console.state.${state}`)}</span>;
}

/** Filters kept in the address (so a reload or a shared link shows the same view). */
export function useQuery(): [Record<string, string>, (patch: Record<string, string | undefined>) => void] {
  const loc = useLocation();
  const query = loc.query as Record<string, string>;
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(Object.entries({ ...query, ...patch }).filter((e): e is [string, string] => !!e[1]));
    const s = next.toString();
    loc.route(`${loc.path}${s ? `?${s}` : ''}`, true);
  };
  return [query, set];
}

export function Select({ label, value, options, onChange, id }: { label: string; value: string; options: [string, string][]; onChange: (v: string) => void; id: string }) {
  return (
    <label class="field" for={id}>
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map(([v, l]) => <option value={v} key={v}>{l}</option>)}
      </select>
    </label>
  );
}

/** Location, group, channel and category: the overview's and the wall's filter. */
export function FilterBar({ me, categories, query, set }: { me: Me; categories: string[]; query: Record<string, string>; set: (p: Record<string, string | undefined>) => void }) {
  const { t } = useI18n();
  const all: [string, string] = ['', t('console.filter.all')];
  return (
    <form class="filters" aria-label={t('console.filter.label')} onSubmit={(e) => e.preventDefault()}>
      <Select id="f-location" label={t('console.filter.location')} value={query.location ?? ''} onChange={(v) => set({ location: v })}
        options={[all, ...me.allLocations.map((l): [string, string] => [l.id, l.name ?? l.id])]} />
      <Select id="f-group" label={t('console.filter.group')} value={query.locationGroup ?? ''} onChange={(v) => set({ locationGroup: v })}
        options={[all, ...me.locationGroups.map((g): [string, string] => [g, g])]} />
      <Select id="f-channel" label={t('console.filter.channel')} value={query.channel ?? ''} onChange={(v) => set({ channel: v })}
        options={[all, ...me.channels.map((c): [string, string] => [c, t(`console.kind.${c}`)])]} />
      <Select id="f-category" label={t('console.filter.category')} value={query.category ?? ''} onChange={(v) => set({ category: v })}
        options={[all, ...categories.map((c): [string, string] => [c, c === '-' ? t('console.filter.none') : c])]} />
    </form>
  );
}

/** A table that may scroll sideways on a phone: focusable and named, so keyboard users can scroll it too. */
export function ScrollTable({ label, testId, children }: { label: string; testId?: string; children: ComponentChildren }) {
  return <div class="scroll" tabIndex={0} role="region" aria-label={label}><table data-testid={testId}>{children}</table></div>;
}
