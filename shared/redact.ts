// Credentials never reach storage: raw messages and quarantined records are kept for audit with their secrets blanked.
// Pure: strings and JSON values in, the same shape out.

export const REDACTED = '[redacted]';

/** Keys whose values are credentials: shared secrets, tokens, passwords, API keys, authorization headers, signatures. */
const SECRET_KEY = /secret|token|password|passwd|authori[sz]ation|api[-_]?key|signature|credential|cookie/i;

/** cXML elements that carry a credential (Sender/Credential/SharedSecret, CredentialMac, DigitalSignature), namespaced or not. */
const SECRET_ELEMENT = /<((?:[\w.-]+:)?(?:SharedSecret|CredentialMac|DigitalSignature))\b([^>]*?)(?:\/>|>[\s\S]*?<\/\1\s*>)/g;

/** A JSON value with every credential-named key's value (string or number) replaced by REDACTED. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    [k, SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : redactSecrets(v)]));
}

/** A raw message body (JSON or XML text) as it may be stored: credentials blanked, everything else byte for byte where possible. */
export function redactMessageBody(body: string): string {
  if (body.trimStart().startsWith('<')) return body.replace(SECRET_ELEMENT, `<$1$2>${REDACTED}</$1>`);
  try {
    const parsed: unknown = JSON.parse(body);
    const redacted = redactSecrets(parsed);
    return JSON.stringify(redacted) === JSON.stringify(parsed) ? body : JSON.stringify(redacted);
  } catch {
    return body;
  }
}
