/** The benchmark's targets (against LangChain, hand-written node-redis, memory per item, throughput), checked against one run's results. */
import type { LatencyResult, OperationName, OperationPlan } from './latency.js';
import { latencyRatio } from './latency.js';
import type { MemoryResult } from './memory.js';
import type { ThroughputRun } from './throughput.js';

export const STORE = {
  sessionOff: 'RedisSession (events off)',
  sessionOn: 'RedisSession (events on)',
  sessionOffTtl: 'RedisSession (events off, ttl)',
  sessionOnTtl: 'RedisSession (events on, ttl)',
  hand: 'node-redis by hand',
  handTtl: 'node-redis by hand (ttl)',
  langchain: 'LangChain RedisChatMessageHistory',
} as const;

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
  detail: string;
}

export const THROUGHPUT_TARGET_OPS = 50_000;
export const THROUGHPUT_TARGET_P99_MS = 5;

const fmt = (value: number, digits = 2): string => value.toFixed(digits);
/** A ratio with 2 decimals, or 3 when 2 would round it onto the other side of its threshold. */
const fmtRatio = (value: number, threshold: number): string =>
  (Number(value.toFixed(2)) >= threshold) === (value >= threshold) ? value.toFixed(2) : value.toFixed(3);

export function checkTargets(latency: LatencyResult[], plans: OperationPlan[], memory: MemoryResult[], throughput: ThroughputRun[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (store: string, operation: OperationName) => latency.find((r) => r.store === store && r.operation === operation && r.supported);
  const block = (operation: OperationName) => plans.find((plan) => plan.name === operation)!.block;

  // 1. Against LangChain.
  for (const [operation, factor, label] of [
    ['read20@1000', 10, 'read the last 20 at 1,000 items'],
    ['append', 2, 'append one turn'],
  ] as const) {
    for (const store of [STORE.sessionOff, STORE.sessionOn]) {
      const ours = find(store, operation);
      const theirs = find(STORE.langchain, operation);
      if (!ours || !theirs) continue;
      const speedup = theirs.latency!.medianUs / ours.latency!.medianUs;
      checks.push({
        target: `${label}: ≥ ${factor}× faster than LangChain`,
        measured: `${fmtRatio(speedup, factor)}× (${store})`,
        met: speedup >= factor,
        detail: `medians ${fmt(theirs.latency!.medianUs, 1)} / ${fmt(ours.latency!.medianUs, 1)} µs`,
      });
    }
  }

  // 2a. Latency within 1.10× of hand-written node-redis, like for like.
  for (const [store, reference] of [
    [STORE.sessionOff, STORE.hand],
    [STORE.sessionOffTtl, STORE.handTtl],
    [STORE.sessionOn, STORE.hand],
  ] as const) {
    for (const operation of plans.map((plan) => plan.name)) {
      const ours = find(store, operation);
      const theirs = find(reference, operation);
      if (!ours || !theirs) continue;
      const ratio = latencyRatio(ours, theirs, block(operation));
      checks.push({
        target: `${operation}: ${store} ≤ 1.10× ${reference}`,
        measured: `${fmtRatio(ratio, 1.1 + 1e-9)}×`,
        met: ratio <= 1.1,
        detail: `medians ${fmt(ours.latency!.medianUs, 1)} / ${fmt(theirs.latency!.medianUs, 1)} µs`,
      });
    }
  }

  // 2b. Throughput ≥ 0.9× of hand-written at 64 and 512 conversations.
  for (const implementation of ['session', 'session-events'] as const) {
    for (const run of throughput.filter((r) => r.implementation === implementation && r.conversations >= 64)) {
      const reference = throughput.find(
        (r) => r.implementation === 'hand' && r.conversations === run.conversations && r.processes === run.processes && r.nodeFlags === run.nodeFlags,
      );
      if (!reference) continue;
      const ratio = run.opsPerSecond / reference.opsPerSecond;
      checks.push({
        target: `throughput ${run.conversations} conversations, ${run.processes} process${run.processes > 1 ? 'es' : ''}${run.nodeFlags ? ` (${run.nodeFlags})` : ''}: ${implementation === 'session' ? 'events off' : 'events on'} ≥ 0.9× hand-written`,
        measured: `${fmtRatio(ratio, 0.9)}×`,
        met: ratio >= 0.9,
        detail: `${Math.round(run.opsPerSecond)} / ${Math.round(reference.opsPerSecond)} ops/s`,
      });
    }
  }

  // 3. Memory per item.
  for (const result of memory.filter((r) => r.store.startsWith('RedisSession'))) {
    checks.push({
      target: `memory per item ≤ 1.2× its JSON: ${result.store}`,
      measured: `${fmt(result.ratio, 3)}×`,
      met: result.ratio <= 1.2,
      detail: `${fmt(result.bytesPerItem, 1)} B per item (${result.layout})`,
    });
  }

  // 4. One process: ≥ 50k session ops/s with p99 < 5 ms.
  const single = throughput.filter((r) => r.implementation === 'session' && r.processes === 1 && !r.nodeFlags);
  const best = [...single].sort((a, b) => b.opsPerSecond - a.opsPerSecond)[0];
  if (best) {
    const underLimit = single.filter((r) => r.latency.p99Us / 1000 < THROUGHPUT_TARGET_P99_MS).map((r) => `${r.conversations} (${Math.round(r.opsPerSecond).toLocaleString('en-US')} ops/s)`);
    checks.push({
      target: `one Node process: ≥ ${THROUGHPUT_TARGET_OPS.toLocaleString('en-US')} session ops/s with p99 < ${THROUGHPUT_TARGET_P99_MS} ms`,
      measured: `${Math.round(best.opsPerSecond).toLocaleString('en-US')} ops/s, p99 ${fmt(best.latency.p99Us / 1000)} ms`,
      met: best.opsPerSecond >= THROUGHPUT_TARGET_OPS && best.latency.p99Us / 1000 < THROUGHPUT_TARGET_P99_MS,
      detail:
        `best one-process run (events off): ${best.conversations} conversations; ` +
        (underLimit.length ? `p99 under ${THROUGHPUT_TARGET_P99_MS} ms at: ${underLimit.join(', ')} conversations` : `p99 under ${THROUGHPUT_TARGET_P99_MS} ms at no concurrency measured`),
    });
  }
  return checks;
}
