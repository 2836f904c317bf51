/**
 * Sequential latency of a few variants in interleaved blocks, the method of the core mode: after a
 * warm-up, every round runs one block of each variant (order reversed every other round), one
 * operation in flight, so drift on a small machine hits every variant alike. Around each block the
 * server's counters (INFO commandstats, total_reads_processed) give commands, server time and round
 * trips, and `process.cpuUsage()` the client's CPU time (user + system, this whole process: the
 * library, node-redis, the event loop and GC). Shared by the conversations and the overhead modes.
 */
import {
  addDeltas,
  diffCounters,
  emptyDelta,
  sampleCommandOrigins,
  serverTimeUs,
  snapshotCounters,
  totalCalls,
  type CommandOrigins,
  type CounterDelta,
  type RawCommandClient,
} from '../../tools/commandStats.js';
import { pairedMeanRatio, pairedRatio, summarize, type LatencySummary } from '../lib/stats.js';

/** One thing to time. */
export interface TimedVariant {
  readonly name: string;
  /** One measured operation. */
  run(): Promise<unknown>;
  /** Checks one result during warm-up, so the benchmark never times a broken operation. */
  check(result: unknown): void;
  /**
   * Untimed setup before `operations` runs, outside the counters (filling or trimming a list): before the warm-up,
   * before the MONITOR sample and before each block.
   */
  prepare?(operations: number): Promise<void>;
}

export interface InterleaveOptions {
  rounds: number;
  /** Operations per block (one variant, one round). */
  block: number;
  /** Untimed operations per variant before the first round. */
  warmup: number;
  /** Operations per variant under MONITOR (untimed), to tell commands sent from commands run in Lua. */
  originSamples: number;
}

/** What one variant measured. */
export interface MeasuredVariant {
  name: string;
  samples: Float64Array;
  latency: LatencySummary;
  /** Socket reads on the server per operation: with one operation in flight, its round trips. */
  roundTripsPerOp: number;
  /** Every command Redis executed per operation (inside scripts too), INFO commandstats. */
  executedPerOp: number;
  /** Server time per operation, µs: commandstats usec of the commands sent (a script's includes what it ran). */
  serverUsPerOp: number;
  /** Commands sent and commands run in Lua, per operation, from a MONITOR sample. */
  origins: CommandOrigins;
  /** Client CPU time per operation, µs: `process.cpuUsage()` user + system around each block / operations. */
  cpuUsPerOp: number;
  /** The server's counters summed over the variant's blocks (per-command calls and usec, socket reads). */
  counters: CounterDelta;
}

/** Runs `variants` in interleaved blocks and returns their samples and counters. */
export async function measureInterleaved(url: string, admin: RawCommandClient, variants: TimedVariant[], options: InterleaveOptions): Promise<MeasuredVariant[]> {
  const { rounds, block, warmup, originSamples } = options;
  for (const variant of variants) {
    await variant.prepare?.(warmup);
    variant.check(await variant.run());
    for (let i = 1; i < warmup; i++) await variant.run();
  }
  const origins = new Map<TimedVariant, CommandOrigins>();
  for (const variant of variants) {
    await variant.prepare?.(originSamples);
    origins.set(variant, await sampleCommandOrigins(url, admin, () => variant.run(), originSamples));
  }

  // The read events of the snapshots themselves (the second INFO's), subtracted from each block.
  const calibration = diffCounters(await snapshotCounters(admin), await snapshotCounters(admin));
  const states = variants.map((variant) => ({ variant, samples: new Float64Array(rounds * block), measured: 0, counters: emptyDelta() as CounterDelta, cpuUs: 0 }));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? states : [...states].reverse();
    for (const state of order) {
      await state.variant.prepare?.(block);
      const before = await snapshotCounters(admin);
      const cpu = process.cpuUsage();
      for (let i = 0; i < block; i++) {
        const start = process.hrtime.bigint();
        await state.variant.run();
        state.samples[state.measured++] = Number(process.hrtime.bigint() - start) / 1000;
      }
      const used = process.cpuUsage(cpu);
      state.cpuUs += used.user + used.system;
      const delta = diffCounters(before, await snapshotCounters(admin));
      delta.readsProcessed -= calibration.readsProcessed;
      state.counters = addDeltas(state.counters, delta);
    }
  }
  return states.map(({ variant, samples, measured, counters, cpuUs }) => ({
    name: variant.name,
    samples,
    latency: summarize(samples),
    roundTripsPerOp: counters.readsProcessed / measured,
    executedPerOp: totalCalls(counters.calls) / measured,
    serverUsPerOp: serverTimeUs(counters, topLevel(origins.get(variant)!)) / measured,
    origins: origins.get(variant)!,
    cpuUsPerOp: cpuUs / measured,
    counters,
  }));
}

/** The commands sent outside a MULTI (EXEC's time includes the queued ones, as a script's includes what it ran). */
function topLevel({ sent, queued }: CommandOrigins): Map<string, number> {
  return new Map([...sent].filter(([name, count]) => count - (queued.get(name) ?? 0) > 1e-6));
}

/** Latency of `a` against `b`, measured in the same interleaved run. */
export interface LatencyComparison {
  /** Median over rounds of (median of a's block / median of b's block): drift-robust. */
  medianRatio: number;
  /** Median over rounds of (mean of a's block / mean of b's block): drift-robust. */
  meanRatio: number;
  /** Mean of all of a's samples / mean of all of b's (a few stalls on a busy machine move it). */
  overallMeanRatio: number;
  /** p99 of a / p99 of b (informative: a p99 of a few thousand samples is noisy). */
  p99Ratio: number;
}

export function compareLatency(a: MeasuredVariant, b: MeasuredVariant, block: number): LatencyComparison {
  return {
    medianRatio: pairedRatio(a.samples, b.samples, block),
    meanRatio: pairedMeanRatio(a.samples, b.samples, block),
    overallMeanRatio: a.latency.meanUs / b.latency.meanUs,
    p99Ratio: a.latency.p99Us / b.latency.p99Us,
  };
}

/**
 * "evalsha 1, zadd 1 | in Lua: hset 1, rpush 1" or "multi 1, exec 1 | in MULTI: rpush 1, expire 2":
 * commands per operation, sent then queued in a MULTI or run inside scripts.
 */
export function describeOrigins({ sent, insideLua, queued }: CommandOrigins): string {
  const list = (calls: ReadonlyMap<string, number>): string =>
    [...calls]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${name} ${Number.isInteger(Math.round(count * 100) / 100) ? Math.round(count) : count.toFixed(2)}`)
      .join(', ');
  const lua = list(insideLua);
  const inMulti = list(queued);
  return `${list(topLevel({ sent, insideLua, queued }))}${inMulti ? ` | in MULTI: ${inMulti}` : ''}${lua ? ` | in Lua: ${lua}` : ''}`;
}
