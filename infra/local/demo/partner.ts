// The demo's outside world on loopback: a webhook receiver for alerts, and a supplier order desk that
// checks the hub's signature on each replenishment request and acknowledges it with a promised date.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalOrder, type CanonicalOrder } from '../../../shared/replenishment/wire.js';
import { SIGNATURE_HEADER, sign, verify } from '../../../shared/signing.js';
import { addDays } from '../../../shared/time.js';

export interface PartnerOptions {
  /** Secret the hub signs alert webhooks with. */
  alertSecret: string;
  /** Per supplier: the shared secret and how many days after the order it promises delivery. */
  suppliers: Record<string, { secret: string; promiseDays: number }>;
  /** Where acknowledgements go: the hub's supplier API base URL (known once it is listening). */
  ackBaseUrl: () => string;
  now: () => Date;
}

export interface ReceivedOrder { supplierId: string; order: CanonicalOrder; ackStatus?: number }

export interface DemoPartner {
  url: string;
  alerts: unknown[];
  orders: ReceivedOrder[];
  /** Requests refused for a bad signature or body (should stay empty). */
  refused: { path: string; reason: string }[];
  /** Waits until every acknowledgement sent so far has been answered. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDemoPartner(options: PartnerOptions): Promise<DemoPartner> {
  const alerts: unknown[] = [];
  const orders: ReceivedOrder[] = [];
  const refused: DemoPartner['refused'] = [];
  const pending = new Set<Promise<void>>();

  const acknowledge = async (received: ReceivedOrder, secret: string, promiseDays: number): Promise<void> => {
    const { order } = received;
    const body = JSON.stringify({
      type: 'ack', messageId: randomUUID(), poNumber: order.poNumber, revision: order.revision, status: 'accepted',
      promisedDate: addDays(order.issueDate, promiseDays),
    });
    const response = await fetch(`${options.ackBaseUrl()}/suppliers/${encodeURIComponent(received.supplierId)}/acks`, {
      method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(body, secret, options.now()) }, body,
    });
    received.ackStatus = response.status;
    await response.text();
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const refuse = (status: number, reason: string) => {
        refused.push({ path, reason });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: reason }));
      };
      const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
      if (req.method === 'POST' && path === '/alerts') {
        const check = verify(body, signature, [options.alertSecret], options.now());
        if (!check.ok) return refuse(401, check.reason);
        alerts.push(JSON.parse(body));
        return res.writeHead(204).end();
      }
      const orderPath = /^\/orders\/([^/]+)$/.exec(path);
      const supplier = orderPath ? options.suppliers[decodeURIComponent(orderPath[1]!)] : undefined;
      if (req.method === 'POST' && orderPath && supplier) {
        const check = verify(body, signature, [supplier.secret], options.now());
        if (!check.ok) return refuse(401, check.reason);
        const parsed = canonicalOrder.safeParse(JSON.parse(body));
        if (!parsed.success) return refuse(400, parsed.error.message);
        const received: ReceivedOrder = { supplierId: decodeURIComponent(orderPath[1]!), order: parsed.data };
        orders.push(received);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: parsed.data.poNumber }));
        const ack = acknowledge(received, supplier.secret, supplier.promiseDays).catch((error: Error) => {
          refused.push({ path: `ack ${parsed.data.poNumber}`, reason: error.message });
        });
        pending.add(ack);
        void ack.finally(() => pending.delete(ack));
        return;
      }
      refuse(404, `nothing at ${req.method} ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    alerts, orders, refused,
    settled: async () => { while (pending.size) await Promise.all([...pending]); },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
