// Email suppliers locally: the order email (with its CSV) is delivered to outbox/suppliers/ as a .eml file.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliver } from '../../connectors/outbound/deliver.js';
import { outboundFormat } from '../../connectors/outbound/registry.js';
import { outboxEmailTransport } from '../../infra/local/delivery.js';
import { sentRequest, suppliers, T0 } from '../unit/replenishment/fixtures.js';

describe('the local email transport for suppliers', () => {
  it('writes the rendered order, CSV attachment included, as an .eml file', async () => {
    const outbox = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    const request = { ...sentRequest(), sentRevision: undefined, state: 'approved' as const };
    const message = await outboundFormat('email').render(request, { supplier: suppliers.get('sup-solo')!, buyerId: 'acme-retail', at: T0, fromEmail: 'buyer@acme.example' });
    await deliver(message, { email: outboxEmailTransport(outbox) });
    const files = readdirSync(path.join(outbox, 'suppliers'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/orders_solo\.example\.eml$/);
    const raw = readFileSync(path.join(outbox, 'suppliers', files[0]!), 'utf8');
    expect(raw).toMatch(/^To: orders@solo\.example$/m);
    expect(raw).toMatch(/^Content-Disposition: attachment;[\s\S]*?\.csv/m);
  });
});
