// Addresses of console pages, shared by the messages that link to them and the console's router.
// The console lives under `<base>` (locally `<hub address>/console`; on AWS its CloudFront URL).
export type ConsoleRoute =
  | { page: 'overview'; filter?: ConsoleFilter }
  | { page: 'alerts'; filter?: ConsoleFilter & { state?: string; severity?: string; type?: string; group?: string } }
  | { page: 'alert'; alertId: string }
  | { page: 'position'; sku: string; locationId: string }
  | { page: 'requests'; state?: string }
  | { page: 'request'; requestId: string }
  | { page: 'suppliers' }
  | { page: 'supplier'; supplierId: string }
  | { page: 'wall'; filter?: ConsoleFilter };

export interface ConsoleFilter { location?: string; locationGroup?: string; channel?: string; category?: string }

const enc = encodeURIComponent;

function query(params: Record<string, string | undefined> | undefined): string {
  const entries = Object.entries(params ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return entries.length ? `?${entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : '';
}

/** The path of a console page, relative to the console's base (no leading base). */
export function consolePath(route: ConsoleRoute): string {
  switch (route.page) {
    case 'overview': return `/${query({ ...route.filter })}`;
    case 'alerts': return `/alerts${query({ ...route.filter })}`;
    case 'alert': return `/alerts/${enc(route.alertId)}`;
    case 'position': return `/positions/${enc(route.sku)}/${enc(route.locationId)}`;
    case 'requests': return `/requests${query({ state: route.state })}`;
    case 'request': return `/requests/${enc(route.requestId)}`;
    case 'suppliers': return '/suppliers';
    case 'supplier': return `/suppliers/${enc(route.supplierId)}`;
    case 'wall': return `/wall${query({ ...route.filter })}`;
  }
}

/** The full address of a console page under `base` (e.g. `http://127.0.0.1:8080/console`). */
export const consoleLink = (base: string, route: ConsoleRoute): string => `${base.replace(/\/+$/, '')}${consolePath(route)}`;
