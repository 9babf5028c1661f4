// What a message a person reads must never contain: field names, NaN/undefined/null, floats nobody rounded, money
// without its currency, machine dates, or times whose zone is not said (or only UTC where the place has its own).

/** Ids people legitimately see verbatim: request keys (`sup|location|YYYY-MM-DD`) and SKU codes. */
const IDS = /\b[a-z0-9-]+\|[a-z0-9-]+\|\d{4}-\d{2}-\d{2}(\|replan)?\b|\bSKU-[A-Za-z0-9-]+\b/g;
const URL = /https?:\/\/\S+/g;

export interface CheckOptions {
  /** Times may be labelled UTC (a location without a configured time zone). Off for the examples, whose places all have one. */
  allowUtc?: boolean;
}

export function messageProblems(text: string, options: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const found = (what: string, re: RegExp, body: string) => {
    for (const m of body.matchAll(re)) problems.push(`${what}: "${m[0]}" in …${body.slice(Math.max(0, (m.index ?? 0) - 30), (m.index ?? 0) + m[0].length + 30).replace(/\n/g, '⏎')}…`);
  };
  // Commands are copied, not read: they may name flags; URLs carry tokens.
  const body = text.split('\n').filter((l) => !/^\s*\$ /.test(l)).join('\n').replace(URL, ' ').replace(IDS, ' ');
  found('raw field name', /\b[a-z]+[A-Z][A-Za-z]*\b/g, body);
  found('raw constant', /\b[A-Z]+_[A-Z_]+\b|\b[a-z]+_[a-z_]+\b/g, body);
  found('placeholder value', /\b(NaN|undefined|null|Infinity)\b|\[object Object\]|\{[a-zA-Z]+\}/g, body);
  found('unformatted number', /\d+\.\d{3,}/g, body);
  found('money without currency', /(?<![€$¥£\d.,])\d[\d,]*\.\d{2}\b/g, body);
  found('machine date', /\b\d{4}-\d{2}-\d{2}\b/g, body);
  found('ISO time', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g, body);
  // A time of day says its zone: "09:14 CEST", "15:14 China Time", "14:48（中国标准时间）".
  found('time without a zone', /\b\d{2}:\d{2}\b(?![ \u00a0]?[A-Z][A-Za-z]*|（)/g, body);
  if (!options.allowUtc) found('UTC where the place has a time zone', /\b\d{2}:\d{2}[ \u00a0]UTC\b|（协调世界时）/g, body);
  return problems;
}
