// The console in Debian's Chromium (Playwright), against the local hub with the demo retailer: counts against the CLI
// and the table, actions and their refusals, approvals bound to revisions, the position chart against `explain`,
// Chinese, phones, keyboard, axe, the wall display's reconnect, and a screenshot of every page.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { explainFromFile } from '../../cli/commands/explain.js';
import { ensureConsoleBuilt } from '../../console/server/build.js';
import type { Overview, PositionPage } from '../../console/api/schema.js';
import { startLocalHub, type LocalHub } from '../../infra/local/runtime.js';
import type { Alert } from '../../shared/alerts/model.js';
import { submitDraft } from '../../shared/replenishment/service.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-results/console');
const run = promisify(execFile);

let hub: LocalHub;
let chromiumBrowser: Browser;
const TEST_MS = 120_000;

/** One Chromium for the file (a fresh profile: Playwright gives it its own --user-data-dir), a new context per test. */
async function browser(options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return chromiumBrowser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? { width: 1280, height: 900 } });
}

/** Opens the console as `user` (the admin by default): the token in the address becomes the session cookie. */
async function signIn(context: BrowserContext, user?: string): Promise<Page> {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${hub.apiUrl}/console/?token=${hub.console.token(user)}`);
  await page.waitForSelector('main h1');
  return page;
}

const consoleUrl = (p: string) => `${hub.apiUrl}/console${p}`;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['bin/stocksentry.js', ...args, '--endpoint', inject('dynamoEndpoint'), '--table', hub.services.tableName],
    { env: { ...process.env, AWS_REGION: 'local', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } });
  return stdout;
}

async function apiAs<T>(user: string | undefined, method: 'GET' | 'POST', p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.apiUrl}/console/api${p}`, {
    method, headers: { authorization: `Bearer ${hub.console.token(user)}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function axeSerious(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: the console tests drive Debian's Chromium. Install it with \`apt-get install -y chromium fonts-noto-cjk\` (.ci/run does), or set CHROMIUM_PATH.`);
  }
  mkdirSync(SHOTS, { recursive: true });
  await ensureConsoleBuilt();
  chromiumBrowser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  hub = await startLocalHub({ outbox: mkdtempSync(path.join(tmpdir(), 'outbox-')), dynamoEndpoint: inject('dynamoEndpoint'), demoSkus: 30, tableName: 'stocksentry-console-e2e' });
  await hub.runOnce();
}, 420_000);

afterAll(async () => {
  await chromiumBrowser?.close();
  await hub?.stop();
});

