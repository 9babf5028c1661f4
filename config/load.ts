// Loads hub.config.(ts|js|json) for the CLI, the CDK app and the local runtime, and stops on a mistake before
// anything starts or deploys: the wrong field's path (an unknown key with the key it most likely meant), a connector
// type the registry does not know, connector options its spec refuses, a JSON syntax error's line and column.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONNECTOR_TYPES, connectorFor } from '../connectors/registry.js';
import { ConfigError, formatPath, nearest, parseHubConfig, unknownKey, type ConfigIssue, type HubConfig } from '../shared/config.js';

export const DEFAULT_CONFIG_FILES = ['hub.config.ts', 'hub.config.js', 'hub.config.json'];

export interface LoadedConfig {
  config: HubConfig;
  /** The file read, relative to the working directory; undefined when none was found (built-in defaults). */
  file?: string;
}

/** What the one config loader says it read, e.g. for `npm run synth`. */
export const describeSource = (loaded: LoadedConfig): string => (loaded.file
  ? `Config: ${loaded.file}`
  : `Config: built-in defaults (no ${DEFAULT_CONFIG_FILES.join(', ')} here; set HUB_CONFIG_FILE or -c config=<file> to use one)`);

/** Reads and validates a config file; with no path, the first default file present, else the built-in defaults. */
export async function loadHubConfigFile(file?: string, cwd = process.cwd()): Promise<LoadedConfig> {
  const found = file ? path.resolve(cwd, file) : DEFAULT_CONFIG_FILES.map((f) => path.resolve(cwd, f)).find((f) => existsSync(f));
  if (!found) return { config: parseHubConfig({}, 'built-in defaults') };
  if (!existsSync(found)) throw new Error(`Config file not found: ${found}`);
  const shown = path.relative(cwd, found) || found;
  const raw: unknown = found.endsWith('.json')
    ? parseJsonFile(readFileSync(found, 'utf8'), shown)
    : ((await import(pathToFileURL(found).href)) as { default?: unknown }).default;
  return { config: parseHubConfig(raw, shown, connectorIssues), file: shown };
}

export async function loadHubConfig(file?: string, cwd = process.cwd()): Promise<HubConfig> {
  return (await loadHubConfigFile(file, cwd)).config;
}

/** JSON.parse with the file, line and column of a syntax error (Node 20 only gives a character position). */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const at = Number.isFinite(position) ? position : text.length;
    const before = text.slice(0, at).split('\n');
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new ConfigError([{ path: '', message: `${file}:${before.length}:${before.at(-1)!.length + 1}: JSON syntax error: ${reason}` }], file);
  }
}

/**
 * Each connector's type against the registry and its options against that connector's spec (unknown keys too), so
 * a misspelt connector stops at load and at synth, not at its first sync.
 */
export function connectorIssues(input: unknown): ConfigIssue[] {
  const connectors = (input as { connectors?: unknown } | undefined)?.connectors;
  if (!Array.isArray(connectors)) return [];
  return connectors.flatMap((raw: unknown, i): ConfigIssue[] => {
    const c = raw as { type?: unknown; options?: unknown } | undefined;
    if (typeof c?.type !== 'string') return [];
    if (!CONNECTOR_TYPES.includes(c.type)) {
      const near = nearest(c.type, CONNECTOR_TYPES);
      const hint = near ? `; did you mean "${near}"?` : ` (known: ${CONNECTOR_TYPES.join(', ')})`;
      return [{ path: `connectors[${i}].type`, message: `no connector type "${c.type}"${hint} Or add one: \`stocksentry connector new ${c.type}\`.` }];
    }
    const spec = connectorFor(c.type).spec;
    const options = c.options ?? {};
    const at = (p: PropertyKey[]) => formatPath(['connectors', i, 'options', ...p]);
    const known = Object.keys((spec as { shape?: Record<string, unknown> }).shape ?? {});
    const unknown = known.length && typeof options === 'object' && !Array.isArray(options)
      ? Object.keys(options).filter((k) => !known.includes(k)).map((k) => ({ path: at([k]), message: unknownKey(k, known) }))
      : [];
    const parsed = spec.safeParse(options);
    return [...unknown, ...(parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: at(issue.path), message: issue.message })))];
  });
}
