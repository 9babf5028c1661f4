// Lint: typescript-eslint's recommended rules, plus the import direction the design asks for.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'outbox/**', 'coverage/**', 'console/dist/**', 'test-results/**', '.tmp/**', '.stocksentry/**'] },
  js.configs.recommended,
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The domain core knows nothing of Lambda, CDK, HTTP or the CLI.
    files: ['shared/**/*.ts'],
    ignores: ['shared/adapters/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@middy/*', '@aws-lambda-powertools/*', 'node:http', 'node:https', 'node:fs', 'node:child_process'], message: 'shared/ is pure domain code: do I/O in an adapter (shared/adapters), a handler (functions/) or the runtime (infra/).' },
        { group: ['../functions/*', '../infra/*', '../cli/*', '../connectors/*', '../../functions/*', '../../infra/*', '../../cli/*', '../../connectors/*'], message: 'shared/ imports nothing outside shared/.' },
      ] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'shared/ reads no environment; configuration comes in as an argument.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'shared/ takes time as an argument (a Date or the Clock port).' }],
    },
  },
);
