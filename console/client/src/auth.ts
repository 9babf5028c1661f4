// Signing in. Locally the hub's token is an HttpOnly cookie already; on AWS the Cognito hosted UI signs people in
// (authorization code with PKCE) and the ID token goes with every API call.
import type { RuntimeConfig } from './env';

const TOKEN = 'stocksentry.idToken';
const VERIFIER = 'stocksentry.pkce';

const b64url = (bytes: ArrayBuffer | Uint8Array): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const redirectUri = () => `${location.origin}/`;

function expired(jwt: string): boolean {
  try {
    const claims = JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return !claims.exp || claims.exp * 1000 < Date.now() + 60_000;
  } catch { return true; }
}

/** The bearer token for API calls (undefined locally, where the cookie does it). May leave the page to sign in. */
export async function signIn(config: RuntimeConfig): Promise<string | undefined> {
  if (config.auth !== 'cognito' || !config.cognito) return undefined;
  const { domain, clientId } = config.cognito;
  const stored = sessionStorage.getItem(TOKEN);
  if (stored && !expired(stored)) return stored;
  const code = new URLSearchParams(location.search).get('code');
  const verifier = sessionStorage.getItem(VERIFIER);
  if (code && verifier) {
    const res = await fetch(`${domain}/oauth2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri(), code_verifier: verifier }),
    });
    const body = (await res.json()) as { id_token?: string };
    sessionStorage.removeItem(VERIFIER);
    if (body.id_token) {
      sessionStorage.setItem(TOKEN, body.id_token);
      const back = sessionStorage.getItem('stocksentry.returnTo') ?? '/';
      history.replaceState(null, '', back);
      return body.id_token;
    }
  }
  const fresh = b64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER, fresh);
  sessionStorage.setItem('stocksentry.returnTo', location.pathname + location.search);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(fresh)));
  location.assign(`${domain}/oauth2/authorize?${new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri(), scope: 'openid email', code_challenge_method: 'S256', code_challenge: challenge,
  })}`);
  return new Promise(() => undefined);
}

export function signOut(): void { sessionStorage.removeItem(TOKEN); }
