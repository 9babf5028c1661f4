import { describe, expect, it, vi } from 'vitest';
import { countedByChannel } from '../../functions/dispatch-alerts.js';
import { metrics } from '../../functions/observability.js';
import type { Notification } from '../../shared/alerts/index.js';

describe('deliveries per channel', () => {
  it('publishes through, then counts each endpoint by its channel', async () => {
    const recorded: { dimension: string; value: string; count: number }[] = [];
    vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
      const entry = { dimension: '', value: '', count: 0 };
      recorded.push(entry);
      return {
        addDimension: (d: string, v: string) => { entry.dimension = d; entry.value = v; },
        addMetric: (_name: string, _unit: string, n: number) => { entry.count = n; },
      } as unknown as ReturnType<typeof metrics.singleMetric>;
    });
    const sent: string[] = [];
    const publisher = countedByChannel({ publish: async (n) => { sent.push(n.id); } });
    const receiver = { name: 'store-1', emails: ['a@x.example', 'b@x.example'], phones: ['+14155550100'], webhooks: [], suppliers: [], chats: [{ type: 'wecom', webhook: { env: 'W' } }] };
    await publisher.publish({ id: 'n-1', receiver } as unknown as Notification);
    expect(sent).toEqual(['n-1']);
    expect(recorded).toEqual([{ dimension: 'channel', value: 'email', count: 2 }, { dimension: 'channel', value: 'sms', count: 1 }, { dimension: 'channel', value: 'wecom', count: 1 }]);
  });
});
