// The building blocks of hub.config that other config modules (alerting, replenishment) share;
// kept apart from shared/config.ts so those modules and the hub schema can import each other's parts.
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';

/**
 * Where a credential comes from. Locally from an environment variable; on AWS from Secrets Manager.
 * The value itself never appears in the config.
 */
export const credentialRef = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name') }),
  z.strictObject({ secretName: z.string().min(1), field: z.string().optional() }),
], { error: 'expected { env: "VAR_NAME" } (locally) or { secretName: "name", field?: "key" } (Secrets Manager)' });
export type CredentialRef = z.infer<typeof credentialRef>;

export interface ConfigIssue { path: string; message: string }

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: ConfigIssue[], source: string) {
    super(`Invalid configuration in ${source}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Formats a zod path the way a user would write it: connectors[0].schedule. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');

/** The one of `known` a person most likely meant by `word`: at most half its letters differ ("emial" → "emails"). */
export function nearest(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const near = closest(word, [...known]);
  return distance(word.toLowerCase(), near.toLowerCase()) <= Math.max(word.length, near.length) / 2 ? near : undefined;
}

/** "unknown key; did you mean "reviewPeriodDays"?" when a known key is close enough, else the keys there are. */
export function unknownKey(key: string, known: readonly string[]): string {
  const near = nearest(key, known);
  if (near !== undefined) return `unknown key; did you mean "${near}"?`;
  return `unknown key${known.length ? ` (expected one of ${known.join(', ')})` : ''}`;
}

/** An IANA time zone the runtime knows, like Europe/Berlin. */
export const timeZone = z.string().refine((tz) => {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}, 'expected an IANA time zone like Europe/Berlin');
