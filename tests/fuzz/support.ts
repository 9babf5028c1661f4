// The fuzz suite's budget and figures: a fixed seed and a modest number of runs per edge by default, so CI stays fast;
// FUZZ_RUNS (a multiplier) and FUZZ_SEED go bigger or elsewhere. Each edge prints one line of figures at the end.
import fc from 'fast-check';
import { afterAll } from 'vitest';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_260_514);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

/** fast-check parameters for an edge: `runs` at scale 1, the fixed seed, the failing input reported in full. */
export const fuzzParams = (runs: number): fc.Parameters<unknown> => ({ numRuns: Math.max(1, Math.round(runs * SCALE)), seed: FUZZ_SEED, endOnFailure: true, verbose: 1 });

const figures = new Map<string, { tried: number; refused: number; accepted: number }>();

/** Counts one input an edge was given, and whether it was refused (4xx / error line) or accepted. */
export function tally(edge: string, outcome: 'refused' | 'accepted'): void {
  const f = figures.get(edge) ?? { tried: 0, refused: 0, accepted: 0 };
  f.tried++;
  f[outcome]++;
  figures.set(edge, f);
}

afterAll(() => {
  for (const [edge, f] of figures) console.log(`fuzz ${edge}: ${f.tried} inputs (${f.refused} refused with a reason, ${f.accepted} accepted), seed ${FUZZ_SEED}`);
});

/** A JSON-ish value that is often wrong in the ways people and programs get it wrong: huge, negative, NaN-like, wrong types. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 2, 1e-320, 0.1 + 0.2, '', ' ', '1e3', '10', '-5', 'NaN', '2026-02-31', '9999-12-31', '2026-13-45', null, true, false, [], {}),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** `base` with one to three fields (at any depth) replaced by hostile values, or removed. */
export function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (path.length > 0) paths.push(path);
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(base, []);
  const change = fc.record({ path: fc.constantFrom(...paths), value: fc.option(hostileValue, { nil: undefined, freq: 5 }) });
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) => {
    const copy = structuredClone(base);
    for (const { path, value } of changes) {
      let node = copy as Record<string, unknown>;
      for (const key of path.slice(0, -1)) {
        if (!node[key] || typeof node[key] !== 'object') break;
        node = node[key] as Record<string, unknown>;
      }
      const last = path.at(-1)!;
      if (value === undefined) delete node[last]; else node[last] = value;
    }
    return copy;
  });
}
