// Routing tree, label matchers, silences and time windows: which receivers hear about an alert, and when.
import { ROOT_DEFAULTS, WEEKDAYS, type LabelName, type RouteNode, type TimeWindow } from './config.js';
import type { Silence } from './model.js';

/** What routes and silences match on: an alert's labels, or an approval task's. */
export type RouteLabels = Partial<Record<LabelName, string>>;

export interface Matchers {
  match: Partial<Record<LabelName, string[]>>;
  matchRe: Partial<Record<LabelName, string>>;
}

const regexCache = new Map<string, RegExp>();
const anchored = (source: string): RegExp => {
  let re = regexCache.get(source);
  if (!re) { re = new RegExp(`^(?:${source})$`); regexCache.set(source, re); }
  return re;
};

/** True when every matcher holds; a label the alert lacks matches nothing but the empty string. */
export function matchesLabels(m: Matchers, labels: RouteLabels): boolean {
  for (const [label, values] of Object.entries(m.match) as [LabelName, string[]][]) {
    if (!values.includes(labels[label] ?? '')) return false;
  }
  for (const [label, source] of Object.entries(m.matchRe) as [LabelName, string][]) {
    if (!anchored(source).test(labels[label] ?? '')) return false;
  }
  return true;
}

export function activeSilence(silences: readonly Silence[], labels: RouteLabels, now: Date): Silence | undefined {
  const t = now.getTime();
  return silences.find((s) => (s.startsAt === undefined || Date.parse(s.startsAt) <= t) && Date.parse(s.endsAt) > t && matchesLabels(s, labels));
}

/** A route's settings after inheriting from its ancestors. */
export interface EffectiveRoute {
  /** Path in the tree: "root", "root.0", "root.0.2". */
  id: string;
  receiver?: string;
  groupBy: LabelName[];
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  muteTimeWindows: string[];
  activeTimeWindows: string[];
  muteExceptSeverities: string[];
  escalation?: string;
  sendResolved: boolean;
}

const inherit = (parent: EffectiveRoute, node: RouteNode, id: string): EffectiveRoute => ({
  id,
  receiver: node.receiver ?? parent.receiver,
  groupBy: node.groupBy ?? parent.groupBy,
  groupWait: node.groupWait ?? parent.groupWait,
  groupInterval: node.groupInterval ?? parent.groupInterval,
  repeatInterval: node.repeatInterval ?? parent.repeatInterval,
  muteTimeWindows: node.muteTimeWindows ?? parent.muteTimeWindows,
  activeTimeWindows: node.activeTimeWindows ?? parent.activeTimeWindows,
  muteExceptSeverities: node.muteExceptSeverities ?? parent.muteExceptSeverities,
  escalation: node.escalation ?? parent.escalation,
  sendResolved: node.sendResolved ?? parent.sendResolved,
});

/** The root inherits Alertmanager-like defaults (ROOT_DEFAULTS); every other node inherits from its parent. */
const rootRoute = (root: RouteNode): EffectiveRoute => inherit({
  id: 'root', ...ROOT_DEFAULTS, muteTimeWindows: [], activeTimeWindows: [],
}, root, 'root');

/**
 * Alertmanager's walk: the root matches everything; the first matching child wins unless it says `continue`;
 * a node none of whose children match is itself the match.
 */
export function matchRoutes(root: RouteNode, labels: RouteLabels): EffectiveRoute[] {
  const walk = (node: RouteNode, effective: EffectiveRoute): EffectiveRoute[] => {
    const found: EffectiveRoute[] = [];
    for (const [i, child] of node.routes.entries()) {
      if (!matchesLabels(child, labels)) continue;
      found.push(...walk(child, inherit(effective, child, `${effective.id}.${i}`)));
      if (!child.continue) break;
    }
    return found.length > 0 ? found : [effective];
  };
  return walk(root, rootRoute(root));
}

/** The effective route at a tree path, or undefined when the config no longer has it. */
export function routeById(root: RouteNode, id: string): EffectiveRoute | undefined {
  const [head, ...path] = id.split('.');
  if (head !== 'root') return undefined;
  let node = root;
  let effective = rootRoute(root);
  for (const step of path) {
    const child = node.routes[Number(step)];
    if (!child) return undefined;
    effective = inherit(effective, child, `${effective.id}.${step}`);
    node = child;
  }
  return effective;
}

/** Alerts with equal values of the route's group_by labels travel in one notification. */
export function groupKey(route: EffectiveRoute, receiver: string, labels: RouteLabels): { key: string; groupLabels: Record<string, string> } {
  const groupLabels = Object.fromEntries(route.groupBy.map((l) => [l, labels[l] ?? '']));
  const values = route.groupBy.map((l) => `${l}=${labels[l] ?? ''}`).join(',');
  return { key: `${route.id}/${receiver}/{${values}}`, groupLabels };
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();
/** Weekday (0 = Sunday) and minute of the day on the wall clock of `timeZone`, so DST shifts follow the zone. */
export function wallClock(at: Date, timeZone: string): { weekday: number; minute: number } {
  let fmt = wallClockFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    wallClockFormats.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = WEEKDAYS.indexOf(String(parts.weekday).toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]);
  return { weekday, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

export function inTimeWindow(window: TimeWindow, at: Date): boolean {
  const { weekday, minute } = wallClock(at, window.timeZone);
  const days = window.weekdays?.map((d) => WEEKDAYS.indexOf(d));
  const onDay = (d: number) => !days || days.includes(d);
  return window.times.some(({ start, end }) => {
    const s = minutesOf(start);
    const e = minutesOf(end);
    if (s < e) return onDay(weekday) && minute >= s && minute < e;
    // Past midnight: the evening part belongs to the listed day, the morning part to the day after it.
    return (onDay(weekday) && minute >= s) || (onDay((weekday + 6) % 7) && minute < e);
  });
}

/** Muted when inside any mute window, or outside all active windows when the route names some. */
export function isMuted(route: EffectiveRoute, windows: readonly TimeWindow[], at: Date): boolean {
  const byName = (n: string) => windows.find((w) => w.name === n);
  if (route.muteTimeWindows.some((n) => { const w = byName(n); return w !== undefined && inTimeWindow(w, at); })) return true;
  if (route.activeTimeWindows.length === 0) return false;
  return !route.activeTimeWindows.some((n) => { const w = byName(n); return w !== undefined && inTimeWindow(w, at); });
}
