// Who may do what in the console. Groups: viewer (reads), store (reads and acts on its own locations only), buyer
// (alerts, and approvals up to an amount), admin (everything). Checked on the server for every request.
import { z } from 'zod';

export const CONSOLE_GROUPS = ['viewer', 'store', 'buyer', 'admin'] as const;
export type ConsoleGroup = (typeof CONSOLE_GROUPS)[number];

export const consoleUser = z.strictObject({
  email: z.string().email(),
  group: z.enum(CONSOLE_GROUPS),
  /** store: the locations this user sees and acts on. */
  locations: z.array(z.string().min(1)).optional(),
  /** buyer: the largest request total (in replenishment.currency) this user may approve; default console.buyerApprovalLimit. */
  approvalLimit: z.number().nonnegative().optional(),
  locale: z.enum(['en', 'zh-CN']).optional(),
}).superRefine((u, ctx) => {
  if (u.group === 'store' && !u.locations?.length) ctx.addIssue({ code: 'custom', path: ['locations'], message: 'a store user needs the locations they look after' });
});
export type ConsoleUser = z.infer<typeof consoleUser>;

export const consoleConfig = z.strictObject({
  users: z.array(consoleUser).default([]),
  /** What a buyer may approve without a limit of their own. */
  buyerApprovalLimit: z.number().nonnegative().default(10_000),
}).default({ users: [], buyerApprovalLimit: 10_000 });
export type ConsoleConfig = z.infer<typeof consoleConfig>;

/** The caller of a console API request, as the server established it (JWT claims on AWS, the local token locally). */
export interface ConsolePrincipal {
  user: string;
  group: ConsoleGroup;
  /** Undefined: every location. */
  locations?: readonly string[];
  /** Undefined: no limit (admin). */
  approvalLimit?: number;
}

export type ConsoleAction =
  | { kind: 'read-location'; locationId: string }
  | { kind: 'act-on-alert'; locationId: string }
  | { kind: 'silence' }
  | { kind: 'decide-request'; locationId: string; total: number };

export interface Refusal { reason: string }

/** undefined when allowed; else why not, in words the console shows. */
export function refusal(p: ConsolePrincipal, action: ConsoleAction): Refusal | undefined {
  const own = (loc: string) => !p.locations || p.locations.includes(loc);
  switch (action.kind) {
    case 'read-location':
      return own(action.locationId) ? undefined : { reason: `${p.user} looks after ${p.locations?.join(', ')}, not ${action.locationId}` };
    case 'act-on-alert':
      if (p.group === 'viewer') return { reason: 'viewers can look but not act on alerts' };
      // A supplier alert at no location belongs to no store: buyers and admins handle those.
      if (p.group === 'store' && (!action.locationId || !own(action.locationId))) return { reason: `${p.user} looks after ${p.locations?.join(', ')}, not ${action.locationId || 'supplier alerts'}` };
      return undefined;
    case 'silence':
      return p.group === 'admin' || p.group === 'buyer' ? undefined : { reason: 'only buyers and admins can silence alerts' };
    case 'decide-request':
      if (p.group !== 'buyer' && p.group !== 'admin') return { reason: `only buyers and admins decide replenishment requests; ${p.user} is a ${p.group}` };
      if (!own(action.locationId)) return { reason: `${p.user} does not buy for ${action.locationId}` };
      if (p.approvalLimit !== undefined && action.total > p.approvalLimit) return { reason: `the total ${action.total} is above ${p.user}'s approval limit ${p.approvalLimit}` };
      return undefined;
  }
}

/** The principal of a configured user (the local hub's tokens and Cognito's groups both resolve through this). */
export function principalFor(user: ConsoleUser | undefined, fallback: { user: string; group: ConsoleGroup }, config: ConsoleConfig): ConsolePrincipal {
  const group = user?.group ?? fallback.group;
  return {
    user: user?.email ?? fallback.user, group,
    ...(group === 'store' ? { locations: user?.locations ?? [] } : {}),
    ...(group === 'buyer' ? { approvalLimit: user?.approvalLimit ?? config.buyerApprovalLimit } : {}),
  };
}
