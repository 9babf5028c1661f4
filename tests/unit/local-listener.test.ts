import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpListener } from '../../functions/supplier-ack.js';

let server: http.Server;
let url: URL;
let handled = 0;

beforeAll(async () => {
  server = http.createServer(nodeHttpListener(async () => {
    handled++;
    return { statusCode: 200, headers: {}, body: 'ok' };
  }, 64 * 1024));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/suppliers/x/acks`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Streams 1 MiB chunks (no content-length) until the server answers or `maxBytes` went out; resolves with both. */
function upload(maxBytes: number, headers: Record<string, string> = {}): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, sent });
      req.destroy();
    });
    req.on('error', (error) => (sent >= maxBytes ? resolve({ status: 0, sent }) : reject(error)));
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const pump = (): void => {
      while (sent < maxBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
}

describe('the local API listener', () => {
  it('answers 413 while a too-large body is still arriving and never buffers the rest', async () => {
    const { status, sent } = await upload(256 * 1024 * 1024);
    expect(status).toBe(413);
    // Answered after the first MiBs, not after the 256 MiB the client was ready to send.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    expect(handled).toBe(0);
  });

  it('answers 413 at once for a declared content-length over the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { 'content-length': String(200 * 1024 * 1024) } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); req.destroy(); });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
    expect(handled).toBe(0);
  });

  it('passes a body under the limit to the handler', async () => {
    const res = await fetch(url, { method: 'POST', body: '{"ok":true}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(handled).toBe(1);
  });
});
