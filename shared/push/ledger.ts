// A position's on-hand under pushed changes: every quantity is a count as of an instant (a pushed count at its
// source time, a pulled quantity at the moment the sync read it); the latest count wins, moves after it are added on
// top, moves before it are already in it. So a count at 10:00 arriving after a sale at 10:05 keeps the sale, a
// repeated event id changes nothing, and a pull that disagrees with what the pushes said is drift. Pure.
import type { Ledger, LedgerMove, StockChange } from '../model.js';

/** Moves a position remembers (ids for repeats, amounts for late counts); beyond it the oldest are folded in. */
export const LEDGER_MOVES = 64;
/** How long settled moves are remembered for repeats. */
export const LEDGER_RETENTION_MS = 24 * 3_600_000;

/** Normalises any ISO instant (offsets, missing milliseconds) so instants compare as strings. */
export const instant = (iso: string): string => new Date(iso).toISOString();

export interface ChangeOutcome {
  /** Changes that altered the position (moves added, counts taken, moves voided). */
  applied: number;
  /** Moves whose id was seen before (a redelivery or a replay). */
  duplicate: number;
  /** Counts older than the position's latest count: already overtaken. */
  superseded: number;
  /** Changes older than what the position remembers: refused, so a caller can quarantine them. */
  late: StockChange[];
  /** Demand to add per UTC day (sales minus returns and cancellations) from the changes just applied. */
  demand: { day: string; qty: number }[];
}

export interface LedgerState {
  onHand: number;
  reserved: number;
  ledger: Ledger;
}

/** The ledger a position starts with when its first change arrives: its stored on-hand, true as of `since`. */
export const openLedger = (onHand: number, since: string | undefined): Ledger =>
  ({ asOf: since === undefined ? new Date(0).toISOString() : instant(since), base: onHand, moves: [], pushed: 0 });

/** On-hand: the latest count plus the moves after it. */
export function onHandOf(ledger: Ledger): number {
  return round(ledger.moves.reduce((sum, m) => (m.at > ledger.asOf ? sum + m.qty : sum), ledger.base));
}

const byTime = (a: { at: string; id: string }, b: { at: string; id: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id.localeCompare(b.id));
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Applies pushed changes in source-time order; returns the new state and what each change did. */
export function applyChanges(state: LedgerState, changes: readonly StockChange[], now: Date): LedgerState & { outcome: ChangeOutcome } {
  const ledger: Ledger = { ...state.ledger, moves: [...state.ledger.moves] };
  const outcome: ChangeOutcome = { applied: 0, duplicate: 0, superseded: 0, late: [], demand: [] };
  const byId = new Map(ledger.moves.map((m) => [m.id, m]));
  const demand = new Map<string, number>();
  const addDemand = (at: string, qty: number) => demand.set(at.slice(0, 10), (demand.get(at.slice(0, 10)) ?? 0) + qty);
  const sorted = changes.map((c) => ({ ...c, at: instant(c.at) })).sort(byTime);
  for (const change of sorted) {
    if (change.kind === 'count') {
      if (change.at < ledger.asOf) { outcome.superseded++; continue; }
      ledger.base = change.basis === 'available' ? change.qty + state.reserved : change.qty;
      ledger.asOf = change.at;
    } else if (ledger.horizon !== undefined && change.at < ledger.horizon) {
      outcome.late.push(change);
      continue;
    } else if (change.kind === 'void') {
      const move = byId.get(change.id);
      if (move?.voided) { outcome.duplicate++; continue; }
      if (move) {
        move.voided = true;
        if (move.sold) addDemand(move.at, -move.sold);
      } else {
        // The cancellation came first: remember it, so the move it cancels is ignored when it arrives.
        const tombstone: LedgerMove = { id: change.id, at: change.at, qty: 0, voided: true };
        ledger.moves.push(tombstone);
        byId.set(change.id, tombstone);
      }
    } else {
      if (byId.has(change.id)) { outcome.duplicate++; continue; }
      const move: LedgerMove = { id: change.id, at: change.at, qty: change.qty, ...(change.sold ? { sold: change.sold } : {}) };
      ledger.moves.push(move);
      byId.set(change.id, move);
      if (move.sold) addDemand(move.at, move.sold);
    }
    outcome.applied++;
    ledger.pushed++;
  }
  ledger.moves.sort(byTime);
  forget(ledger, now);
  outcome.demand = [...demand].filter(([, qty]) => qty !== 0).map(([day, qty]) => ({ day, qty: round(qty) }));
  return { onHand: onHandOf(ledger), reserved: state.reserved, ledger, outcome };
}

/**
 * Forgets what the ledger need not keep: settled moves past retention, then the oldest moves beyond LEDGER_MOVES
 * (an unsettled one is folded into the base, moving `asOf` to it). `horizon` marks where memory ends.
 */
function forget(ledger: Ledger, now: Date): void {
  const cutoff = new Date(now.getTime() - LEDGER_RETENTION_MS).toISOString();
  while (ledger.moves.length > 0 && ledger.moves[0]!.at <= ledger.asOf && ledger.moves[0]!.at < cutoff) {
    ledger.horizon = ledger.moves.shift()!.at;
  }
  while (ledger.moves.length > LEDGER_MOVES) {
    const oldest = ledger.moves[0]!;
    // Moves at the same instant settle together, or one of them would count twice (or not at all).
    const group = ledger.moves.filter((m) => m.at === oldest.at);
    ledger.moves.splice(0, group.length);
    if (oldest.at > ledger.asOf) {
      ledger.base = round(group.reduce((sum, m) => sum + m.qty, ledger.base));
      ledger.asOf = oldest.at;
    }
    ledger.horizon = oldest.at;
  }
}

export interface PullOutcome {
  /** The settled state, or undefined when the pull is older than the latest pushed count (on-hand kept). */
  state?: { onHand: number; ledger: Ledger };
  /** Pulled minus what the pushes said on-hand was at that instant, when pushes changed the position since the last pull. */
  drift?: number;
}

/**
 * A pulled on-hand, read at `observedAt`, settles the ledger: it becomes the count, moves after it stay on top. A pull
 * older than a pushed count does not undo it.
 */
export function settleWithPull(ledger: Ledger, pulled: number, observedAt: string): PullOutcome {
  const at = instant(observedAt);
  if (at < ledger.asOf) return {};
  const expected = onHandOf({ ...ledger, moves: ledger.moves.filter((m) => m.at <= at) });
  const drift = ledger.pushed > 0 ? round(pulled - expected) : undefined;
  const next: Ledger = { ...ledger, base: pulled, asOf: at, pushed: 0 };
  return { state: { onHand: onHandOf(next), ledger: next }, ...(drift !== undefined ? { drift } : {}) };
}
