// `stocksentry evaluate`: snapshots in on stdin as JSON lines, decisions out, one line per line (see docs/engine.md).
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { formatPath, type RuleDefaults } from '../../shared/config.js';
import { evaluatePosition, fastSnapshot, positionSnapshot, type EngineDecision, type PositionSnapshot } from '../../shared/engine/index.js';
import { loadHubConfig } from '../../config/load.js';

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
    // Bounded inputs keep every number finite; should one still overflow, say so rather than print null quantities.
    const overflow = nonFinitePath(decision);
    if (overflow !== undefined) return JSON.stringify({ error: `could not evaluate this snapshot: ${overflow} is not a finite number; check the magnitudes of its quantities`, line: lineNumber });
    return JSON.stringify(decision);
  } catch (err) {
    return JSON.stringify({ error: `could not evaluate this snapshot: ${(err as Error).message}`, line: lineNumber });
  }
}

/** The path of the first NaN or infinite number in a decision, or undefined when all are finite. */
function nonFinitePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '(decision)';
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = nonFinitePath(child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Line breaks as readline sees them with crlfDelay: Infinity: \r\n, \n, or a lone \r. */
const LINE_BREAK = /\r\n|\n|\r(?!\n)/;

/**
 * Reads JSON lines from `input` and writes one answer line per non-blank input line to `output`, in order. Every chunk
 * read is answered (one write for its lines) before the next is read, so a line is answered as soon as it arrives.
 * Resolves at end of input.
 */
export async function evaluateStream(input: Readable, output: Writable, rules: RuleDefaults, options: EvaluateStreamOptions = {}): Promise<EvaluateStreamResult> {
  const result: EvaluateStreamResult = { lines: 0, decisions: 0, errors: 0 };
  const decoder = new StringDecoder('utf8');
  let answers = '';
  const answer = (text: string): void => {
    result.lines++;
    if (text.trim() === '') return;
    const line = evaluateLine(text, result.lines, rules, options);
    if (line.startsWith('{"error"')) result.errors++; else result.decisions++;
    answers += `${line}\n`;
  };
  const flush = async (): Promise<void> => {
    if (answers === '') return;
    const text = answers;
    answers = '';
    if (!output.write(text)) await once(output, 'drain');
  };
  let carry = '';
  for await (const chunk of input) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    // A trailing \r may be the first half of \r\n: keep it until the next chunk says.
    const held = text.endsWith('\r') ? 1 : 0;
    const lines = text.slice(0, text.length - held).split(LINE_BREAK);
    carry = (lines.pop() as string) + (held ? '\r' : '');
    for (const line of lines) answer(line);
    await flush();
  }
  const rest = carry + decoder.end();
  if (rest !== '') for (const line of rest.split(LINE_BREAK).filter((l, i, all) => i < all.length - 1 || l !== '')) answer(line);
  await flush();
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
