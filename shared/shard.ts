// Which of `n` shards (or lanes) a key belongs to: FNV-1a, a stable and even spread. Stored layouts depend on it
// (the sync snapshot's shard items), so it must not change.

export function shardOf(key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % n;
}
