// Loads hub.config.(ts|js|json) for the CLI, the CDK app and the local runtime; stops with the wrong field's path.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseHubConfig, type HubConfig } from '../shared/config.js';

export const DEFAULT_CONFIG_FILES = ['hub.config.ts', 'hub.config.js', 'hub.config.json'];

/** Reads and validates a config file; with no path, the first default file present, else all defaults. */
export async function loadHubConfig(file?: string, cwd = process.cwd()): Promise<HubConfig> {
  const found = file ? path.resolve(cwd, file) : DEFAULT_CONFIG_FILES.map((f) => path.resolve(cwd, f)).find((f) => existsSync(f));
  if (!found) return parseHubConfig({}, 'built-in defaults');
  if (!existsSync(found)) throw new Error(`Config file not found: ${found}`);
  const raw: unknown = found.endsWith('.json')
    ? JSON.parse(readFileSync(found, 'utf8'))
    : ((await import(pathToFileURL(found).href)) as { default?: unknown }).default;
  return parseHubConfig(raw, path.relative(cwd, found) || found);
}
