/**
 * Throughput of full agent turns (getItems, then addItems of one turn) with N
 * concurrent conversations, from one process and from two child processes
 * (N split between them), for the session and for hand-written node-redis
 * (LRANGE + RPUSH). Every run is in fresh child processes, so the parent's
 * loaded peers and garbage do not weigh on it; the database is flushed between runs.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RawCommandClient } from '../../tools/commandStats.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import type { ThroughputImplementation, WorkerConfig } from './throughputWorker.js';

export interface ThroughputRun {
  implementation: ThroughputImplementation;
  /** Extra V8 flags of the worker processes ('' for none). */
  nodeFlags: string;
  conversations: number;
  processes: number;
  /** Median over the repetitions of the configuration. */
  opsPerSecond: number;
  /** ops/s of each repetition (they run interleaved with the other configurations). */
  repetitions: number[];
  /** Latency of one session operation, from the repetition with the median ops/s. */
  latency: LatencySummary;
  /** CPU time of the Node process(es) per session operation, in µs (user + system). */
  clientCpuUsPerOp: number;
}

/** Combines repetitions of one configuration: the median run by ops/s stands for it. */
export function medianRun(runs: ThroughputRun[]): ThroughputRun {
  const sorted = [...runs].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...middle, repetitions: runs.map((run) => run.opsPerSecond) };
}

const WORKER = fileURLToPath(new URL('./throughputWorker.ts', import.meta.url));

interface WorkerHandle {
  ready: Promise<void>;
  result: Promise<{ ops: number; measuredMs: number; latenciesUs: number[]; cpuUs: number }>;
  start(warmupMs: number, measureMs: number): void;
  kill(): void;
}

function startWorker(config: WorkerConfig, nodeFlags: string): WorkerHandle {
  const execArgv = [...(nodeFlags ? nodeFlags.split(' ') : []), '--import', 'tsx'];
  const child = fork(WORKER, [JSON.stringify(config)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onReady!: () => void;
  let onResult!: (value: { ops: number; measuredMs: number; latenciesUs: number[]; cpuUs: number }) => void;
  let onError!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onError = reject;
  });
  const result = new Promise<{ ops: number; measuredMs: number; latenciesUs: number[]; cpuUs: number }>((resolve, reject) => {
    onResult = resolve;
    const previous = onError;
    onError = (error) => {
      previous(error);
      reject(error);
    };
  });
  result.catch(() => {});
  child.on('message', (message: { type: string; ops: number; measuredMs: number; latenciesUs: number[]; cpuUs: number }) => {
    if (message.type === 'ready') onReady();
    if (message.type === 'result') onResult(message);
  });
  child.on('exit', (code) => {
    if (code !== 0) onError(new Error(`throughput worker exited with code ${code}`));
  });
  return {
    ready,
    result,
    start: (warmupMs, measureMs) => child.send({ type: 'start', warmupMs, measureMs }),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** One run: `processes` workers sharing `conversations` between them. */
export async function runThroughput(
  url: string,
  admin: RawCommandClient,
  implementation: ThroughputImplementation,
  conversations: number,
  processes: number,
  timing: { warmupMs: number; measureMs: number; poolSize: number },
  nodeFlags = '',
): Promise<ThroughputRun> {
  await admin.sendCommand(['FLUSHALL', 'SYNC']);
  const workers = Array.from({ length: processes }, (_, processIndex) =>
    startWorker({ url, implementation, conversations: Math.ceil(conversations / processes), processIndex, poolSize: timing.poolSize }, nodeFlags),
  );
  try {
    await Promise.all(workers.map((worker) => worker.ready));
    for (const worker of workers) worker.start(timing.warmupMs, timing.measureMs);
    const results = await Promise.all(workers.map((worker) => worker.result));
    const latencies = results.flatMap((result) => result.latenciesUs);
    const ops = results.reduce((sum, result) => sum + result.ops, 0);
    const opsPerSecond = ops / (timing.measureMs / 1000);
    const clientCpuUsPerOp = results.reduce((sum, result) => sum + result.cpuUs, 0) / ops;
    return { implementation, nodeFlags, conversations, processes, opsPerSecond, repetitions: [opsPerSecond], latency: summarize(latencies), clientCpuUsPerOp };
  } finally {
    for (const worker of workers) worker.kill();
    await admin.sendCommand(['FLUSHALL', 'SYNC']);
  }
}
