// The shell: navigation, language, and the pages at the addresses shared/console-links.ts gives them.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { LOCALES, type Locale } from '../../../shared/i18n/index';
import type { Me } from '../../api/schema';
import { api } from './api';
import { BASE, href } from './env';
import { I18nContext, initialLocale, makeI18n, rememberLocale, useI18n } from './i18n';
import { Loading, MeContext, useLoad } from './ui';
import { Overview } from './pages/overview';
import { AlertsInbox } from './pages/alerts';
import { AlertPage } from './pages/alert';
import { PositionPage } from './pages/position';
import { RequestsPage } from './pages/requests';
import { RequestPage } from './pages/request';
import { SuppliersPage } from './pages/suppliers';
import { SupplierPage } from './pages/supplier';
import { Wall } from './pages/wall';

const NAV: [string, string][] = [['/', 'console.nav.overview'], ['/alerts', 'console.nav.alerts'], ['/requests', 'console.nav.requests'], ['/suppliers', 'console.nav.suppliers'], ['/wall', 'console.nav.wall']];

function Nav({ me, setLocale }: { me: Me; setLocale: (l: Locale) => void }) {
  const { t, locale } = useI18n();
  const { path } = useLocation();
  const here = (p: string) => (p === '/' ? path === BASE || path === href('/') : path.startsWith(href(p)));
  return (
    <header class="top">
      <a class="brand" href={href('/')}>StockSentry</a>
      <nav aria-label={t('console.nav.label')}>
        <ul>
          {NAV.map(([p, key]) => <li key={p}><a href={href(p)} aria-current={here(p) ? 'page' : undefined}>{t(key)}</a></li>)}
        </ul>
      </nav>
      <div class="who">
        <span class="muted">{me.user} · {t(`console.group.${me.group}`)}</span>
        <label class="sr-only" for="lang">{t('console.language')}</label>
        <select id="lang" value={locale} onChange={(e) => setLocale((e.target as HTMLSelectElement).value as Locale)}>
          {LOCALES.map((l) => <option key={l} value={l}>{l === 'en' ? 'English' : '简体中文'}</option>)}
        </select>
      </div>
    </header>
  );
}

export function App() {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const i18n = useMemo(() => makeI18n(locale), [locale]);
  const me = useLoad(() => api.me(), []);
  useEffect(() => { document.documentElement.lang = locale; }, [locale]);
  const setLocale = (l: Locale) => { rememberLocale(l); setLocaleState(l); };
  return (
    <I18nContext.Provider value={i18n}>
      <LocationProvider scope={BASE}>
        {/* With <base href>, "#main" would point at the base page: move focus here instead of navigating. */}
        <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{i18n.t('console.skip')}</a>
        {me.data ? <Shell me={me.data} setLocale={setLocale} /> : <main id="main"><Loading error={me.error} /></main>}
      </LocationProvider>
    </I18nContext.Provider>
  );
}

function Shell({ me, setLocale }: { me: Me; setLocale: (l: Locale) => void }) {
  const { path } = useLocation();
  const wall = path.startsWith(href('/wall'));
  return (
    <MeContext.Provider value={me}>
      {!wall && <Nav me={me} setLocale={setLocale} />}
      <main id="main" class={wall ? 'wall-main' : ''} tabIndex={-1}>
        <Router>
          <Route path={href('/')} component={Overview} />
          <Route path={href('/alerts')} component={AlertsInbox} />
          <Route path={href('/alerts/:id')} component={AlertPage} />
          <Route path={href('/positions/:sku/:location')} component={PositionPage} />
          <Route path={href('/requests')} component={RequestsPage} />
          <Route path={href('/requests/:id')} component={RequestPage} />
          <Route path={href('/suppliers')} component={SuppliersPage} />
          <Route path={href('/suppliers/:id')} component={SupplierPage} />
          <Route path={href('/wall')} component={Wall} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </MeContext.Provider>
  );
}

function NotFound() {
  const { t } = useI18n();
  return <section class="page"><h1>{t('console.notFound')}</h1><p><a href={href('/')}>{t('console.nav.overview')}</a></p></section>;
}
