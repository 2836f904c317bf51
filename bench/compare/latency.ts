/**
 * Sequential latency of each operation for each store: one operation in
 * flight, in interleaved rounds (every store runs one block per round, the
 * order reversed every other round) so drift on a small machine hits all
 * stores alike. Counts the commands Redis executed (INFO commandstats,
 * including those run inside Lua scripts and EXEC) and the round trips
 * (total_reads_processed) per operation.
 */
import type { AgentInputItem } from '@openai/agents';
import { diffCounters, snapshotCounters, totalCalls, type RawCommandClient } from '../../tools/commandStats.js';
import { conversationItem, conversationItems } from '../lib/items.js';
import { pairedRatio, summarize, type LatencySummary } from '../lib/stats.js';
import type { Conversation, Store } from './stores/types.js';

export type OperationName = 'append' | 'read20@100' | 'read20@1000' | 'read20@10000' | 'pop' | 'clear';

export interface OperationPlan {
  name: OperationName;
  label: string;
  /** Operations per block (one store, one round). */
  block: number;
  rounds: number;
  /** Wall-clock budget per store for the whole operation; slow stores run fewer operations (at least one per round). */
  budgetMs: number;
}

export interface LatencyResult {
  store: string;
  operation: OperationName;
  supported: boolean;
  samples: Float64Array;
  latency?: LatencySummary;
  /** Commands Redis executed per operation (inside scripts and EXEC included). */
  executedPerOp?: number;
  /** Request round trips per operation (socket reads on the server). */
  roundTripsPerOp?: number;
  /** Executed commands by name, per operation. */
  breakdown?: string;
  /** Server time (commandstats usec) per call, by command name; a script's or EXEC's time includes the commands it ran. */
  serverUsPerCall?: Map<string, number>;
}

export const WINDOW = 20;
/** One agent turn: a user message and the assistant's answer (~400 B of JSON each). */
export const TURN: AgentInputItem[] = [conversationItem(100_000), conversationItem(100_003)];

/** Untimed setup of one block, returning the operation to time (called `block` times). */
type Prepared = (conversationFor: (id: string) => Conversation) => Promise<() => Promise<unknown>>;

function preparation(operation: OperationName, block: number, store: Store): Prepared | undefined {
  const read = (size: number): Prepared => {
    let ready: Conversation | undefined;
    return async (conversationFor) => {
      if (!ready) {
        ready = conversationFor(`history-${size}`);
        await ready.clear();
        await ready.fill(conversationItems(size));
      }
      const conversation = ready;
      return () => conversation.last(WINDOW);
    };
  };
  switch (operation) {
    case 'read20@100':
      return read(100);
    case 'read20@1000':
      return read(1000);
    case 'read20@10000':
      return read(10_000);
    case 'append':
      // Each block starts from a history of 100 items, so a store whose cost grows with the history is not measured at 1,000.
      return async (conversationFor) => {
        const conversation = conversationFor('append');
        await conversation.clear();
        await conversation.fill(conversationItems(100));
        return () => conversation.append(TURN);
      };
    case 'pop':
      if (!store.conversation('probe').pop) return undefined;
      return async (conversationFor) => {
        const conversation = conversationFor('pop');
        await conversation.clear();
        await conversation.fill(conversationItems(block + 100));
        return () => conversation.pop!();
      };
    case 'clear':
      // Each operation clears its own conversation of 100 items.
      return async (conversationFor) => {
        const conversations = Array.from({ length: block }, (_, i) => conversationFor(`clear-${i}`));
        for (const conversation of conversations) await conversation.fill(conversationItems(100));
        let next = 0;
        return () => conversations[next++ % conversations.length]!.clear();
      };
  }
}

function perOpBreakdown(calls: ReadonlyMap<string, number>, ops: number): string {
  return [...calls]
    .sort(([, a], [, b]) => b - a)
    .map(([name, count]) => `${name} ${Number.isInteger(count / ops) ? count / ops : (count / ops).toFixed(2)}`)
    .join(', ');
}

