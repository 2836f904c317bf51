/**
 * The `core` mode of the benchmark (bench/compare.ts): RedisSession's core operations against
 * hand-written node-redis commands doing the same job (the two stores of stores/redisSession.ts and
 * stores/handWritten.ts, without and with a TTL), measured in the same run so the ratios hold.
 *
 * - Measures sequential latency (one operation in flight) of getItems(20) at a history of 100 and
 *   10,000 items, addItems (one turn: 2 items) and popItem.
 * - Variants run in interleaved blocks (rounds A/B/A/B, order reversed every other round) after a
 *   warm-up, so drift on a small machine does not bias the ratios; each ratio is the median over
 *   rounds of the ratio of block medians, and the table gives median, p99 and mean of each variant.
 * - Counts commands per operation with INFO commandstats. Commands that a Lua script runs with
 *   redis.call ARE counted in commandstats (an EVALSHA of popItem shows up as evalsha=1, rpop=1,
 *   expire=2), so "sent" and "in Lua" come from a MONITOR sample; see tools/commandStats.ts.
 * - Round trips per operation come from the server's total_reads_processed.
 *
 * Environment: BENCH_ITERATIONS (per variant, default 6000), BENCH_ROUNDS (default 120: blocks of 50),
 * BENCH_CHANGE_EVENTS=1 (sessions with change events on).
 */
import os from 'node:os';
import { createClient } from 'redis';
import { emptyDelta, totalCalls, type CommandOrigins, type CounterDelta, type RawCommandClient } from '../../tools/commandStats.js';
import type { RedisServerHandle } from '../../tools/throwawayRedis.js';
import { conversationItems } from '../lib/items.js';
import { pairedRatio, summarize, type LatencySummary } from '../lib/stats.js';
import { table } from '../lib/table.js';
import { measureInterleaved } from './interleaved.js';
import { TURN, WINDOW } from './latency.js';
import { handWrittenStore } from './stores/handWritten.js';
import { redisSessionStore } from './stores/redisSession.js';
import type { Conversation, Store } from './stores/types.js';
import { positiveInteger } from '../lib/env.js';

const TTL_SECONDS = 3600;
const SMALL_HISTORY = 100;
const LARGE_HISTORY = 10_000;
const ITERATIONS = positiveInteger('BENCH_ITERATIONS', 6000);
const ROUNDS = positiveInteger('BENCH_ROUNDS', 120);
const BLOCK = Math.ceil(ITERATIONS / ROUNDS);
const WARMUP = 500;
const ORIGIN_SAMPLES = 20;
/**
 * Sessions run with `changeEvents: false` by default, so that they do the same job as the hand-written commands
 * (store and read); BENCH_CHANGE_EVENTS=1 measures the default, where every write also versions and publishes.
 */
const CHANGE_EVENTS = process.env.BENCH_CHANGE_EVENTS === '1';

/** Targets. */
const MAX_GROWTH_RATIO = 1.2;
const MAX_OVERHEAD_RATIO = 1.1;
const ROUND_TRIP_TARGET = 1;

type Operation = 'getItems(20)@100' | 'getItems(20)@10000' | 'addItems(2)' | 'popItem';
type Implementation = 'session' | 'hand-written';

interface Variant {
  operation: Operation;
  implementation: Implementation;
  ttl: boolean;
  /** One measured operation. */
  run(): Promise<unknown>;
  /** Untimed setup before a block of `iterations` operations (fills or trims the list). */
  prepare(iterations: number): Promise<void>;
  /** Checks one result during warm-up, so the benchmark never times a broken operation. */
  check(result: unknown): void;
  samples: Float64Array;
  measured: number;
  counters: CounterDelta;
  /** Commands sent and run in Lua per operation, from a MONITOR sample. */
  origins?: CommandOrigins;
  /** Server µs per operation (a script's and EXEC's time include what they ran; see interleaved.ts). */
  serverUsPerOp?: number;
}


function variantName(variant: Pick<Variant, 'implementation' | 'ttl'>): string {
  return `${variant.implementation}${variant.ttl ? ' ttl' : ''}`;
}

function expectItems(count: number) {
  return (result: unknown): void => {
    if (!Array.isArray(result) || result.length !== count || typeof result[0] !== 'object') {
      throw new Error(`expected ${count} items, got ${JSON.stringify(result)?.slice(0, 200)}`);
    }
  };
}

function expectItem(result: unknown): void {
  if (result === null || typeof result !== 'object') throw new Error(`expected an item, got ${String(result)}`);
}

function expectAnything(): void {}

