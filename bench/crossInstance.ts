/**
 * Cross-instance latency of the change feed: process A appends to a
 * conversation (`addItems`), a listener in process B (`session.subscribe`)
 * receives the change event. Run with `npm run bench:cross`.
 *
 * - Starts its own redis-server on a free loopback port (never 6379), without persistence.
 * - A writes one item per write, paced (one write every BENCH_INTERVAL_MS, default 2 ms,
 *   one in flight at a time), BENCH_WRITES times (default 2000) after 200 unmeasured warm-up writes.
 * - Each item carries A's `process.hrtime.bigint()` at the start of the write. That
 *   clock is CLOCK_MONOTONIC, shared by every process of the machine, so B subtracts it
 *   from its own reading when the event arrives: the delay from "A starts the write"
 *   to "B's listener runs" (A→Redis, the script, the publish, Redis→B, parsing).
 * - Also reports A's write latency (start → addItems resolved) and the delay from the
 *   server's timestamp (`event.at`, whole ms) to B, for context.
 * - Goal: p50 under 2 ms and p99 under 10 ms on loopback.
 *
 * Environment: BENCH_WRITES (default 2000), BENCH_INTERVAL_MS (default 2).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeSharedConnections, RedisSession, type ChangeEvent } from '../dist/index.js';
import { startRedisServer } from '../tools/throwawayRedis.js';
import { summarize, type LatencySummary } from './lib/stats.js';
import { table } from './lib/table.js';
import { positiveInteger } from './lib/env.js';

const WRITES = positiveInteger('BENCH_WRITES', 2000);
const INTERVAL_MS = positiveInteger('BENCH_INTERVAL_MS', 2);
const WARMUP = 200;
const KEY_PREFIX = 'bench:xi:';
const GOAL_P50_MS = 2;
const GOAL_P99_MS = 10;
/** How long B may take to deliver the last events after A's last write. */
const DRAIN_TIMEOUT_MS = 10_000;

/** Messages from the listener process to the writer. */
type ListenerMessage =
  | { type: 'ready' }
  | { type: 'result'; received: number; gaps: number; delaysUs: number[]; fromServerUs: number[] };


/** Process B: subscribes, records the delay of every measured event, reports when told how many to expect. */
async function listener(redisUrl: string, conversationId: string): Promise<void> {
  const session = new RedisSession({ redisUrl, conversationId, keyPrefix: KEY_PREFIX });
  const delaysUs: number[] = [];
  const fromServerUs: number[] = [];
  let gaps = 0;
  let expected = Number.POSITIVE_INFINITY;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onEvent = (event: ChangeEvent) => {
    const now = process.hrtime.bigint();
    const wallNow = performance.timeOrigin + performance.now();
    const text = event.items?.[0] && 'content' in event.items[0] ? String(event.items[0].content) : '';
    const [phase, sentAt] = text.split(' ');
    if (phase !== 'measured' || sentAt === undefined) return;
    delaysUs.push(Number(now - BigInt(sentAt)) / 1000);
    fromServerUs.push((wallNow - event.at) * 1000);
    if (delaysUs.length >= expected) finish();
  };
  const unsubscribe = await session.subscribe(onEvent, { onGap: () => gaps++ });
  process.on('message', (message: { type: string; expected: number }) => {
    if (message.type !== 'done') return;
    expected = message.expected;
    if (delaysUs.length >= expected) finish();
    setTimeout(finish, DRAIN_TIMEOUT_MS).unref();
  });
  process.send!({ type: 'ready' } satisfies ListenerMessage);
  await finished;
  process.send!({ type: 'result', received: delaysUs.length, gaps, delaysUs, fromServerUs } satisfies ListenerMessage);
  await unsubscribe();
  await session.close();
  await closeSharedConnections();
  process.disconnect();
}

/** Waits for the next message of `type` from the listener. */
function nextMessage<T extends ListenerMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ListenerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ListenerMessage) => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message as Extract<ListenerMessage, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`listener exited with code ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const ms = (us: number) => (us / 1000).toFixed(3);
const row = (name: string, s: LatencySummary) => [name, String(s.count), ms(s.medianUs), ms(s.p99Us), ms(s.meanUs), ms(s.maxUs)];

/** Process A: starts the server and the listener, writes, and prints the results. */
async function writer(): Promise<void> {
  const server = await startRedisServer({ logName: 'bench' });
  const conversationId = `xi-${Date.now()}`;
  const session = new RedisSession({ redisUrl: server.url, conversationId, keyPrefix: KEY_PREFIX });
  let child: ChildProcess | undefined;
  try {
    console.log(`Cross-instance change-feed latency · redis-server pid ${server.pid} on ${server.url}`);
    console.log(`${os.cpus().length} CPUs · Node ${process.version} · ${WRITES} writes, one every ${INTERVAL_MS} ms, after ${WARMUP} warm-up writes\n`);
    child = fork(fileURLToPath(import.meta.url), ['--listener', server.url, conversationId], { execArgv: ['--import', 'tsx'] });
    await nextMessage(child, 'ready');

    const writeUs: number[] = [];
    const start = performance.now();
    for (let i = 0; i < WARMUP + WRITES; i++) {
      const due = start + i * INTERVAL_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const phase = i < WARMUP ? 'warmup' : 'measured';
      const sentAt = process.hrtime.bigint();
      await session.addItems([{ role: 'user', content: `${phase} ${sentAt} ${i}` }]);
      if (phase === 'measured') writeUs.push(Number(process.hrtime.bigint() - sentAt) / 1000);
    }
    const result = nextMessage(child, 'result');
    child.send({ type: 'done', expected: WRITES });
    const { received, gaps, delaysUs, fromServerUs } = await result;

    const delay = summarize(delaysUs);
    console.log(
      table(
        ['measure (ms)', 'n', 'p50', 'p99', 'mean', 'max'],
        [row('write → listener in B', delay), row('addItems in A (ack)', summarize(writeUs)), row('server at → B', summarize(fromServerUs))],
        new Set([1, 2, 3, 4, 5]),
      ),
    );
    console.log(`\nreceived ${received} of ${WRITES} measured events; gaps reported: ${gaps}`);
    const p50 = delay.medianUs / 1000;
    const p99 = delay.p99Us / 1000;
    console.log(`p50 ${p50.toFixed(3)} ms < ${GOAL_P50_MS} ms: ${p50 < GOAL_P50_MS ? 'yes' : 'NO'}`);
    console.log(`p99 ${p99.toFixed(3)} ms < ${GOAL_P99_MS} ms: ${p99 < GOAL_P99_MS ? 'yes' : 'NO'}`);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await session.close();
    await closeSharedConnections();
    await server.stop();
  }
}

if (process.argv[2] === '--listener') await listener(process.argv[3]!, process.argv[4]!);
else await writer();
