/**
 * One process of the throughput test (forked by throughput.ts). Runs
 * `conversations` concurrent conversations, each a loop of full agent turns
 * (read the window, then append the turn), and reports every operation that
 * started and ended inside the measured window.
 *
 * argv[2]: JSON of WorkerConfig. Messages: sends {type:'ready'} after setup,
 * waits for {type:'start', warmupMs, measureMs}, sends {type:'result', ops, latenciesUs}.
 */
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession } from '../../dist/index.js';
import { conversationItems } from '../lib/items.js';
import { TURN, WINDOW } from './latency.js';

export type ThroughputImplementation = 'session' | 'session-events' | 'session-pool' | 'hand';

export interface WorkerConfig {
  url: string;
  implementation: ThroughputImplementation;
  conversations: number;
  /** Distinguishes the conversations of two processes. */
  processIndex: number;
  /** Connections for the pool variant. */
  poolSize: number;
}

interface Turn {
  read(): Promise<unknown>;
  write(): Promise<unknown>;
}

const config = JSON.parse(process.argv[2]!) as WorkerConfig;
// The parent gone (finished, crashed or killed): do not linger holding connections.
process.on('disconnect', () => process.exit(0));
const send = (message: unknown): Promise<void> => new Promise((resolve) => process.send!(message, () => resolve()));

async function main(): Promise<void> {
  const ids = Array.from({ length: config.conversations }, (_, i) => `tp-${config.processIndex}-${i}`);
  const history = conversationItems(100);
  const cleanup: Array<() => Promise<unknown>> = [];
  let turns: Turn[];
  if (config.implementation === 'hand') {
    const client = createClient({ url: config.url });
    client.on('error', (error) => console.error('worker client error:', error));
    await client.connect();
    cleanup.push(() => client.close());
    turns = ids.map((id) => {
      const key = `hand:${id}`;
      return {
        read: async () => (await client.lRange(key, -WINDOW, -1)).map((entry) => JSON.parse(entry) as unknown),
        // Each write stringifies, as the session does.
        write: () => client.rPush(key, TURN.map((item) => JSON.stringify(item))),
      };
    });
    for (const id of ids) await client.rPush(`hand:${id}`, history.map((item) => JSON.stringify(item)));
  } else {
    const url = config.implementation === 'session-pool' ? `${config.url}?max_connections=${config.poolSize}` : config.url;
    const sessions = ids.map(
      (id) => new RedisSession({ redisUrl: url, keyPrefix: 'rs:', conversationId: id, limit: WINDOW, changeEvents: config.implementation === 'session-events' }),
    );
    cleanup.push(async () => {
      await Promise.allSettled(sessions.map((session) => session.close()));
      await closeSharedConnections();
    });
    // getItems() with no argument returns the session's `limit`, as the SDK's runner calls it.
    turns = sessions.map((session) => ({ read: () => session.getItems(), write: () => session.addItems(TURN) }));
    for (const session of sessions) await session.addItems(history);
  }
  await send({ type: 'ready' });
  const start = await new Promise<{ warmupMs: number; measureMs: number }>((resolve) => {
    process.on('message', (message: { type: string; warmupMs: number; measureMs: number }) => {
      if (message.type === 'start') resolve(message);
    });
  });
  const t0 = performance.now();
  const measureFrom = t0 + start.warmupMs;
  const measureTo = measureFrom + start.measureMs;
  const latencies: number[] = [];
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const cpuTimer = setTimeout(() => (cpuAtStart = process.cpuUsage()), Math.max(0, measureFrom - performance.now()));
  const loop = async (turn: Turn): Promise<void> => {
    while (performance.now() < measureTo) {
      for (const operation of [turn.read, turn.write]) {
        const began = performance.now();
        await operation();
        const ended = performance.now();
        if (began >= measureFrom && ended <= measureTo) latencies.push((ended - began) * 1000);
      }
    }
  };
  await Promise.all(turns.map(loop));
  clearTimeout(cpuTimer);
  const cpu = process.cpuUsage(cpuAtStart);
  // CPU time of this process over the measured window (and the tail of the last turns), per measured operation.
  const cpuUs = cpuAtStart ? cpu.user + cpu.system : Number.NaN;
  await send({ type: 'result', ops: latencies.length, measuredMs: start.measureMs, latenciesUs: latencies, cpuUs });
  for (const step of cleanup) await step();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
