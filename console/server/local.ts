// The console on the local hub: the built app under `/console/` (every page address answers with index.html) and its
// API under `/console/api/`. Access is by token: the admin's is printed with the address (`/console/?token=…`, traded
// for an HttpOnly cookie and dropped from the address bar); users in `console.users` get their own, derived from it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { principalFor, type ConsoleConfig, type ConsolePrincipal } from '../../shared/console-access.js';
import { createConsoleApi, type ConsoleApiDeps } from '../api/routes.js';
import { CONSOLE_DIST } from './build.js';

export const CONSOLE_BASE = '/console';
const COOKIE = 'stocksentry_console';
const MAX_BODY = 1 << 20;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};

/** Same security headers as the CloudFront response policy on AWS. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
};

/** A user's token: an HMAC of their email under the hub's secret, so nothing per user needs storing. */
export const localConsoleToken = (secret: string, user: string): string =>
  createHmac('sha256', secret).update(`console\u0000${user}`).digest('base64url');

export const LOCAL_ADMIN = 'local-admin';

export interface LocalConsoleOptions {
  /** The hub's secret: the admin token is derived from it. */
  secret: string;
  console: ConsoleConfig;
  deps: ConsoleApiDeps | (() => Promise<ConsoleApiDeps>);
  /** Where the built app is; default console/dist. */
  distDir?: string;
  onError?: (error: unknown) => void;
}

export interface LocalConsole {
  /** Handles the request when it is the console's; false otherwise (the caller serves its other routes). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The token of a configured user, or the admin's. */
  token(user?: string): string;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function localConsole(options: LocalConsoleOptions): LocalConsole {
  const dist = options.distDir ?? CONSOLE_DIST;
  const api = createConsoleApi(options.deps, options.onError);
  const tokens = new Map<string, ConsolePrincipal>([
    [localConsoleToken(options.secret, LOCAL_ADMIN), principalFor(undefined, { user: LOCAL_ADMIN, group: 'admin' }, options.console)],
    ...options.console.users.map((u) => [localConsoleToken(options.secret, u.email), principalFor(u, { user: u.email, group: u.group }, options.console)] as const),
  ]);
  const principalOf = (given: string | undefined): ConsolePrincipal | undefined => {
    if (!given) return undefined;
    for (const [token, principal] of tokens) if (same(given, token)) return principal;
    return undefined;
  };

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...headers }).end(body);
  };

  async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const principal = principalOf(bearer ?? cookie(req, COOKIE));
    if (!principal) {
      send(res, 401, JSON.stringify({ error: 'open the console with the address the hub printed (it carries your token), or send "Authorization: Bearer <token>"' }), 'application/json');
      return;
    }
    // A cookie is sent by the browser on its own: state changes also need a header a cross-site form cannot set.
    if (req.method !== 'GET' && !bearer && req.headers['x-requested-with'] !== 'stocksentry-console') {
      send(res, 403, JSON.stringify({ error: 'missing X-Requested-With: stocksentry-console' }), 'application/json');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) { send(res, 413, JSON.stringify({ error: 'body too large' }), 'application/json'); return; }
      chunks.push(chunk as Buffer);
    }
    const out = await api({
      method: req.method ?? 'GET', path: url.pathname.slice(`${CONSOLE_BASE}/api`.length), query: Object.fromEntries(url.searchParams),
      body: chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined, principal,
    });
    send(res, out.status, JSON.stringify(out.body), 'application/json', { 'cache-control': 'no-store' });
  }

  async function serveApp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const token = url.searchParams.get('token');
    if (token) {
      if (!principalOf(token)) { send(res, 401, 'This console link is not valid for this hub: use the address it printed at start.', 'text/plain; charset=utf-8'); return; }
      url.searchParams.delete('token');
      send(res, 303, '', 'text/plain', {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; Path=${CONSOLE_BASE}; HttpOnly; SameSite=Strict`,
      });
      return;
    }
    if (url.pathname === `${CONSOLE_BASE}/config.json`) {
      send(res, 200, JSON.stringify({ apiUrl: `${CONSOLE_BASE}/api`, auth: 'local' }), 'application/json', { 'cache-control': 'no-store' });
      return;
    }
    const rel = decodeURIComponent(url.pathname.slice(CONSOLE_BASE.length)).replace(/^\/+/, '');
    const file = path.join(dist, rel);
    if (rel && !rel.includes('..') && path.extname(rel) && file.startsWith(dist)) {
      try {
        const body = await readFile(file);
        send(res, 200, body, TYPES[path.extname(rel)] ?? 'application/octet-stream', { 'cache-control': rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache' });
        return;
      } catch { /* not a file of the app: a page address, answered below */ }
    }
    if (path.extname(rel) && !rel.endsWith('.html')) { send(res, 404, 'not found', 'text/plain'); return; }
    let index: string;
    try { index = await readFile(path.join(dist, 'index.html'), 'utf8'); } catch {
      send(res, 503, 'The console is not built: run `npm start` again (it builds the console when it is missing).', 'text/plain; charset=utf-8');
      return;
    }
    send(res, 200, index.replace(/<base href="\/" ?\/?>/, `<base href="${CONSOLE_BASE}/">`), TYPES['.html']!, { 'cache-control': 'no-cache' });
  }

  return {
    token: (user) => localConsoleToken(options.secret, user ?? LOCAL_ADMIN),
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== CONSOLE_BASE && !url.pathname.startsWith(`${CONSOLE_BASE}/`)) return false;
      if (url.pathname === CONSOLE_BASE) { send(res, 308, '', 'text/plain', { location: `${CONSOLE_BASE}/${url.search}` }); return true; }
      const work = url.pathname.startsWith(`${CONSOLE_BASE}/api/`) ? serveApi(req, res, url) : serveApp(req, res, url);
      work.catch((error: unknown) => {
        options.onError?.(error);
        if (!res.headersSent) send(res, 500, JSON.stringify({ error: 'internal error' }), 'application/json');
      });
      return true;
    },
  };
}
