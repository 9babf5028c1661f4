// Credential resolvers: environment variables locally, Secrets Manager on AWS. Values are returned, never logged.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CredentialRef } from '../../shared/config.js';

export type CredentialResolver = (ref: CredentialRef) => Promise<string>;

export class CredentialMissingError extends Error {
  readonly code = 'CREDENTIAL_MISSING';
  constructor(readonly ref: CredentialRef, message: string) {
    super(message);
    this.name = 'CredentialMissingError';
  }
}

const describe = (ref: CredentialRef): string => ('env' in ref ? `environment variable ${ref.env}` : `secret ${ref.secretName}${ref.field ? ` (field ${ref.field})` : ''}`);

/** Reads `{env: NAME}` from the given environment; a secret reference is an error here (no AWS locally). */
export function envCredentials(env: NodeJS.ProcessEnv = process.env): CredentialResolver {
  return async (ref) => {
    if (!('env' in ref)) {
      throw new CredentialMissingError(ref, `The ${describe(ref)} can only be read on AWS. Locally, use {"env": "VAR_NAME"} and set that variable.`);
    }
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new CredentialMissingError(ref, `The ${describe(ref)} is not set. Export it before running (export ${ref.env}=...).`);
    }
    return value;
  };
}

/**
 * Reads `{secretName, field?}` from Secrets Manager (a JSON secret's field, or the whole string), caching per
 * warm Lambda; `{env}` falls back to the environment so one config works in both places.
 */
export function secretsManagerCredentials(client: SecretsManagerClient, env: NodeJS.ProcessEnv = process.env): CredentialResolver {
  const cache = new Map<string, Promise<string>>();
  const fromEnv = envCredentials(env);
  return async (ref) => {
    if ('env' in ref) return fromEnv(ref);
    let secret = cache.get(ref.secretName);
    if (!secret) {
      secret = client.send(new GetSecretValueCommand({ SecretId: ref.secretName })).then((out) => {
        if (out.SecretString === undefined) throw new CredentialMissingError(ref, `The ${describe(ref)} has no string value; store the credential as a string or JSON object.`);
        return out.SecretString;
      });
      cache.set(ref.secretName, secret);
      secret.catch(() => cache.delete(ref.secretName));
    }
    const value = await secret;
    if (!ref.field) return value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new CredentialMissingError(ref, `The ${describe(ref)} is not JSON, so field "${ref.field}" cannot be read. Store a JSON object or drop "field".`);
    }
    const field = (parsed as Record<string, unknown>)[ref.field];
    if (typeof field !== 'string' || field === '') {
      throw new CredentialMissingError(ref, `The ${describe(ref)} has no non-empty string field "${ref.field}". Add it to the secret.`);
    }
    return field;
  };
}
