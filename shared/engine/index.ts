// The policy engine's public surface: pure functions over position snapshots.
export { evaluatePosition, type EngineDecision, type DecisionExplain, type EvaluateOptions } from './policy.js';
export { suggestTransfers, type TransferSuggestion, type TransferInput } from './transfers.js';
export { categoryPriors } from './priors.js';
export { fastSnapshot } from './fast-snapshot.js';
export type { DemandModel } from './demand.js';
export {
  positionSnapshot, findingSchema, type PositionSnapshot, type PositionSnapshotInput, type Decision, type Finding, type ReplenishSuggestion,
} from './snapshot.js';
export { dayNumber, isoDay } from './calendar.js';