describe('the console against the local hub', () => {
  it('shows the overview counts that `stocksentry alerts list --json` and the table give', async () => {
    const page = await signIn(await browser());
    await page.waitForSelector('[data-testid=kpi-atRisk]');
    const alerts = JSON.parse(await cli('alerts', 'list', '--json')) as Alert[];
    const figure = async (id: string) => Number(await page.getAttribute(`[data-testid=${id}]`, 'data-value'));
    expect(alerts.length).toBeGreaterThan(0);
    expect(await figure('kpi-atRisk')).toBe(alerts.filter((a) => a.type === 'STOCKOUT_RISK').length);
    expect(await figure('kpi-outOfStock')).toBe(alerts.filter((a) => a.type === 'STOCKOUT').length);
    expect(await figure('kpi-openAlerts')).toBe(alerts.filter((a) => a.state === 'open' || a.state === 'escalated').length);
    let positions = 0;
    for await (const p of hub.services.store.listPositions()) if (!p.vanishedAt) positions++;
    const overview = (await apiAs<Overview>(undefined, 'GET', '/overview')).body;
    expect(overview.health.totals.positions).toBe(positions);
    const rows = await page.locator('[data-testid^=loc-]').count();
    expect(rows).toBe(new Set(overview.health.byLocation.map((l) => l.locationId)).size);
    await page.screenshot({ path: path.join(SHOTS, 'overview-en-desktop.png'), fullPage: true });
  }, TEST_MS);

  it('acknowledges from the inbox, and the CLI sees it', async () => {
    const page = await signIn(await browser());
    await page.goto(consoleUrl('/alerts'));
    const row = page.locator('[data-testid=alert-row]').filter({ has: page.getByRole('button', { name: 'Acknowledge', exact: true }) }).first();
    const fp = (await row.getAttribute('data-fingerprint'))!;
    await row.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toContain('Acknowledged 1 alert');
    const shown = await cli('alerts', 'show', fp);
    expect(shown).toMatch(/acknowledged/);
    expect(shown).toContain('local-admin');
  }, TEST_MS);

  it('refuses a store user acting on another store\'s alert, and a viewer acting at all', async () => {
    const active = (await hub.services.alertStore.listAlerts()).filter((a) => a.state !== 'resolved' && a.locationId);
    const elsewhere = active.find((a) => a.locationId !== 'store-north')!;
    const refused = await apiAs<{ error: string }>('north@retailer.example', 'POST', '/alerts/actions', { action: 'ack', fingerprints: [elsewhere.fingerprint] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toContain('store-north');
    expect((await hub.services.alertStore.getAlert(elsewhere.fingerprint))?.state).toBe(elsewhere.state);
    expect((await apiAs('viewer@retailer.example', 'POST', '/alerts/actions', { action: 'resolve', fingerprints: [elsewhere.fingerprint] })).status).toBe(403);
    // The store user's inbox lists their own store only.
    const page = await signIn(await browser(), 'north@retailer.example');
    await page.goto(consoleUrl('/alerts'));
    await page.waitForSelector('[data-testid=alert-group], .empty');
    const locations = await page.locator('[data-testid=alert-row] a').allTextContents();
    const north = hub.services.config.locations.find((l) => l.id === 'store-north')!.name!;
    expect(locations.length).toBeGreaterThan(0);
    expect(locations.every((text) => text.includes(north))).toBe(true);
  }, TEST_MS);

  it('approves the revision on screen; a revision that changed meanwhile is refused with the difference', async () => {
    const deps = hub.services.replenishment;
    const key = 'sup-slow|store-east|2026-01-05';
    const line = { sku: 'SKU-0001', qty: 400, needBy: '2026-02-01', unitCost: 20 };
    const first = await submitDraft(deps, { idempotencyKey: key, supplierId: 'sup-slow', locationId: 'store-east', orderDay: '2026-01-05', lines: [line] });
    expect(first.request.state).toBe('pending_approval');
    const page = await signIn(await browser(), 'buyer@retailer.example');
    await page.goto(consoleUrl(`/requests/${encodeURIComponent(key)}`));
    await page.waitForSelector('[data-testid=revision]');
    expect(await page.getAttribute('[data-testid=revision]', 'data-revision')).toBe('1');
    // The request grows while the buyer looks at revision 1.
    await submitDraft(deps, { idempotencyKey: key, supplierId: 'sup-slow', locationId: 'store-east', orderDay: '2026-01-05', lines: [line, { ...line, sku: 'SKU-0002', qty: 100 }] });
    await page.getByRole('button', { name: 'Approve revision 1' }).click();
    const conflict = page.getByTestId('revision-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('SKU-0002');
    expect((await deps.requests.get(key))?.state).toBe('pending_approval');
    await page.screenshot({ path: path.join(SHOTS, 'request-conflict-en-desktop.png'), fullPage: true });
    await page.getByRole('button', { name: 'Show revision 2' }).click();
    await page.getByRole('button', { name: 'Approve revision 2' }).click();
    await expect.poll(() => page.getByTestId('decision-status').textContent()).toContain('Revision 2 approved');
    const approved = await deps.requests.get(key);
    expect(approved?.approval.decidedBy).toBe('buyer@retailer.example');
    expect(['approved', 'sent', 'acknowledged']).toContain(approved?.state);
    // A viewer sees why they cannot decide; the server refuses them too.
    const other = await submitDraft(deps, { idempotencyKey: 'sup-slow|store-south|2026-01-05', supplierId: 'sup-slow', locationId: 'store-south', orderDay: '2026-01-05', lines: [line] });
    expect((await apiAs('viewer@retailer.example', 'POST', `/requests/${encodeURIComponent(other.request.idempotencyKey)}/approve`, { revision: 1 })).status).toBe(403);
    const big = await submitDraft(deps, { idempotencyKey: 'sup-slow|web|2026-01-05', supplierId: 'sup-slow', locationId: 'web', orderDay: '2026-01-05', lines: [{ ...line, qty: 2000 }] });
    const overLimit = await apiAs<{ error: string }>('buyer@retailer.example', 'POST', `/requests/${encodeURIComponent(big.request.idempotencyKey)}/approve`, { revision: 1 });
    expect(overLimit.status).toBe(403);
    expect(overLimit.body.error).toContain('approval limit');
  }, TEST_MS);

  it('draws the position chart with the numbers `stocksentry explain` gives', async () => {
    const alert = (await hub.services.alertStore.listAlerts()).find((a) => a.type === 'STOCKOUT_RISK')!;
    const page = await signIn(await browser());
    await page.goto(consoleUrl(`/positions/${alert.sku}/${alert.locationId}`));
    const chart = page.getByTestId('position-chart');
    await chart.locator('canvas').waitFor();
    const data = (await apiAs<PositionPage>(undefined, 'GET', `/positions/${alert.sku}/${alert.locationId}`)).body;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'explain-')), 'snapshots.jsonl');
    writeFileSync(file, `${JSON.stringify(data.snapshot)}\n`);
    const [explained] = await explainFromFile(file, alert.sku, alert.locationId, hub.services.config.rules);
    const attr = async (name: string) => Number(await chart.getAttribute(`data-${name}`));
    expect(await attr('safety-stock')).toBe(explained!.safetyStock);
    expect(await attr('reorder-point')).toBe(explained!.reorderPoint);
    expect(await attr('order-up-to')).toBe(explained!.orderUpTo);
    expect(await attr('forecast')).toBe(explained!.forecastDaily);
    expect(await attr('projection-days')).toBe(explained!.explain.projection.length);
    const rop = await page.locator('[data-testid=explain] tr[data-key=reorderPoint] td').textContent();
    expect(rop).toContain(new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(explained!.reorderPoint));
  }, TEST_MS);

  it('speaks Chinese to a zh-CN browser', async () => {
    const page = await signIn(await browser({ locale: 'zh-CN' }));
    await page.waitForSelector('[data-testid=kpi-atRisk]');
    expect(await page.locator('h1').textContent()).toBe('库存健康看板');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.locator('nav').textContent()).toContain('预警');

    // An alert reads as its messages do, in Chinese; its numbers are named, shares are percentages.
    const alert = (await hub.services.alertStore.listAlerts()).find((a) => a.type === 'STOCKOUT_RISK' && a.facts?.nextInboundSupplier)!;
    await page.goto(consoleUrl(`/alerts/${alert.fingerprint}`));
    const supplier = hub.services.config.suppliers.find((s) => s.id === alert.facts!.nextInboundSupplier)!;
    const lead = (await page.locator('main .message.lead').textContent())!;
    expect(await page.locator('main h1').textContent()).toContain(hub.services.config.locations.find((l) => l.id === alert.locationId)!.name!);
    expect(lead).toMatch(/[\u4e00-\u9fff]{4}/);
    expect(lead).not.toContain(alert.message);
    const facts = await page.locator('[data-testid=facts] dt').evaluateAll((dts) => dts.map((dt) => [dt.getAttribute('data-fact'), dt.textContent, dt.nextElementSibling?.textContent]));
    expect(facts.length).toBe(Object.keys(alert.facts ?? {}).length);
    for (const [key, label] of facts) expect(label, `fact ${key}`).not.toBe(key);
    expect(facts.find(([key]) => key === 'stockoutProbability')?.[2]).toMatch(/%$/);
    expect(facts.find(([key]) => key === 'nextInboundSupplier')?.[2]).toBe(supplier.name);
    await page.goto(consoleUrl('/alerts'));
    const row = page.locator(`[data-fingerprint="${alert.fingerprint}"] .message`);
    expect(await row.textContent()).toMatch(/[\u4e00-\u9fff]{4}/);
  }, TEST_MS);

  it('works with the keyboard: skip link, then acknowledge with Enter', async () => {
    const page = await signIn(await browser());
    await page.goto(consoleUrl('/alerts'));
    await page.waitForSelector('[data-testid=alert-row]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    const before = await page.locator('button:text-is("Acknowledge")').count();
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.textContent === 'Acknowledge')) break;
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Acknowledge');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('button:text-is("Acknowledge")').count(), { timeout: 30_000 }).toBe(before - 1);
  }, TEST_MS);

  it('keeps the wall display running: reconnects after the API goes away, one plot however often it refreshes', async () => {
    const page = await signIn(await browser({ viewport: { width: 1920, height: 1080 } }));
    await page.goto(consoleUrl('/wall?refresh=1'));
    await page.getByTestId('wall').waitFor();
    const first = await page.getAttribute('[data-testid=wall]', 'data-as-of');
    await page.route('**/console/api/overview**', (route) => route.abort('connectionrefused'));
    await page.getByTestId('wall-offline').waitFor({ timeout: 15_000 });
    await page.unroute('**/console/api/overview**');
    await page.getByTestId('wall-offline').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => page.getAttribute('[data-testid=wall]', 'data-as-of'), { timeout: 10_000 }).not.toBe(first);
    const nodes = await page.evaluate(() => document.querySelectorAll('*').length);
    await page.waitForTimeout(3_000);
    expect(await page.locator('.uplot').count()).toBe(1);
    expect(await page.evaluate(() => document.querySelectorAll('*').length)).toBe(nodes);
    await page.screenshot({ path: path.join(SHOTS, 'wall-en-desktop.png') });
  }, TEST_MS);

  const matrix = [['en', 'desktop'], ['en', 'phone'], ['zh-CN', 'desktop'], ['zh-CN', 'phone']] as const;
  it.each(matrix)('%s on %s: a screenshot of every page, no serious accessibility violation, no sideways scroll on a 390 px phone', async (locale, device) => {
    const alert = (await hub.services.alertStore.listAlerts()).find((a) => a.sku)!;
    const request = (await hub.services.replenishment.requests.listBySupplier('sup-slow'))[0]!;
    const pages: [string, string][] = [
      ['overview', '/'], ['alerts', '/alerts'], ['alert', `/alerts/${alert.fingerprint}`], ['position', `/positions/${alert.sku}/${alert.locationId}`],
      ['requests', '/requests?state=all'], ['request', `/requests/${encodeURIComponent(request.idempotencyKey)}`], ['suppliers', '/suppliers'],
      ['supplier', '/suppliers/sup-slow'], ['wall', '/wall'],
    ];
    const problems: string[] = [];
    const page = await signIn(await browser({ locale, viewport: device === 'phone' ? { width: 390, height: 844 } : { width: 1280, height: 900 } }));
    for (const [name, p] of pages) {
      await page.goto(consoleUrl(p));
      await page.waitForSelector('main h1, [data-testid=wall]');
      await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
      await page.screenshot({ path: path.join(SHOTS, `${name}-${locale}-${device}.png`), fullPage: true });
      if (device === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) problems.push(`${name} scrolls ${overflow}px sideways at 390 px`);
      }
      // Axe on every page in English on the desktop; in Chinese and on the phone, on the pages with the most text.
      if ((locale === 'en' && device === 'desktop') || ['overview', 'alerts', 'position'].includes(name)) problems.push(...(await axeSerious(page)).map((v) => `${name}: ${v}`));
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
