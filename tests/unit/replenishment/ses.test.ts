// SES email transport: the rendered MIME bytes go out untouched; SES errors become retryable or final DeliveryErrors.
import {
  InternalServiceErrorException, MailFromDomainNotVerifiedException, MessageRejected, SendEmailCommand, SESv2Client, TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deliver, DeliveryError } from '../../../connectors/outbound/deliver.js';
import { sesEmailTransport } from '../../../connectors/outbound/ses.js';

const ses = mockClient(SESv2Client);
const transport = sesEmailTransport(new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
const raw = Buffer.from('From: buyer@acme.example\r\nTo: orders@solo.example\r\nSubject: Order\r\n\r\nbody é\r\n', 'utf8');
const message = { from: 'buyer@acme.example', to: ['orders@solo.example'], raw };
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

async function failureOf(send: Promise<void>): Promise<DeliveryError> {
  const error = await send.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

beforeEach(() => ses.reset());

describe('sesEmailTransport', () => {
  it('sends the exact raw bytes with SES v2 SendEmail, from the sender to the supplier', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await transport.send(message);
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.FromEmailAddress).toBe('buyer@acme.example');
    expect(input.Destination?.ToAddresses).toEqual(['orders@solo.example']);
    expect(Buffer.from(input.Content!.Raw!.Data!).equals(raw)).toBe(true);
  });

  it('is the email transport deliver() uses for email messages', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    await deliver({ kind: 'email', subject: 'Order', ...message }, { email: transport });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it.each([
    ['throttling', new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta(429) })],
    ['a 5xx', new InternalServiceErrorException({ message: 'internal', ...meta(500) })],
    ['a network failure', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })],
  ])('maps %s to a retryable DeliveryError', async (_, failure) => {
    ses.on(SendEmailCommand).rejects(failure);
    const error = await failureOf(transport.send(message));
    expect(error.retryable).toBe(true);
    expect(error.location).toBe('orders@solo.example');
  });

  it.each([
    ['MessageRejected', new MessageRejected({ message: 'Email address is not verified.', ...meta(400) })],
    ['MailFromDomainNotVerified', new MailFromDomainNotVerifiedException({ message: 'MAIL FROM domain not verified', ...meta(400) })],
  ])('maps %s to a final DeliveryError that says to verify the sender identity', async (name, failure) => {
    ses.on(SendEmailCommand).rejects(failure);
    const error = await failureOf(transport.send(message));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(name);
    expect(error.message).toMatch(/Verify the sender identity acme\.example/);
    expect(error.message).toMatch(/sandbox/);
  });
});
