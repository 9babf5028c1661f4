// Backtest: replay generated or CSV demand through the engine, two baselines and the distribution oracle, day by day, with seeded randomness.
export { generateScenario, sampleLeadTime, TRUTH_TAIL_DAYS, DEMAND_PATTERNS, SUPPLIER_PROFILES, type Scenario, type ScenarioOptions, type BacktestSeries, type DemandPattern, type DemandTruth, type SupplierProfile } from './scenario.js';
export { runBacktest, matchRollingBaseline, simulatePositions, simulateScenario, groupTraces, enginePolicy, rollingPolicy, staticPolicy, POLICIES, type BacktestOptions, type BacktestReport, type MatchedBaseline, type Policy, type PolicyMetrics, type PolicyName } from './simulate.js';
export { oracleLevels, oraclePolicy, ORACLE_SAMPLES, ORACLE_RISK_PATHS, type OracleLevels, type OraclePolicyOptions, type OracleSeriesLevels } from './oracle.js';
export { computeMetrics, atRiskThreshold, WARNING_LOOKBACK_DAYS, WARNED_AHEAD_DAYS, type BacktestMetrics, type DayRecord, type PositionTrace } from './metrics.js';
export { scenarioFromCsv, BacktestCsvError } from './csv.js';
export { formatBacktestReport, checkTargets, metricsRow, policiesOf, type TargetCheck } from './report.js';
export { runFrontier, atFill, FRONTIER_CURVES, FRONTIER_DEFAULTS, type FrontierOptions, type FrontierReport, type FrontierGroup, type FrontierCurve, type CurvePoint, type AlertSweepRow } from './frontier.js';
export { formatFrontierReport, frontierChartSpec, checkFrontierTargets, matchedRatios } from './frontier-report.js';
