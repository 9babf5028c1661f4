// Writes events/schemas/<DetailType>.json and events/push-api.openapi.json: `npx tsx events/export-json-schema.ts [outDir]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogJsonSchemas } from './catalog.js';
import { pushApiDocument } from './push-api.js';

const outDir = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'schemas');
mkdirSync(outDir, { recursive: true });
for (const [detailType, schema] of Object.entries(catalogJsonSchemas())) {
  writeFileSync(path.join(outDir, `${detailType}.json`), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${path.join(outDir, `${detailType}.json`)}`);
}
const openApi = path.join(path.dirname(fileURLToPath(import.meta.url)), 'push-api.openapi.json');
writeFileSync(openApi, `${JSON.stringify(pushApiDocument(), null, 2)}\n`);
console.log(`wrote ${openApi}`);
