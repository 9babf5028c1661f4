// Hands push envelopes to the SQS queue the applier reads: packed into SendMessageBatch calls within SQS's limits
// (10 messages, 256 KiB per call), every failed entry an error so the sender is told to retry.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

export class SqsPushSink {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async send(messages: readonly unknown[]): Promise<void> {
    const bodies = messages.map((m) => JSON.stringify(m));
    let batch: string[] = [];
    let bytes = 0;
    for (const body of bodies) {
      const size = Buffer.byteLength(body);
      if (batch.length === MAX_ENTRIES || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        await this.sendBatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(body);
      bytes += size;
    }
    if (batch.length > 0) await this.sendBatch(batch);
  }

  private async sendBatch(bodies: string[]): Promise<void> {
    const out = await this.sqs.send(new SendMessageBatchCommand({
      QueueUrl: this.queueUrl,
      Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
    }));
    if (out.Failed?.length) {
      throw new Error(`SQS refused ${out.Failed.length} of ${bodies.length} push message(s): ${out.Failed.map((f) => `${f.Code}: ${f.Message ?? ''}`).join('; ')}`);
    }
  }
}
