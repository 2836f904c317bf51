/**
 * The unit layer in one process: imports every test/unit/*.test.ts, so that node and tsx start, and src/ compiles,
 * once rather than once per file (`node --test` would start a process per file). Run by `npm run test:unit`;
 * a single file still runs alone with `node --import tsx --import ./test/support/luaText.mjs --test <file>`.
 */
import { readdirSync } from 'node:fs';

const folder = new URL('./', import.meta.url);
for (const file of readdirSync(folder).filter((name) => name.endsWith('.test.ts')).sort()) {
  await import(new URL(file, folder).href);
}