/** Runs the core benchmark against `server` and prints its tables and verdicts. */
export async function runCore(server: RedisServerHandle): Promise<void> {
  const started = performance.now();
  const admin = createClient({ url: server.url });
  admin.on('error', (error) => console.error('admin client error:', error));
  const stores: Array<{ store: Store; implementation: Implementation; ttl: boolean }> = [];
  try {
    await admin.connect();
    const redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? '?';
    for (const ttl of [false, true]) {
      const seconds = ttl ? TTL_SECONDS : null;
      stores.push({ store: redisSessionStore(server.url, { changeEvents: CHANGE_EVENTS, ttl: seconds }), implementation: 'session', ttl });
      stores.push({ store: await handWrittenStore(server.url, seconds), implementation: 'hand-written', ttl });
    }

    const variants: Variant[] = [];
    for (const { store, implementation, ttl } of stores) {
      const name = variantName({ implementation, ttl }).replace(' ', '-');
      const conversation = (id: string): Conversation => store.conversation(`core-${name}-${id}`);
      const add = (operation: Operation, run: () => Promise<unknown>, prepare: (iterations: number) => Promise<void>, check: (result: unknown) => void): void => {
        variants.push({ operation, implementation, ttl, run, prepare, check, samples: new Float64Array(BLOCK * ROUNDS), measured: 0, counters: emptyDelta() });
      };
      const refill = async (target: Conversation, count: number): Promise<void> => {
        await target.clear();
        await target.fill(conversationItems(count));
      };
      // Reads: every variant reads a list of the same size, filled once.
      for (const [operation, size] of [['getItems(20)@100', SMALL_HISTORY], ['getItems(20)@10000', LARGE_HISTORY]] as const) {
        const reader = conversation(`history-${size}`);
        await refill(reader, size);
        add(operation, () => reader.last(WINDOW), async () => {}, expectItems(WINDOW));
      }
      // addItems: each block starts from a history of 100 items.
      const writer = conversation('add');
      add('addItems(2)', () => writer.append(TURN), () => refill(writer, SMALL_HISTORY), expectAnything);
      // popItem: each block starts with enough items to pop and 100 left over.
      const popper = conversation('pop');
      add('popItem', () => popper.pop!(), (iterations) => refill(popper, iterations + SMALL_HISTORY), expectItem);
    }
    // Group by operation so that session and hand-written blocks of one operation run back to back.
    const operationOrder: Operation[] = ['getItems(20)@100', 'getItems(20)@10000', 'addItems(2)', 'popItem'];
    variants.sort((a, b) => operationOrder.indexOf(a.operation) - operationOrder.indexOf(b.operation) || Number(a.ttl) - Number(b.ttl));

    // Warm-up (JIT, connections, the EVALSHA cache), the MONITOR sample of which commands each operation sends and
    // which its scripts run, then the interleaved blocks: the runner the other modes share.
    const measured = await measureInterleaved(
      server.url,
      admin as unknown as RawCommandClient,
      variants.map((variant) => ({ name: `${variant.operation} ${variantName(variant)}`, run: variant.run, check: variant.check, prepare: variant.prepare })),
      { rounds: ROUNDS, block: BLOCK, warmup: WARMUP, originSamples: ORIGIN_SAMPLES },
    );
    variants.forEach((variant, i) => {
      const { samples, counters, origins, serverUsPerOp } = measured[i]!;
      Object.assign(variant, { samples, measured: samples.length, counters, origins, serverUsPerOp });
    });

    report(variants, {
      redisVersion,
      port: server.port,
      seconds: (performance.now() - started) / 1000,
    });
  } finally {
    await Promise.allSettled(stores.map(({ store }) => store.close()));
    await admin.close().catch(() => {});
  }
}

interface Result {
  variant: Variant;
  latency: LatencySummary;
  sentPerOp: number;
  luaPerOp: number;
  roundTripsPerOp: number;
  serverUsPerOp: number;
  breakdown: string;
}

