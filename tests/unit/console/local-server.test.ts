// The console on the local hub's port: token → HttpOnly cookie, page addresses → index.html under /console/, the API
// refuses callers without a token and cookie-borne state changes without the console's header.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localConsole } from '../../../console/server/local.js';
import { consoleConfig } from '../../../shared/console-access.js';
import type { ConsoleApiDeps } from '../../../console/api/routes.js';

let server: http.Server;
let base: string;
const app = localConsole({
  secret: 'test-secret', console: consoleConfig.parse({ users: [{ email: 'v@acme.example', group: 'viewer' }] }),
  // Only /me is asked for below; it reads config and currency.
  deps: { config: { locations: [{ id: 'store-1', kind: 'store' }] }, replenishment: { config: { currency: 'EUR' } } } as unknown as ConsoleApiDeps,
  distDir: (() => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dist-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<html><head><base href="/" /></head><body></body></html>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    return dir;
  })(),
});

beforeAll(async () => {
  server = http.createServer((req, res) => { if (!app.handle(req, res)) res.writeHead(418).end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the console on the local hub', () => {
  it('trades the printed token for an HttpOnly cookie and drops it from the address', async () => {
    const res = await fetch(`${base}/console/alerts?token=${app.token()}&state=open`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/alerts?state=open');
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await fetch(`${base}/console/?token=wrong`, { redirect: 'manual' })).status).toBe(401);
  });

  it('answers every page address with index.html based at /console/, serves assets, and leaves other paths alone', async () => {
    const page = await fetch(`${base}/console/positions/SKU-1/store-1`);
    expect(await page.text()).toContain('<base href="/console/">');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await (await fetch(`${base}/console/assets/app.js`)).text()).toBe('console.log(1)');
    expect((await fetch(`${base}/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/alerts`)).status).toBe(418);
  });

  it('refuses the API without a token, and a cookie-borne POST without the console header', async () => {
    expect((await fetch(`${base}/console/api/me`)).status).toBe(401);
    const me = await fetch(`${base}/console/api/me`, { headers: { authorization: `Bearer ${app.token('v@acme.example')}` } });
    expect(await me.json()).toMatchObject({ user: 'v@acme.example', group: 'viewer' });
    const forged = await fetch(`${base}/console/api/alerts/actions`, { method: 'POST', headers: { cookie: `stocksentry_console=${app.token()}` }, body: '{}' });
    expect(forged.status).toBe(403);
  });
});
