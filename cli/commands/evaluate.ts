// `stocksentry evaluate`: snapshots in on stdin as JSON lines, decisions out, one line per line (see docs/engine.md).
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { formatPath, type RuleDefaults } from '../../shared/config.js';
import { evaluatePosition, fastSnapshot, positionSnapshot, type EngineDecision, type PositionSnapshot } from '../../shared/engine/index.js';
import { loadHubConfig } from '../config.js';

export interface EvaluateStreamOptions {
  /** Include the `explain` block (every number behind the decision) in each output line. */
  explain?: boolean;
}

export interface EvaluateStreamResult {
  lines: number;
  decisions: number;
  errors: number;
}

/** Parses and evaluates one input line; returns the output line (without newline). */
export function evaluateLine(text: string, lineNumber: number, rules: RuleDefaults, options: EvaluateStreamOptions = {}): string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return JSON.stringify({ error: `not valid JSON: ${(err as Error).message}`, line: lineNumber });
  }
  // The common valid line skips zod (most of the parsing cost); anything else gets zod's verdict and field paths.
  let snapshot: PositionSnapshot | undefined = fastSnapshot(raw);
  if (snapshot === undefined) {
    const parsed = positionSnapshot.safeParse(raw);
    if (!parsed.success) {
      const what = parsed.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; ');
      return JSON.stringify({ error: `snapshot does not match the schema: ${what}`, line: lineNumber });
    }
    snapshot = parsed.data;
  }
  try {
    const decision: Partial<EngineDecision> = evaluatePosition(snapshot, rules, { projection: options.explain === true });
    if (!options.explain) delete decision.explain;
    return JSON.stringify(decision);
  } catch (err) {
    return JSON.stringify({ error: `could not evaluate this snapshot: ${(err as Error).message}`, line: lineNumber });
  }
}

/**
 * Reads JSON lines from `input` and writes one answer line per non-blank input line to `output`, each as soon as
 * its line is read, in order. Resolves at end of input.
 */
export async function evaluateStream(input: Readable, output: Writable, rules: RuleDefaults, options: EvaluateStreamOptions = {}): Promise<EvaluateStreamResult> {
  const result: EvaluateStreamResult = { lines: 0, decisions: 0, errors: 0 };
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const text of lines) {
    result.lines++;
    if (text.trim() === '') continue;
    const answer = evaluateLine(text, result.lines, rules, options);
    if (answer.startsWith('{"error"')) result.errors++; else result.decisions++;
    if (!output.write(`${answer}\n`)) await new Promise<void>((resolve) => output.once('drain', resolve));
  }
  return result;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('evaluate position snapshots (JSON lines on stdin) and write one decision per line to stdout')
    .option('-c, --config <file>', 'hub.config.(ts|js|json) whose rule defaults apply (default: ./hub.config.* or built-in defaults)')
    .option('--explain', 'include every number behind each decision in an "explain" field')
    .action(async (opts: { config?: string; explain?: boolean }) => {
      const config = await loadHubConfig(opts.config);
      await evaluateStream(process.stdin, process.stdout, config.rules, { explain: opts.explain === true });
    });
}