function perOp(calls: ReadonlyMap<string, number>, iterations: number): string {
  return [...calls]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name} ${formatCount(count / iterations)}`)
    .join(', ');
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function summarizeVariant(variant: Variant): Result {
  const { sent, insideLua } = variant.origins ?? { sent: new Map(), insideLua: new Map() };
  const n = variant.measured;
  const lua = perOp(insideLua, 1);
  return {
    variant,
    latency: summarize(variant.samples.subarray(0, n)),
    sentPerOp: totalCalls(sent),
    luaPerOp: totalCalls(insideLua),
    roundTripsPerOp: variant.counters.readsProcessed / n,
    serverUsPerOp: variant.serverUsPerOp ?? NaN,
    breakdown: `${perOp(sent, 1)}${lua ? ` | in Lua: ${lua}` : ''}`,
  };
}

function report(variants: Variant[], environment: { redisVersion: string; port: number; seconds: number }): void {
  const results = variants.map(summarizeVariant);
  const find = (operation: Operation, implementation: Implementation, ttl: boolean): Result =>
    results.find((r) => r.variant.operation === operation && r.variant.implementation === implementation && r.variant.ttl === ttl)!;

  const load = os.loadavg()[0]!.toFixed(1);
  console.log(
    `\nRedisSession core benchmark: node ${process.version}, redis-server ${environment.redisVersion} on 127.0.0.1:${environment.port}, ` +
      `${os.cpus().length} CPUs, load average ${load}. ${BLOCK * ROUNDS} sequential ops per variant in ${ROUNDS} interleaved rounds ` +
      `of ${BLOCK}, after ${WARMUP} warm-up ops; items ~400 B of JSON; "ttl" variants use ttl ${TTL_SECONDS}; ` +
      `session changeEvents: ${CHANGE_EVENTS}.`,
  );
  if (os.loadavg()[0]! > os.cpus().length) {
    console.log('Warning: the machine is busier than its CPU count; absolute latencies are inflated, ratios are noisier.');
  }
  console.log(
    'hand-written: LRANGE key -20 -1 + JSON.parse each, RPUSH key ...JSON.stringify(items), RPOP + JSON.parse; with ttl, inside\n' +
      'MULTI ... EXPIRE key EXPIRE meta EXEC (both keys, as the session slides its items and its metadata).\n' +
      'executed/op: every command Redis ran (INFO commandstats). sent/op: commands the client sent (EVALSHA counts once); ' +
        'in Lua/op: commands its script ran (split read from a MONITOR sample). server µs/op: commandstats usec of the sent commands (a script and an EXEC include what they ran).\n',
  );
  console.log(
    table(
      ['operation', 'implementation', 'median µs', 'p99 µs', 'mean µs', 'server µs/op', 'executed/op', 'sent/op', 'in Lua/op', 'round trips/op', 'commands per op'],
      results.map((r) => [
        r.variant.operation,
        variantName(r.variant),
        r.latency.medianUs.toFixed(1),
        r.latency.p99Us.toFixed(1),
        r.latency.meanUs.toFixed(1),
        r.serverUsPerOp.toFixed(1),
        formatCount(totalCalls(r.variant.counters.calls) / r.variant.measured),
        formatCount(r.sentPerOp),
        formatCount(r.luaPerOp),
        r.roundTripsPerOp.toFixed(2),
        r.breakdown,
      ]),
      new Set([2, 3, 4, 5, 6, 7, 8, 9]),
    ),
  );

  const verdicts: string[][] = [];
  const verdict = (check: string, value: number, target: string, pass: boolean | undefined, detail: string): void => {
    verdicts.push([check, value.toFixed(2), target, pass === undefined ? '' : pass ? 'PASS' : 'MISS', detail]);
  };
  /** Ratio of two variants' latencies: per-round (drift-robust, the verdict's value), and of the overall medians. */
  const compare = (a: Result, b: Result): { paired: number; detail: string } => {
    const paired = pairedRatio(a.variant.samples, b.variant.samples, BLOCK);
    const overall = a.latency.medianUs / b.latency.medianUs;
    return { paired, detail: `medians ${a.latency.medianUs.toFixed(1)} / ${b.latency.medianUs.toFixed(1)} µs = ${overall.toFixed(2)}` };
  };
  for (const ttl of [false, true]) {
    for (const implementation of ['session', 'hand-written'] as const) {
      const { paired, detail } = compare(find('getItems(20)@10000', implementation, ttl), find('getItems(20)@100', implementation, ttl));
      const name = `getItems(20) @10,000 / @100, ${variantName({ implementation, ttl })}`;
      if (implementation === 'session') verdict(name, paired, `≤ ${MAX_GROWTH_RATIO}×`, paired <= MAX_GROWTH_RATIO, detail);
      else verdict(name, paired, '(reference)', undefined, detail);
    }
  }
  for (const operation of ['getItems(20)@100', 'getItems(20)@10000', 'addItems(2)', 'popItem'] as const) {
    for (const ttl of [false, true]) {
      const { paired, detail } = compare(find(operation, 'session', ttl), find(operation, 'hand-written', ttl));
      verdict(`${operation} session / hand-written${ttl ? ', ttl' : ''}`, paired, `≤ ${MAX_OVERHEAD_RATIO}×`, paired <= MAX_OVERHEAD_RATIO, detail);
    }
  }
  for (const r of results.filter((result) => result.variant.implementation === 'session')) {
    // The target is one round trip; how many commands travel in it (1 for EVALSHA, more for MULTI ... EXEC) is shown.
    verdict(
      `${r.variant.operation} round trips/op, ${variantName(r.variant)}`,
      r.roundTripsPerOp,
      `= ${ROUND_TRIP_TARGET}`,
      Math.abs(r.roundTripsPerOp - ROUND_TRIP_TARGET) < 0.01,
      `sent ${formatCount(r.sentPerOp)}/op: ${r.breakdown}`,
    );
  }
  console.log('\nRatios: value = median over rounds of (median of block A / median of block B), robust to drift; detail: overall medians.');
  console.log(table(['check', 'value', 'target', 'verdict', 'detail'], verdicts, new Set([1])));
  const missed = verdicts.filter((row) => row[3] === 'MISS').length;
  console.log(`\n${missed === 0 ? 'All targets met.' : `${missed} target(s) missed.`} Total runtime ${environment.seconds.toFixed(1)} s.`);
}
