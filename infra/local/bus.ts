// The local stand-in for the EventBridge bus: events are delivered in-process, in EventBridge's envelope,
// to the same handlers the stack's rules target. A handler that keeps failing dead-letters the event.
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { BusEntry, EventPublisher } from '../../shared/alerts/ports.js';

type Target = (event: EventBridgeEvent<string, unknown>) => Promise<unknown>;

export class LocalEventBus implements EventPublisher {
  private readonly targets: { detailTypes: Set<string>; target: Target }[] = [];
  private readonly queue: EventBridgeEvent<string, unknown>[] = [];
  readonly published: BusEntry[] = [];

  constructor(private readonly onDeadLetter: (event: EventBridgeEvent<string, unknown>, reason: string) => Promise<void>, private readonly maxAttempts = 3) {}

  /** Like an EventBridge rule on detail-type with a Lambda target. */
  subscribe(detailTypes: string[], target: Target): void {
    this.targets.push({ detailTypes: new Set(detailTypes), target });
  }

  async putEvents(entries: readonly BusEntry[]): Promise<void> {
    for (const e of entries) {
      this.published.push(e);
      // Through JSON, as EventBridge does: a handler never sees the producer's objects.
      this.queue.push({
        version: '0', id: randomUUID(), 'detail-type': e.detailType, source: e.source, account: '000000000000',
        time: (e.time ?? new Date()).toISOString(), region: 'local', resources: [], detail: JSON.parse(JSON.stringify(e.detail)) as unknown,
      });
    }
  }

  /** Delivers queued events (and those their handlers publish) until the queue is empty. */
  async drain(): Promise<number> {
    let delivered = 0;
    for (let event = this.queue.shift(); event; event = this.queue.shift()) {
      for (const { detailTypes, target } of this.targets) {
        if (!detailTypes.has(event['detail-type'])) continue;
        let lastError: unknown;
        for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
          try { await target(event); lastError = undefined; break; } catch (error) { lastError = error; }
        }
        if (lastError) await this.onDeadLetter(event, (lastError as Error).message);
        else delivered++;
      }
    }
    return delivered;
  }
}
