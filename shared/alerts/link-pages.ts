// What a one-click link shows and does, in the reader's language (from the browser's Accept-Language). GET only
// shows the page with a button; the action happens on POST, so mail scanners that prefetch links change nothing.
import { resolveLocale, translator, type Locale } from '../i18n/index.js';
import { formatDay, formatMoney, formatTime, formatUnits } from '../i18n/format.js';
import { consoleLink } from '../console-links.js';
import { decide, type ReplenishmentDeps, type ReplenishmentEvent } from '../replenishment/service.js';
import { changesSince, DEFAULT_MATERIAL_CHANGE_SHARE, isMaterialChange, revisionSnapshot, type ReplenishmentRequest } from '../replenishment/request.js';
import { RequestRevisionChangedError } from '../replenishment/errors.js';
import { AckTokenInvalidError, LINK_SNOOZE_MS, verifyAckToken } from './ack-token.js';
import { ApprovalLinkInvalidError, verifyApprovalToken, type ApprovalLink } from './approval-link.js';
import { changeLines } from './approval-message.js';
import type { AlertsSettings, AlertSecrets } from './config.js';
import { describeAlert, locationName, productName, supplierName, type MessageContext } from './describe.js';
import { acknowledgeAlert, resolveAlert, snoozeAlert } from './lifecycle.js';
import { AlertStateError, type AlertEvent } from './model.js';
import type { AlertStore, MessageStore } from './ports.js';
import { EMPTY_DIRECTORY } from './render.js';

export interface LinkPage {
  status?: number;
  title: string;
  paragraphs: string[];
  list?: string[];
  after?: string[];
  /** Buttons that POST back to the same link, with hidden fields and an optional free-text reason. */
  forms?: { button: string; fields?: Record<string, string>; reason?: string }[];
  link?: { label: string; url: string };
}

export interface LinkPageDeps {
  store: AlertStore;
  settings: AlertsSettings;
  secrets: AlertSecrets;
  clock: { now(): Date };
  locale: Locale;
  messages?: MessageStore;
  requests?: ReplenishmentDeps;
  items?: (skus: string[]) => Promise<ReadonlyMap<string, { name?: string }>>;
}

/** The first language of an Accept-Language header we speak. */
export function linkPageLocale(header: string | undefined): Locale {
  const tags = (header ?? '').split(',').map((p) => p.split(';')[0]!.trim()).filter(Boolean);
  return resolveLocale(tags.find((tag) => resolveLocale(tag) !== 'en' || tag.toLowerCase().startsWith('en')) ?? 'en');
}

async function context(deps: LinkPageDeps, skus: string[]): Promise<MessageContext> {
  const items = deps.items ? await deps.items([...new Set(skus.filter(Boolean))]) : new Map();
  return { ...(deps.settings.messages ?? EMPTY_DIRECTORY), locale: deps.locale, now: deps.clock.now(), items };
}

function invalidLinkPage(error: AckTokenInvalidError | ApprovalLinkInvalidError, deps: LinkPageDeps): LinkPage {
  const t = translator(deps.locale);
  const expired = error.code === 'ACK_TOKEN_EXPIRED' || error.code === 'APPROVAL_LINK_EXPIRED';
  const forged = error.code === 'ACK_TOKEN_BAD_SIGNATURE' || error.code === 'APPROVAL_LINK_BAD_SIGNATURE';
  const at = /expired at (\S+?)\.?$/.exec(error.message)?.[1];
  const text = expired ? t('page.error.expired', { time: at ? formatTime(deps.locale, at, 'UTC') : '' }) : forged ? t('page.error.signature') : t('page.error.malformed');
  return { status: expired ? 410 : 403, title: t('page.error.title'), paragraphs: [text], ...consoleLinkOf(deps) };
}

const consoleLinkOf = (deps: LinkPageDeps, route: Parameters<typeof consoleLink>[1] = { page: 'alerts', filter: { state: 'open' } }) =>
  (deps.settings.messages?.consoleBase ? { link: { label: translator(deps.locale)('page.console'), url: consoleLink(deps.settings.messages.consoleBase, route) } } : {});

/** What the link pages publish: alert transitions and, after a decision, the request to send. */
export interface LinkPageAnnounce {
  announce: (event: AlertEvent | undefined) => Promise<void>;
  announceRequests: (events: ReplenishmentEvent[]) => Promise<void>;
}

/**
 * `/a/<token>`: acknowledge, snooze or resolve one alert; acknowledge every alert one message told; or (a buyer's SMS)
 * the approval page of the request and revision stored behind the short link.
 */
