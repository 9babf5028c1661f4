// Email transport for AWS: hands the rendered MIME bytes to SES v2 as a raw message.
import { SendEmailCommand, SESv2ServiceException, type SESv2Client } from '@aws-sdk/client-sesv2';
import { DeliveryError, type EmailTransport } from './deliver.js';

/** SES answers these while the account is over its sending rate or daily quota: the same message succeeds later. */
const THROTTLING = new Set(['TooManyRequestsException', 'LimitExceededException']);

function isRetryable(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (error instanceof SESv2ServiceException && (THROTTLING.has(error.name) || error.$fault === 'server')) return true;
  // No HTTP status means the request never got an answer (network, timeout): sending again is safe to try.
  return status === undefined || status >= 500 || status === 429;
}

/** Sends each message with SES v2 SendEmail (Content.Raw), so attachments and headers go out exactly as rendered. */
export function sesEmailTransport(client: SESv2Client): EmailTransport {
  return {
    async send({ from, to, raw }) {
      const location = to.join(',');
      try {
        await client.send(new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: to },
          Content: { Raw: { Data: raw } },
        }));
      } catch (error) {
        const reason = `${(error as Error).name}: ${(error as Error).message}`;
        if (isRetryable(error)) {
          throw new DeliveryError(`SES could not send the request email from ${from} to ${location} right now (${reason}); it will be retried.`, location, true, { cause: error });
        }
        const domain = from.slice(from.lastIndexOf('@') + 1);
        throw new DeliveryError(
          `SES refused the request email from ${from} to ${location} (${reason}). Verify the sender identity ${domain} (or ${from}) in SES in this account and region; `
          + 'while the account is in the SES sandbox, verify the supplier address too or request production access.',
          location, false, { cause: error },
        );
      }
    },
  };
}
