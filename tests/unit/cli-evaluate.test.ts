import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateStream } from '../../cli/commands/evaluate.js';
import { defaultRules, snapshot } from './engine/fixtures.js';

const entry = fileURLToPath(new URL('./engine/cli-entry.ts', import.meta.url));

async function run(input: string): Promise<unknown[]> {
  const src = new PassThrough();
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  src.end(input);
  await evaluateStream(src, out, defaultRules);
  return chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as unknown);
}

describe('evaluateStream', () => {
  it('answers one line per non-blank input line, in order, with errors in place', async () => {
    const good = JSON.stringify(snapshot({ sku: 'A' }));
    const other = JSON.stringify(snapshot({ sku: 'B', onHand: 0 }));
    const badSchema = JSON.stringify({ ...snapshot(), demand: { start: '2026-01-01', daily: [1, -2] } });
    const answers = await run(`${good}\n\n{not json\n${badSchema}\n${other}\n`);
    expect(answers).toHaveLength(4);
    expect(answers[0]).toMatchObject({ sku: 'A', location: 'store-1', replenish: null });
    expect(answers[1]).toMatchObject({ line: 3 });
    expect((answers[1] as { error: string }).error).toMatch(/not valid JSON/);
    expect(answers[2]).toMatchObject({ line: 4 });
    expect((answers[2] as { error: string }).error).toContain('demand.daily[1]');
    expect(answers[3]).toMatchObject({ sku: 'B', alerts: [expect.objectContaining({ type: 'STOCKOUT' })] });
  });

  it('leaves out the explain block unless asked', async () => {
    const [decision] = await run(`${JSON.stringify(snapshot())}\n`);
    expect(decision).not.toHaveProperty('explain');
    expect(decision).toHaveProperty('orderUpTo');
  });

  it('reports a missing field with its path', async () => {
    const { supplier: _dropped, ...noSupplier } = snapshot();
    const [answer] = await run(`${JSON.stringify(noSupplier)}\n`);
    expect((answer as { error: string }).error).toMatch(/supplier/);
  });
});

describe('evaluate input bounds', () => {
  it('answers an error line naming the field for numbers beyond a plausible range, at once and without the memory they would take', async () => {
    const base = snapshot();
    const lines: [unknown, RegExp][] = [
      [{ ...base, supplier: { id: 'sup-1', leadTimeDays: 1e8 } }, /supplier\.leadTimeDays: .*730/],
      [{ ...base, supplier: { id: 'sup-1', leadTimeDays: 3e8 } }, /supplier\.leadTimeDays/],
      [{ ...base, supplier: { id: 'sup-1', leadTimeDays: 1e9 } }, /supplier\.leadTimeDays/],
      [{ ...base, supplier: { id: 'sup-1', leadTimeDays: 7, observedLeadTimes: [7, 8, 1e9] } }, /supplier\.observedLeadTimes\[2\]/],
      [{ ...base, onHand: 1e308 }, /onHand: .*1000000000/],
      [{ ...base, item: { unitCost: 4, moq: 1e308 } }, /item\.moq/],
      [{ ...base, demand: { ...base.demand, daily: [...base.demand.daily.slice(1), 1e308] } }, /demand\.daily\[119\]/],
      [{ ...base, asOf: '2026-13-45' }, /asOf: expected a date YYYY-MM-DD that exists in the calendar/],
      [{ ...base, demand: { ...base.demand, start: '1900-01-01' } }, /demand\.start: expected a day on or before asOf and less than 3660 days before it/],
    ];
    const started = performance.now();
    const answers = await run(`${lines.map(([l]) => JSON.stringify(l)).join('\n')}\n${JSON.stringify(base)}\n`);
    lines.forEach(([, message], i) => {
      expect(answers[i]).toMatchObject({ line: i + 1 });
      expect((answers[i] as { error: string }).error).toMatch(message);
    });
    expect(answers[lines.length]).toMatchObject({ sku: 'SKU-1', replenish: null });
    // 1e8 days of lead time took 28 s and 4 GB before it was bounded.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('evaluateStream line splitting', () => {
  it('splits like readline: CRLF, lone CR, lines and multi-byte characters cut across chunks, no final newline', async () => {
    const a = JSON.stringify(snapshot({ sku: 'A' }));
    const b = JSON.stringify(snapshot({ sku: 'B-ü€' }));
    const c = JSON.stringify(snapshot({ sku: 'C' }));
    const bytes = Buffer.from(`${a}\r\n\r\n${b}\r${c}`);
    const cutInsideEuro = bytes.indexOf(Buffer.from('€')) + 1;
    const cutInsideCrlf = bytes.indexOf(Buffer.from('\r\n')) + 1;
    const src = new PassThrough();
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const done = evaluateStream(src, out, defaultRules);
    src.write(bytes.subarray(0, cutInsideCrlf));
    src.write(bytes.subarray(cutInsideCrlf, cutInsideEuro));
    src.end(bytes.subarray(cutInsideEuro));
    const result = await done;
    const answers = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as { sku: string });
    expect(answers.map((x) => x.sku)).toEqual(['A', 'B-ü€', 'C']);
    expect(result).toEqual({ lines: 4, decisions: 3, errors: 0 });
  });

  it('numbers error lines counting blank lines, as before', async () => {
    const answers = await run(`\n\n{oops\r\n`);
    expect(answers).toEqual([expect.objectContaining({ line: 3 })]);
  });
});

describe('stocksentry evaluate (child process)', () => {
  it('answers each line while stdin stays open, then exits 0 at EOF', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'evaluate'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();

    child.stdin.write(`${JSON.stringify(snapshot({ sku: 'FIRST' }))}\n`);
    const first = await lines.next();
    expect(JSON.parse(first.value as string)).toMatchObject({ sku: 'FIRST' });

    child.stdin.write('oops\n');
    const second = await lines.next();
    expect(JSON.parse(second.value as string)).toMatchObject({ line: 2 });

    child.stdin.end(`${JSON.stringify(snapshot({ sku: 'LAST', onHand: 30 }))}\n`);
    const third = await lines.next();
    expect(JSON.parse(third.value as string)).toMatchObject({ sku: 'LAST' });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
