/**
 * The conversations section of the benchmark (bench/compare.ts, in `--mode core`, `--mode all` and
 * alone as `--mode conversations`): the performance targets of owners, the owner index and the
 * conversation info (issue 11), measured in one run so the ratios hold:
 *
 * 1. `addItems` with an `owner` ≤ 1.15× the same call without one (median and mean), still one round
 *    trip: default config and `changeEvents: false` (conversations/ownerWrites.ts).
 * 2. `RedisConversations.list({ owner, limit: 20 })` for an owner with 10,000 conversations ≤ 1.2× for an
 *    owner with 10 (conversations/ownerListing.ts).
 * 3. Memory for the info and the index ≤ 200 bytes per conversation beyond its items
 *    (conversations/infoMemory.ts).
 *
 * Prints its tables and rewrites its own section of docs/benchmarks.md (between markers; the peers mode
 * keeps it when it rewrites the file); `--no-docs` prints only. Environment: BENCH_OWNER_CONVERSATIONS
 * (the large owner, default 10000), BENCH_MEMORY_CONVERSATIONS (default 10000), BENCH_PREVIOUS_DIST (the
 * dist/ folder of an earlier build, to add its memory row), BENCH_CONVERSATIONS_PARTS (some of
 * writes,list,memory: prints only). Runs in about a minute and a half.
 */
import { createClient } from 'redis';
import { closeSharedConnections } from '../../dist/index.js';
import type { RawCommandClient } from '../../tools/commandStats.js';
import type { RedisServerHandle } from '../../tools/throwawayRedis.js';
import { measureInfoMemory } from './conversations/infoMemory.js';
import type { InterleaveOptions } from './interleaved.js';
import { measureOwnerListing } from './conversations/ownerListing.js';
import { measureOwnerWrites } from './conversations/ownerWrites.js';
import { renderConsole, renderMarkdown, type ConversationsResults } from './conversations/report.js';
import { writeSection } from './docSections.js';
import { describeMachine } from './machine.js';
import { positiveInteger, stepLogger } from '../lib/env.js';

/** The name of this section's markers in docs/benchmarks.md. */
export const CONVERSATIONS_SECTION = 'conversations';
/** The heading of docs/benchmarks.md the section goes before when it is not there yet. */
export const CONVERSATIONS_SECTION_BEFORE = '## What the numbers say';

const WRITES: InterleaveOptions = { rounds: 100, block: 50, warmup: 300, originSamples: 20 };
const LISTS: InterleaveOptions = { rounds: 60, block: 25, warmup: 200, originSamples: 5 };

const PARTS = process.env.BENCH_CONVERSATIONS_PARTS?.split(',');
const runs = (part: 'writes' | 'list' | 'memory'): boolean => !PARTS || PARTS.includes(part);


const step = stepLogger('conversations');

export async function runConversations(server: RedisServerHandle, options: { writeDocs: boolean }): Promise<void> {
  const started = performance.now();
  const ownerConversations = positiveInteger('BENCH_OWNER_CONVERSATIONS', 10_000);
  const memoryConversations = positiveInteger('BENCH_MEMORY_CONVERSATIONS', 10_000);
  const adminClient = createClient({ url: server.url });
  adminClient.on('error', (error) => console.error('admin client error:', error));
  const admin = adminClient as unknown as RawCommandClient;
  try {
    await adminClient.connect();
    await admin.sendCommand(['FLUSHALL', 'SYNC']);
    const redisVersion = /redis_version:(\S+)/.exec(await adminClient.info('server'))?.[1] ?? '?';
    if (runs('writes')) step('addItems with and without an owner');
    const writes = runs('writes') ? await measureOwnerWrites(server.url, admin, WRITES) : [];
    if (runs('list')) step(`list the first page of an owner with ${ownerConversations} conversations, of one with 20 and of one with 10`);
    const listing = runs('list') ? await measureOwnerListing(server.url, admin, ownerConversations, LISTS) : undefined;
    if (runs('memory')) step(`memory of ${memoryConversations} conversations, written in each way`);
    const memory = runs('memory') ? await measureInfoMemory(server.url, admin, memoryConversations) : [];
    const results: ConversationsResults = {
      machine: describeMachine(redisVersion),
      writeOptions: WRITES,
      listOptions: LISTS,
      writes,
      listing,
      memory,
      memoryConversations,
      seconds: (performance.now() - started) / 1000,
    };
    console.log(renderConsole(results));
    if (options.writeDocs && !PARTS) {
      writeSection(CONVERSATIONS_SECTION, renderMarkdown(results), CONVERSATIONS_SECTION_BEFORE);
      step('wrote its section of docs/benchmarks.md');
    }
  } finally {
    await admin.sendCommand(['FLUSHALL', 'SYNC']).catch(() => {});
    await adminClient.close().catch(() => {});
    await closeSharedConnections();
  }
}
