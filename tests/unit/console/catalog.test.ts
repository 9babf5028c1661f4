// Every literal key the console asks the catalogue for exists in both languages (a missing key would throw on screen).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../../shared/i18n/catalog/index.js';
import { EXAMPLE_ALERTS } from '../../support/message-examples.js';

const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));

describe('console catalogue', () => {
  it('has every key the console uses, in en and zh-CN', () => {
    const used = new Set<string>();
    for (const f of files('console/client/src').filter((f) => f.endsWith('.tsx') || f.endsWith('.ts'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/'((?:console|alert|severity|common)\.[A-Za-z0-9_.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].flatMap((k) => (['en', 'zh-CN'] as const).filter((l) => catalogs[l][k] === undefined).map((l) => `${l}:${k}`));
    expect(missing).toEqual([]);
  });

  it('names every fact of every finding type in both languages (the alert page shows no raw keys)', () => {
    const keys = new Set(Object.values(EXAMPLE_ALERTS).flatMap((a) => Object.keys(a.facts ?? {})).map((k) => k.replace(/:.*$/, '')));
    expect(keys).toContain('transferFrom');
    const missing = [...keys].flatMap((k) => (['en', 'zh-CN'] as const).filter((l) => catalogs[l][`console.fact.${k}`] === undefined).map((l) => `${l}:${k}`));
    expect(missing).toEqual([]);
  });

  it('speaks Chinese in zh-CN: no console message left in English', () => {
    const untranslated = Object.keys(catalogs.en).filter((k) => k.startsWith('console.') && catalogs.en[k] === catalogs['zh-CN'][k] && /[a-z]{3}/.test(catalogs.en[k]!));
    expect(untranslated).toEqual([]);
  });
});
