// The hub's EventBridge bus: PutEvents in batches of 10, resending failed entries, failing loudly if any remain.
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { BusEntry, EventPublisher } from '../../alerts/ports.js';

export class EventPutError extends Error {
  readonly code = 'EVENT_PUT_FAILED';
  constructor(readonly failed: { detailType: string; errorCode?: string; errorMessage?: string }[]) {
    super(`EventBridge rejected ${failed.length} event(s): ${failed.map((f) => `${f.detailType} (${f.errorCode ?? 'unknown'}: ${f.errorMessage ?? ''})`).join('; ')}. The trigger will retry; check the bus name and the role's events:PutEvents permission.`);
    this.name = 'EventPutError';
  }
}

const BATCH = 10;
const ATTEMPTS = 3;

export class EventBridgeBus implements EventPublisher {
  constructor(private readonly client: EventBridgeClient, private readonly busName: string,
    private readonly backoffMs = (attempt: number) => 100 * 2 ** attempt) {}

  async putEvents(entries: readonly BusEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += BATCH) {
      let pending: PutEventsRequestEntry[] = entries.slice(i, i + BATCH).map((e) => ({
        EventBusName: this.busName, Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail), Time: e.time,
      }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const out = await this.client.send(new PutEventsCommand({ Entries: pending }));
        const failed = (out.Entries ?? []).map((result, j) => ({ result, entry: pending[j]! })).filter(({ result }) => result.ErrorCode);
        if (failed.length === 0) break;
        if (attempt >= ATTEMPTS) {
          throw new EventPutError(failed.map(({ result, entry }) => ({ detailType: entry.DetailType ?? '', errorCode: result.ErrorCode, errorMessage: result.ErrorMessage })));
        }
        pending = failed.map(({ entry }) => entry);
        await new Promise((r) => setTimeout(r, this.backoffMs(attempt)));
      }
    }
  }
}
