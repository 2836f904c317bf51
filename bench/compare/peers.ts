/**
 * The `peers` mode of the benchmark (bench/compare.ts): this package side by side with the peers,
 * hand-written node-redis and the SDK's MemorySession: memory per item, sequential latency, throughput
 * and the server's ceiling from redis-benchmark, checked against the targets (targets.ts). Options:
 *   --quick        fewer operations and shorter throughput runs (about a minute); does not write docs
 *   --write-docs   write docs/benchmarks.md and docs/benchmarks.svg (the default for a full run)
 *   --no-docs      print only
 *   --only=PARTS   run only some parts, comma-separated: memory, latency, throughput, redis-benchmark (implies --no-docs)
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { createClient } from 'redis';
import type { RawCommandClient } from '../../tools/commandStats.js';
import type { RedisServerHandle } from '../../tools/throwawayRedis.js';
import { measureOperation, type LatencyResult, type OperationPlan } from './latency.js';
import { CONVERSATIONS_SECTION } from './conversations.js';
import { keptSections } from './docSections.js';
import { OVERHEAD_SECTION } from './overhead.js';
import { describeMachine } from './machine.js';
import { itemJsonBytes, measureMemory } from './memory.js';
import { runRedisBenchmark } from './redisBenchmark.js';
import { renderConsole, renderMarkdown, renderSvg, type BenchResults } from './report.js';
import { handWrittenStore } from './stores/handWritten.js';
import { jsonBlobStore } from './stores/jsonBlob.js';
import { langchainStore } from './stores/langchain.js';
import { mastraStore } from './stores/mastra.js';
import { memorySessionStore } from './stores/memorySession.js';
import { redisSessionStore } from './stores/redisSession.js';
import type { Store } from './stores/types.js';
import { checkTargets } from './targets.js';
import { medianRun, runThroughput, type ThroughputRun } from './throughput.js';
import type { ThroughputImplementation } from './throughputWorker.js';
import { stepLogger } from '../lib/env.js';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const ONLY = [...args].find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const runs = (part: string): boolean => !ONLY || ONLY.includes(part);
const WRITE_DOCS = !ONLY && (args.has('--write-docs') || (!QUICK && !args.has('--no-docs')));
const TTL_SECONDS = 3600;
const POOL_SIZE = 4;
const scale = QUICK ? 0.25 : 1;

const PLANS: OperationPlan[] = [
  { name: 'append', label: 'append one turn (2 items) at 100', block: 50, rounds: Math.ceil(20 * scale), budgetMs: 3000 * scale },
  { name: 'read20@100', label: 'read last 20 @ 100', block: 100, rounds: Math.ceil(20 * scale), budgetMs: 3000 * scale },
  { name: 'read20@1000', label: 'read last 20 @ 1,000', block: 100, rounds: Math.ceil(20 * scale), budgetMs: 3000 * scale },
  { name: 'read20@10000', label: 'read last 20 @ 10,000', block: 100, rounds: Math.ceil(10 * scale), budgetMs: 4000 * scale },
  { name: 'pop', label: 'pop', block: 50, rounds: Math.ceil(20 * scale), budgetMs: 3000 * scale },
  { name: 'clear', label: 'clear (100 items)', block: 20, rounds: Math.ceil(10 * scale), budgetMs: 2000 * scale },
];

const THROUGHPUT_TIMING = { warmupMs: QUICK ? 300 : 500, measureMs: QUICK ? 1000 : 2000, poolSize: POOL_SIZE };
/** Each configuration runs this many times, interleaved with the others; the median run is reported. */
const THROUGHPUT_REPETITIONS = QUICK ? 1 : 3;
/** A larger young generation for V8: fewer objects of in-flight operations get promoted at high concurrency. */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=64';
/** [implementation, conversations, processes, extra node flags] */
const THROUGHPUT_RUNS: Array<[ThroughputImplementation, number, number, string?]> = [];
for (const conversations of QUICK ? [64] : [1, 64, 512]) {
  for (const processes of conversations === 1 ? [1] : [1, 2]) {
    for (const implementation of ['hand', 'session', 'session-events'] as const) THROUGHPUT_RUNS.push([implementation, conversations, processes]);
  }
}
for (const conversations of QUICK ? [64] : [64, 512]) THROUGHPUT_RUNS.push(['session-pool', conversations, 1]);
if (!QUICK) for (const implementation of ['hand', 'session'] as const) THROUGHPUT_RUNS.push([implementation, 512, 1, SEMI_SPACE_FLAG]);

