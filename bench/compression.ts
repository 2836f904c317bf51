/**
 * The compression benchmark (docs/compression.md): builds an offline corpus of agent turns whose tool outputs are the
 * README/docs files and package.json files of the installed packages (bench/compression/corpus.ts), then measures
 *
 * 1. every codec of node:zlib on its large entries: ratio, encode and decode µs per entry (compression/codecs.ts);
 * 2. the package's own codec, with and without compression, as sessions use it, and by entry size;
 * 3. Redis memory per conversation, written by sessions with and without compression (and encryption) to its own
 *    throwaway redis-server (compression/memory.ts).
 *
 * Prints the tables and rewrites its section of docs/benchmarks.md (markers `compression`); `--no-docs` prints only.
 * Run: `npm run build && npx tsx bench/compression.ts`. Environment: BENCH_COMPRESSION_CONVERSATIONS (default 40),
 * BENCH_COMPRESSION_TURNS (default 12), BENCH_COMPRESSION_PASSES (default 3). Under a minute.
 */
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { closeSharedConnections } from '../dist/index.js';
import { startRedisServer } from '../tools/throwawayRedis.js';
import { writeSection } from './compare/docSections.js';
import { describeMachine } from './compare/machine.js';
import { compareCodecs, measureBySize, measurePackageCodec } from './compression/codecs.js';
import { agentTurn, findDocuments } from './compression/corpus.js';
import { measureMemory } from './compression/memory.js';
import { renderConsole, renderMarkdown, type CompressionResults } from './compression/report.js';
import { positiveInteger, stepLogger } from './lib/env.js';

const SECTION = 'compression';
const SECTION_BEFORE = '## What the numbers say';


const step = stepLogger('compression');

async function main(): Promise<void> {
  const started = performance.now();
  const conversationCount = positiveInteger('BENCH_COMPRESSION_CONVERSATIONS', 40);
  const turnCount = positiveInteger('BENCH_COMPRESSION_TURNS', 12);
  const passes = positiveInteger('BENCH_COMPRESSION_PASSES', 3);
  const writeDocs = !process.argv.includes('--no-docs');

  step('building the corpus from node_modules');
  const documents = findDocuments(fileURLToPath(new URL('../node_modules/', import.meta.url)));
  if (documents.pages.length === 0 || documents.packageJsons.length === 0) throw new Error('no documents under node_modules: run npm install first');
  const conversations = Array.from({ length: conversationCount }, (_, c) =>
    Array.from({ length: turnCount }, (_, t) => agentTurn(documents, c * turnCount + t)),
  );
  const items = conversations.flat(2);
  const largeJson = items.map((item) => JSON.stringify(item)).filter((json) => Buffer.byteLength(json) >= 1024);

  step(`codecs on ${largeJson.length} entries of at least 1 KiB`);
  const codecs = compareCodecs(largeJson, passes);
  step("the package's codec");
  const packageCodec = measurePackageCodec(items, passes);
  step('the package\'s codec by entry size');
  const bySize = measureBySize(documents.pages, [1024, 8 * 1024, 64 * 1024, 512 * 1024], 5 * passes);

  step(`Redis memory of ${conversationCount} conversations, per variant`);
  const server = await startRedisServer({ logName: 'bench-compression' });
  const admin = createClient({ url: server.url });
  admin.on('error', (error) => console.error('admin client error:', error));
  let memory;
  let redisVersion = '?';
  try {
    await admin.connect();
    redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? '?';
    memory = await measureMemory(server.url, admin, conversations);
  } finally {
    await admin.close().catch(() => {});
    await closeSharedConnections();
    await server.stop();
  }

  const results: CompressionResults = {
    machine: describeMachine(redisVersion),
    corpus: {
      pages: documents.pages.length,
      packageJsons: documents.packageJsons.length,
      conversations: conversationCount,
      turns: turnCount,
      items: items.length,
      large: largeJson.length,
      meanLargeBytes: largeJson.reduce((sum, json) => sum + Buffer.byteLength(json), 0) / largeJson.length,
    },
    codecs,
    packageCodec,
    bySize,
    memory,
    seconds: (performance.now() - started) / 1000,
  };
  console.log(renderConsole(results));
  if (writeDocs) {
    writeSection(SECTION, renderMarkdown(results), SECTION_BEFORE, 'bench/compression.ts');
    step('wrote its section of docs/benchmarks.md');
  }
}

await main();
