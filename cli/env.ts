// Imported first by the CLI: quiet defaults for a terminal, set before any module reads them at load time.
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
// The SDK's notice about Node 22 concerns production Lambdas (nodejs22.x), not a local run on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (!verbose) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
}
export {};