/**
 * Measures `plan` for every store. `admin` is a client of the same server
 * that is not being measured (for INFO and cleanup).
 */
export async function measureOperation(plan: OperationPlan, stores: Store[], admin: RawCommandClient): Promise<LatencyResult[]> {
  const states = stores.map((store) => {
    const cache = new Map<string, Conversation>();
    return {
      store,
      prepare: preparation(plan.name, plan.block, store),
      conversationFor: (id: string): Conversation => {
        let conversation = cache.get(id);
        if (!conversation) cache.set(id, (conversation = store.conversation(`${plan.name}-${id}`)));
        return conversation;
      },
      cache,
      samples: [] as number[],
      blocks: [] as number[],
      spentMs: 0,
      executed: new Map<string, number>(),
      usec: new Map<string, number>(),
      reads: 0,
      countedOps: 0,
    };
  });
  const calibration = diffCounters(await snapshotCounters(admin), await snapshotCounters(admin));

  // Warm-up: one untimed block each (JIT, connections, script cache).
  for (const state of states) {
    if (!state.prepare) continue;
    const run = await state.prepare(state.conversationFor);
    for (let i = 0; i < Math.min(plan.block, 50); i++) await run();
  }
  const perRoundBudget = plan.budgetMs / plan.rounds;
  for (let round = 0; round < plan.rounds; round++) {
    const order = round % 2 === 0 ? states : [...states].reverse();
    for (const state of order) {
      if (!state.prepare) continue;
      const run = await state.prepare(state.conversationFor);
      const before = await snapshotCounters(admin);
      const started = performance.now();
      let done = 0;
      while (done < plan.block && (done === 0 || performance.now() - started < perRoundBudget)) {
        const start = process.hrtime.bigint();
        await run();
        state.samples.push(Number(process.hrtime.bigint() - start) / 1000);
        done++;
      }
      state.spentMs += performance.now() - started;
      state.blocks.push(done);
      if (state.store.usesRedis) {
        const delta = diffCounters(before, await snapshotCounters(admin));
        for (const [name, count] of delta.calls) state.executed.set(name, (state.executed.get(name) ?? 0) + count);
        for (const [name, time] of delta.usec) state.usec.set(name, (state.usec.get(name) ?? 0) + time);
        state.reads += delta.readsProcessed - calibration.readsProcessed;
        state.countedOps += done;
      }
    }
  }
  // Leave the keyspace as it was: peers whose operations scan it must not pay for earlier phases.
  for (const state of states) for (const conversation of state.cache.values()) await conversation.clear();

  return states.map((state) => {
    if (!state.prepare) return { store: state.store.name, operation: plan.name, supported: false, samples: new Float64Array() };
    const samples = Float64Array.from(state.samples);
    const ops = state.countedOps;
    return {
      store: state.store.name,
      operation: plan.name,
      supported: true,
      samples,
      latency: summarize(samples),
      executedPerOp: state.store.usesRedis ? totalCalls(state.executed) / ops : 0,
      roundTripsPerOp: state.store.usesRedis ? state.reads / ops : 0,
      breakdown: state.store.usesRedis ? perOpBreakdown(state.executed, ops) : 'in process',
      serverUsPerCall: new Map([...state.usec].map(([name, time]) => [name, time / state.executed.get(name)!])),
    };
  });
}

/** Drift-robust ratio of two stores' latencies: median over rounds of the ratio of block medians (full blocks only). */
export function latencyRatio(a: LatencyResult, b: LatencyResult, block: number): number {
  if (a.samples.length < block || b.samples.length < block) return a.latency!.medianUs / b.latency!.medianUs;
  const full = (r: LatencyResult) => r.samples.length % block === 0 && r.samples.length >= block;
  return full(a) && full(b) ? pairedRatio(a.samples, b.samples, block) : a.latency!.medianUs / b.latency!.medianUs;
}
