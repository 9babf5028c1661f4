// The building blocks of hub.config that other config modules (alerting, replenishment) share;
// kept apart from shared/config.ts so those modules and the hub schema can import each other's parts.
import { z } from 'zod';

/**
 * Where a credential comes from. Locally from an environment variable; on AWS from Secrets Manager.
 * The value itself never appears in the config.
 */
export const credentialRef = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name') }),
  z.object({ secretName: z.string().min(1), field: z.string().optional() }),
]);
export type CredentialRef = z.infer<typeof credentialRef>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: { path: string; message: string }[], source: string) {
    super(`Invalid configuration in ${source}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Formats a zod path the way a user would write it: connectors[0].schedule. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
