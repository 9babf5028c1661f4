// JSON with object keys sorted, so equal values give equal strings (DynamoDB maps come back in any key order).

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const row = value as Record<string, unknown>;
    return `{${Object.keys(row).filter((k) => row[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(row[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Order-insensitive for object keys. */
export const sameJson = (a: unknown, b: unknown): boolean => stableStringify(a) === stableStringify(b);
