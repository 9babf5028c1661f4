// `npm run examples`: writes docs/examples/ from what the hub renders now (the examples test compares them).
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleFiles } from './message-examples.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'examples');
const files = exampleFiles();
for (const dir of ['en', 'zh-CN']) {
  await mkdir(path.join(root, dir), { recursive: true });
  // Examples that no longer exist go too, so the folder is exactly what the hub renders.
  for (const f of await readdir(path.join(root, dir))) if (!files.has(`${dir}/${f}`)) await rm(path.join(root, dir, f));
}
for (const [file, content] of files) await writeFile(path.join(root, file), content);
console.log(`wrote ${files.size} files to ${path.relative(process.cwd(), root)}/`);