export async function alertLinkPage(method: string, token: string, fields: Record<string, string>, deps: LinkPageDeps & LinkPageAnnounce): Promise<LinkPage> {
  const t = translator(deps.locale);
  const now = deps.clock.now();
  let verified: ReturnType<typeof verifyAckToken>;
  try { verified = verifyAckToken(token, deps.secrets.linkSecrets, now); } catch (error) {
    if (error instanceof AckTokenInvalidError) return invalidLinkPage(error, deps);
    throw error;
  }
  const link = verified;

  if (link.action === 'approval') {
    const set = await deps.messages?.getLinkSet(link.setId);
    if (!set?.approval) return { status: 404, title: t('page.error.title'), paragraphs: [t('page.error.requestGone')] };
    return decisionPage(method, { ...set.approval, action: 'decide', receiver: set.receiver, expiresAt: link.expiresAt }, fields, deps);
  }

  if (link.action === 'ack-group') {
    const set = await deps.messages?.getLinkSet(link.setId);
    if (!set) return { status: 404, title: t('page.error.title'), paragraphs: [t('page.group.gone')], ...consoleLinkOf(deps) };
    const alerts = await deps.store.getAlerts(set.fingerprints);
    const ctx = await context(deps, alerts.map((a) => a.sku));
    const list = alerts.map((a) => `${describeAlert(a, ctx).short} (${t(`alert.state.${a.state}`)})`);
    if (method === 'GET') {
      return { title: t('page.ack.group', { count: alerts.length }), paragraphs: [], list, forms: [{ button: t('page.button.ackAll', { count: alerts.length }) }] };
    }
    let done = 0;
    for (const alert of alerts) {
      if (alert.state !== 'open' && alert.state !== 'escalated') continue;
      try {
        const result = await acknowledgeAlert(deps, alert.fingerprint, { by: `link:${set.receiver}`, at: now });
        await deps.announce(result.event);
        done++;
      } catch (error) {
        if (!(error instanceof AlertStateError)) throw error;
      }
    }
    return { title: t('page.done.title'), paragraphs: [t('page.done.group', { done, skipped: set.fingerprints.length - done })], ...consoleLinkOf(deps) };
  }

  const alert = await deps.store.getAlert(link.fingerprint);
  if (!alert) return { status: 404, title: t('page.error.title'), paragraphs: [t('page.error.gone')], ...consoleLinkOf(deps) };
  const ctx = await context(deps, [alert.sku]);
  const view = describeAlert(alert, ctx);
  const titleKey = { ack: 'page.ack.one', snooze: 'page.snooze', resolve: 'page.resolve' }[link.action];
  const buttonKey = { ack: 'page.button.ack', snooze: 'page.button.snooze', resolve: 'page.button.resolve' }[link.action];
  if (method === 'GET') {
    return {
      title: t(titleKey), paragraphs: [view.title, ...view.sentences, t('page.state', { state: t(`alert.state.${alert.state}`) })],
      forms: [{ button: t(buttonKey) }], ...consoleLinkOf(deps, { page: 'alert', alertId: alert.fingerprint }),
    };
  }
  const by = `link:${alert.locationId || alert.supplierId}`;
  try {
    if (link.action === 'ack') await deps.announce((await acknowledgeAlert(deps, link.fingerprint, { by, at: now })).event);
    else if (link.action === 'resolve') await deps.announce((await resolveAlert(deps, link.fingerprint, { by, at: now })).event);
    else await snoozeAlert(deps, link.fingerprint, { by, at: now, until: new Date(now.getTime() + LINK_SNOOZE_MS) });
  } catch (error) {
    if (error instanceof AlertStateError) return { status: 409, title: t('page.error.title'), paragraphs: [t('page.error.state', { state: t(`alert.state.${alert.state}`) })], ...consoleLinkOf(deps) };
    throw error;
  }
  const time = formatTime(deps.locale, new Date(now.getTime() + LINK_SNOOZE_MS), ctx.locations.get(alert.locationId)?.timeZone ?? 'UTC');
  const doneKey = { ack: 'page.done.ack', snooze: 'page.done.snooze', resolve: 'page.done.resolve' }[link.action];
  return { title: t('page.done.title'), paragraphs: [t(doneKey, { what: view.short, time })], ...consoleLinkOf(deps, { page: 'alert', alertId: alert.fingerprint }) };
}

function orderLines(request: ReplenishmentRequest, ctx: MessageContext): string[] {
  const t = translator(ctx.locale);
  const today = ctx.now.toISOString().slice(0, 10);
  return request.lines.filter((l) => l.status !== 'cancelled').map((l) => t('approval.line', {
    product: productName({ ...ctx, items: new Map([...ctx.items, ...(l.name ? [[l.sku, { name: l.name }] as const] : [])]) }, l.sku),
    units: formatUnits(ctx.locale, l.qty), money: formatMoney(ctx.locale, l.amount, request.currency), date: formatDay(ctx.locale, l.needBy, today),
  }));
}

