// The push API on the local hub: the same receiver as on AWS, and instead of SQS a group commit — requests arriving
// while a write is under way are applied together in the next one (one write per position however many changes), and
// each is answered once its changes are in the table. The stream and the bus are drained beside it, as after a sync.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyParts, type ApplyReport } from '../../connectors/push/apply.js';
import type { PushEnvelope } from '../../connectors/push/envelope.js';
import { receivePush } from '../../connectors/push/receive.js';
import { applyDeps } from '../../functions/push-apply.js';
import type { HubServices } from '../../functions/services.js';
import { EVALUATION_STREAM } from '../../shared/evaluation/changes.js';

export interface LocalPush {
  /** Mount on the hub's HTTP server for paths under /push/. */
  listener(req: IncomingMessage, res: ServerResponse): void;
  /** Totals since start (the bench reads them); `ms`: time spent applying groups and draining the stream after them. */
  stats: { requests: number; envelopes: number; writes: number; changes: ApplyReport['changes']; quarantined: number; ms: { apply: number; settle: number } };
  /** Resolves once everything received so far is applied and the stream and bus are drained. */
  idle(): Promise<void>;
}

interface Waiting { envelopes: PushEnvelope[]; done: (error?: unknown) => void }

/**
 * How long applied changes may wait for the stream drain while requests keep arriving: the stack's batching window, the
 * longest a change waits for evaluation on AWS. The drain runs beside the applier and never holds it up: it starts
 * when no request waits (a lone push is evaluated at once), or when the oldest undrained change is this old. Under a
 * burst, intake then does not share the two cores with evaluating the same positions over and over.
 */
export const SETTLE_WITHIN_MS = EVALUATION_STREAM.batchingWindowSeconds * 1_000;

/** How long an idle applier waits for more requests before writing the first (a lone push waits this much longer). */
const GATHER_MS = 10;

export function localPush(options: { services: HubServices; settle: () => Promise<unknown>; log?: (line: string) => void }): LocalPush {
  const deps = applyDeps(options.services);
  const stats: LocalPush['stats'] = { requests: 0, envelopes: 0, writes: 0, changes: { applied: 0, duplicate: 0, superseded: 0, late: 0 }, quarantined: 0, ms: { apply: 0, settle: 0 } };
  const count = (report: ApplyReport) => {
    stats.writes++;
    for (const k of ['applied', 'duplicate', 'superseded', 'late'] as const) stats.changes[k] += report.changes[k];
    stats.quarantined += report.quarantined;
  };
  let waiting: Waiting[] = [];
  let applying: Promise<void> | undefined;
  let settling: Promise<void> | undefined;
  /** When the oldest applied change not yet drained from the stream was written. */
  let unsettledSince: number | undefined;

  const overdue = () => unsettledSince !== undefined && performance.now() - unsettledSince >= SETTLE_WITHIN_MS;
  // One drain at a time; changes applied meanwhile are picked up by one more round once the applier pauses (or late).
  const settleSoon = (): void => {
    if (settling) return;
    settling = (async () => {
      while (unsettledSince !== undefined && (!applying || overdue())) {
        unsettledSince = undefined;
        const started = performance.now();
        await options.settle().catch((error: unknown) => options.log?.(`push: draining the stream failed: ${(error as Error).message}`));
        stats.ms.settle += performance.now() - started;
      }
    })().finally(() => { settling = undefined; });
  };

  const applyGroup = async (): Promise<void> => {
    const group = waiting;
    waiting = [];
    const started = performance.now();
    // One request's trouble must not fail the others (applyParts then applies them one by one).
    const outcome = await applyParts(deps, group, (w) => w.envelopes);
    for (const { report, parts } of outcome.applied) {
      count(report);
      for (const w of parts) w.done();
    }
    for (const { part, error } of outcome.failed) part.done(error);
    stats.ms.apply += performance.now() - started;
    unsettledSince ??= started;
  };

  // Requests arriving while a group is written gather into the next group. Under a burst the drain waits for a pause
  // (or SETTLE_WITHIN_MS), so it works through many groups' changes at once instead of competing after each.
  const applyWaiting = (): void => {
    if (applying) return;
    applying = (async () => {
      // Requests sent together (a sender's parallel batches) arrive a few milliseconds apart: waiting that long once
      // makes them one group, where the first alone would cost a write per position it touches.
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      while (waiting.length > 0) {
        await applyGroup();
        if (overdue()) settleSoon();
      }
    })().finally(() => {
      applying = undefined;
      settleSoon();
    });
  };

  const submit = (envelopes: PushEnvelope[]) => new Promise<void>((resolve, reject) => {
    waiting.push({ envelopes, done: (error) => (error ? reject(error) : resolve()) });
    stats.envelopes += envelopes.length;
    applyWaiting();
  });

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    // Past the size limit the rest is read and dropped, not held: the receiver answers 413 from what was kept.
    const limit = (options.services.config.push?.maxBodyBytes ?? 0) + 1;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (size < limit) chunks.push(c);
      size += c.length;
    });
    req.on('end', () => {
      stats.requests++;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const request = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://local').pathname, headers, body: Buffer.concat(chunks).toString('utf8') };
      const answer = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      receivePush(deps, request)
        .then(async ({ response, envelopes }) => {
          if (envelopes.length > 0) await submit(envelopes);
          answer(response.status, response.body);
        })
        .catch((error: unknown) => {
          options.log?.(`push: ${request.path} not applied: ${(error as Error).message}`);
          answer(503, { error: { code: 'NOT_APPLIED', message: 'the push could not be applied; send it again (what was already applied is recognised by its ids)' } });
        });
    });
  };

  const idle = async (): Promise<void> => {
    while (applying || settling) await (applying ?? settling);
  };

  return { listener, stats, idle };
}
