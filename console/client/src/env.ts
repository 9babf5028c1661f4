// Where the app runs: its base path (from <base href>, set by whoever serves it) and the runtime config it fetches.
export const BASE = new URL(document.baseURI).pathname.replace(/\/?$/, '/');

export interface RuntimeConfig {
  apiUrl: string;
  auth: 'local' | 'cognito';
  cognito?: { domain: string; clientId: string };
}

/** A console address under the base: `href('/alerts?state=open')`. */
export const href = (path: string): string => `${BASE.replace(/\/$/, '')}${path}`;