/**
 * `/r/<token>`: approve or reject a request waiting for approval. The link is bound to the revision its message
 * showed: if the request changed materially since, the page says "this request changed: see revision N" and decides
 * nothing; a small change is shown and the buttons then decide the request as it is now (the revision on the page).
 */
export async function approvalLinkPage(method: string, token: string, fields: Record<string, string>, deps: LinkPageDeps & LinkPageAnnounce): Promise<LinkPage> {
  let link: ApprovalLink;
  try { link = verifyApprovalToken(token, deps.secrets.linkSecrets, deps.clock.now()); } catch (error) {
    if (error instanceof ApprovalLinkInvalidError) return invalidLinkPage(error, deps);
    throw error;
  }
  return decisionPage(method, link, fields, deps);
}

async function decisionPage(method: string, link: ApprovalLink, fields: Record<string, string>, deps: LinkPageDeps & LinkPageAnnounce): Promise<LinkPage> {
  const t = translator(deps.locale);
  const request = await deps.requests?.requests.get(link.requestKey);
  if (!deps.requests || !request) return { status: 404, title: t('page.error.title'), paragraphs: [t('page.error.requestGone')] };
  const ctx = await context(deps, request.lines.map((l) => l.sku));
  const supplier = supplierName(ctx, request.supplierId);
  const location = locationName(ctx, request.locationId);
  const title = t('page.approval.title', { supplier, location });
  const details = consoleLinkOf(deps, { page: 'request', requestId: request.idempotencyKey });
  const total = t('approval.total', { money: formatMoney(ctx.locale, request.total, request.currency) });

  if (request.state !== 'pending_approval') {
    return { status: method === 'POST' ? 409 : 200, title, paragraphs: [t('page.approval.decided', { state: t(`page.requestState.${request.state}`) })], ...details };
  }
  const share = deps.requests.config.approval.materialChangeShare ?? DEFAULT_MATERIAL_CHANGE_SHARE;
  const changes = link.revision === request.revision ? undefined : changesSince(request, link.revision);
  const material = link.revision !== request.revision && (!changes || isMaterialChange(changes, share));
  const then = request.history?.find((h) => h.revision === link.revision);
  const changedList = then ? changeLines({ ...then }, { ...revisionSnapshot(request, request.updatedAt), lines: request.lines.filter((l) => l.status !== 'cancelled'), currency: request.currency }, ctx) : [];
  if (material) {
    return { status: method === 'POST' ? 409 : 200, title, paragraphs: [t('page.approval.changed', { revision: request.revision })], list: changedList, ...details };
  }

  if (method === 'GET') {
    const actions = link.action === 'decide' ? ['approve', 'reject'] as const : [link.action];
    const question = t(`page.approval.${link.action}`);
    const slightly = link.revision !== request.revision ? [t('page.approval.changedSlightly')] : [];
    return {
      title, paragraphs: [question, ...slightly], list: slightly.length > 0 ? changedList : orderLines(request, ctx),
      after: [...(slightly.length > 0 ? [...orderLines(request, ctx), total, t('page.approval.asItIsNow')] : [total])],
      forms: actions.map((action) => ({
        button: t(`page.button.${action}`), fields: { revision: String(request.revision), ...(link.action === 'decide' ? { action } : {}) },
        ...(action === 'reject' ? { reason: t('page.approval.reason') } : {}),
      })),
      ...details,
    };
  }

  // The posted revision must be the one the link was sent for, or the current one when it differs only slightly.
  const revision = Number(fields.revision ?? link.revision);
  if (revision !== link.revision && revision !== request.revision) {
    return { status: 409, title, paragraphs: [t('page.approval.changed', { revision: request.revision })], list: changedList, ...details };
  }
  const action = link.action === 'decide' ? (fields.action === 'reject' ? 'reject' : 'approve') : link.action;
  const by = `link:${link.receiver}`;
  try {
    const outcome = await decide(deps.requests, link.requestKey, action === 'approve'
      ? { action: 'approve', revision, by }
      : { action: 'cancel', revision, by, ...(fields.reason ? { reason: fields.reason.slice(0, 500) } : {}) });
    await deps.announceRequests(outcome.events);
  } catch (error) {
    if (error instanceof RequestRevisionChangedError) return { status: 409, title, paragraphs: [t('page.approval.changed', { revision: error.currentRevision })], ...details };
    throw error;
  }
  return { title, paragraphs: [t(action === 'approve' ? 'page.approval.done.approve' : 'page.approval.done.reject', { supplier })], ...details };
}