const step = stepLogger();

/** Runs the comparison with the peers against `server` and prints it (and writes the docs on a full run). */
export async function runPeers(server: RedisServerHandle): Promise<void> {
  const started = performance.now();
  const adminClient = createClient({ url: server.url });
  adminClient.on('error', (error) => console.error('admin client error:', error));
  const admin = adminClient as unknown as RawCommandClient;
  const stores: Store[] = [];
  try {
    await adminClient.connect();
    const redisVersion = /redis_version:(\S+)/.exec(await adminClient.info('server'))?.[1] ?? '?';
    step(`redis-server ${redisVersion} on ${server.url} (pid ${server.pid})${QUICK ? ', quick run' : ''}`);
    stores.push(
      redisSessionStore(server.url, { changeEvents: false, ttl: null }),
      redisSessionStore(server.url, { changeEvents: true, ttl: null }),
      redisSessionStore(server.url, { changeEvents: false, ttl: TTL_SECONDS }),
      redisSessionStore(server.url, { changeEvents: true, ttl: TTL_SECONDS }),
      await handWrittenStore(server.url, null),
      await handWrittenStore(server.url, TTL_SECONDS),
      memorySessionStore(),
      await langchainStore(server.url),
      await mastraStore(server.url),
      await jsonBlobStore(server.url),
    );

    step('memory per item (1,000 items per store)');
    const memory = runs('memory') ? await measureMemory(stores, admin) : [];

    const latency: LatencyResult[] = [];
    for (const plan of runs('latency') ? PLANS : []) {
      step(`latency: ${plan.label}`);
      latency.push(...(await measureOperation(plan, stores, admin)));
    }
    await admin.sendCommand(['FLUSHALL', 'SYNC']);

    const repetitions = THROUGHPUT_RUNS.map((): ThroughputRun[] => []);
    for (let repetition = 0; repetition < (runs('throughput') ? THROUGHPUT_REPETITIONS : 0); repetition++) {
      step(`throughput, pass ${repetition + 1} of ${THROUGHPUT_REPETITIONS}: ${THROUGHPUT_RUNS.length} configurations`);
      for (const [index, [implementation, conversations, processes, nodeFlags]] of THROUGHPUT_RUNS.entries()) {
        repetitions[index]!.push(await runThroughput(server.url, admin, implementation, conversations, processes, THROUGHPUT_TIMING, nodeFlags));
      }
    }
    const throughput = repetitions.filter((runs) => runs.length > 0).map(medianRun);

    step('redis-benchmark');
    const redisBenchmark = runs('redis-benchmark') ? await runRedisBenchmark(server.port, admin, QUICK ? 20_000 : 100_000) : [];

    const results: BenchResults = {
      machine: describeMachine(redisVersion),
      quick: QUICK,
      itemJsonBytes: itemJsonBytes(),
      stores: stores.map((store) => ({ name: store.name, description: store.description })),
      plans: runs('latency') ? PLANS : [],
      latency,
      memory,
      throughput,
      throughputTiming: { ...THROUGHPUT_TIMING, repetitions: THROUGHPUT_REPETITIONS },
      redisBenchmark,
      targets: checkTargets(latency, PLANS, memory, throughput),
      seconds: (performance.now() - started) / 1000,
    };
    console.log(renderConsole(results));
    if (WRITE_DOCS) {
      const docs = new URL('../../docs/', import.meta.url);
      mkdirSync(docs, { recursive: true });
      // Sections other modes write (the conversations section) stay as they are.
      writeFileSync(new URL('benchmarks.md', docs), renderMarkdown(results, keptSections([CONVERSATIONS_SECTION, OVERHEAD_SECTION, 'compression'])));
      writeFileSync(new URL('benchmarks.svg', docs), renderSvg(results));
      step('wrote docs/benchmarks.md and docs/benchmarks.svg');
    }
  } finally {
    await Promise.allSettled(stores.map((store) => store.close()));
    await adminClient.close().catch(() => {});
  }
}

