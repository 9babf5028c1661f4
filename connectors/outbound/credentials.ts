// Resolves a hub.config credential reference: an environment variable locally, Secrets Manager on AWS.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CredentialRef } from '../../shared/config.js';

export class CredentialMissingError extends Error {
  readonly code = 'CREDENTIAL_MISSING';
  constructor(message: string, readonly location: string) {
    super(message);
    this.name = 'CredentialMissingError';
  }
}

export type CredentialResolver = (ref: CredentialRef | undefined, owner: string) => Promise<string | undefined>;

/** Caches each secret for the life of the process (one Lambda container), as Powertools' parameters do. */
export function credentialResolver(env: NodeJS.ProcessEnv = process.env, secrets: SecretsManagerClient = new SecretsManagerClient({})): CredentialResolver {
  const cache = new Map<string, Promise<string | undefined>>();
  return async (ref, owner) => {
    if (!ref) return undefined;
    if ('env' in ref) {
      const value = env[ref.env];
      if (!value) throw new CredentialMissingError(`Environment variable ${ref.env} (credential of ${owner}) is not set; export it or point the config at a secret.`, ref.env);
      return value;
    }
    const cacheKey = `${ref.secretName}#${ref.field ?? ''}`;
    let pending = cache.get(cacheKey);
    if (!pending) {
      pending = secrets.send(new GetSecretValueCommand({ SecretId: ref.secretName })).then((out) => {
        const raw = out.SecretString ?? '';
        if (!ref.field) return raw;
        const value = (JSON.parse(raw) as Record<string, unknown>)[ref.field];
        if (typeof value !== 'string') throw new CredentialMissingError(`Secret ${ref.secretName} has no string field "${ref.field}" (credential of ${owner}).`, `${ref.secretName}.${ref.field}`);
        return value;
      });
      cache.set(cacheKey, pending);
      pending.catch(() => cache.delete(cacheKey));
    }
    return pending;
  };
}
