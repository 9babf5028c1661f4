// The typed API client: types come from the server's zod schemas (console/api/schema.ts), imported as types only.
import type {
  ActionResult, AlertActionBody, AlertDetail, AlertsPage, DecisionBody, Me, Overview, OverviewQuery, PositionPage, RequestDetail,
  RequestSummary, RevisionConflict, SilenceBody, SupplierDetail, SupplierRow,
} from '../../api/schema';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) { super(message); }
}

let apiUrl = '';
let bearer: string | undefined;
export function configureApi(url: string, token: string | undefined): void { apiUrl = url.replace(/\/$/, ''); bearer = token; }

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`${apiUrl}${path}`, {
    method, signal, credentials: 'same-origin',
    headers: {
      accept: 'application/json', 'x-requested-with': 'stocksentry-console',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(res.status, parsed.error ?? res.statusText, parsed);
  return parsed as T;
}

const qs = (q: Record<string, string | undefined>): string => {
  const p = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1]));
  const s = p.toString();
  return s ? `?${s}` : '';
};
const e = encodeURIComponent;

export const api = {
  me: () => call<Me>('GET', '/me'),
  overview: (q: OverviewQuery, signal?: AbortSignal) => call<Overview>('GET', `/overview${qs(q)}`, undefined, signal),
  alerts: (q: Record<string, string | undefined>) => call<AlertsPage>('GET', `/alerts${qs(q)}`),
  alert: (fp: string) => call<AlertDetail>('GET', `/alerts/${e(fp)}`),
  act: (body: AlertActionBody) => call<ActionResult>('POST', '/alerts/actions', body),
  silence: (body: SilenceBody) => call<unknown>('POST', '/silences', body),
  position: (sku: string, location: string) => call<PositionPage>('GET', `/positions/${e(sku)}/${e(location)}`),
  requests: (state?: string) => call<{ requests: RequestSummary[] }>('GET', `/requests${qs({ state })}`),
  request: (id: string) => call<RequestDetail>('GET', `/requests/${e(id)}`),
  decide: (id: string, action: 'approve' | 'reject', body: DecisionBody & { seen: { lines: { sku: string; qty: number }[]; total: number } }) =>
    call<unknown>('POST', `/requests/${e(id)}/${action}`, body),
  suppliers: () => call<{ suppliers: SupplierRow[] }>('GET', '/suppliers'),
  supplier: (id: string) => call<SupplierDetail>('GET', `/suppliers/${e(id)}`),
};

export const isRevisionConflict = (error: unknown): error is ApiError & { body: RevisionConflict } =>
  error instanceof ApiError && error.status === 409 && (error.body as { code?: string }).code === 'REVISION_CHANGED';
