// Backtest: replay generated or CSV demand through the engine and two baselines, day by day, with seeded randomness.
export { generateScenario, sampleLeadTime, DEMAND_PATTERNS, SUPPLIER_PROFILES, type Scenario, type ScenarioOptions, type BacktestSeries, type DemandPattern, type SupplierProfile } from './scenario.js';
export { runBacktest, matchRollingBaseline, simulateSeries, enginePolicy, rollingPolicy, staticPolicy, POLICIES, type BacktestReport, type MatchedBaseline, type Policy, type PolicyName } from './simulate.js';
export { computeMetrics, WARNING_LOOKBACK_DAYS, type BacktestMetrics, type DayRecord, type PositionTrace } from './metrics.js';
export { scenarioFromCsv, BacktestCsvError } from './csv.js';
export { formatBacktestReport, checkTargets, type TargetCheck } from './report.js';
