/** Console table, markdown doc and SVG chart of one run. */
import { markdownTable, table } from '../lib/table.js';
import type { LatencyResult, OperationPlan } from './latency.js';
import type { MachineInfo } from './machine.js';
import type { MemoryResult } from './memory.js';
import type { RedisBenchmarkResult } from './redisBenchmark.js';
import { barChartSvg } from './svg.js';
import type { TargetCheck } from './targets.js';
import { explanation } from './explanation.js';
import type { ThroughputRun } from './throughput.js';

export interface BenchResults {
  machine: MachineInfo;
  quick: boolean;
  itemJsonBytes: number;
  stores: Array<{ name: string; description: string }>;
  plans: OperationPlan[];
  latency: LatencyResult[];
  memory: MemoryResult[];
  throughput: ThroughputRun[];
  throughputTiming: { warmupMs: number; measureMs: number; poolSize: number; repetitions: number };
  redisBenchmark: RedisBenchmarkResult[];
  targets: TargetCheck[];
  seconds: number;
}

export const REPRODUCE = 'npm run bench';

const us = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} ms` : value >= 100 ? value.toFixed(0) : value.toFixed(1));
const count = (value: number | undefined): string => (value === undefined ? '' : Number.isInteger(value) ? String(value) : value.toFixed(2));
const verdict = (met: boolean | undefined): string => (met === undefined ? '' : met ? 'met' : 'NOT met');

const IMPLEMENTATION_LABEL: Record<string, string> = {
  hand: 'node-redis by hand (LRANGE + RPUSH)',
  session: 'RedisSession (events off)',
  'session-events': 'RedisSession (events on)',
  'session-pool': 'RedisSession (events off, pool)',
};

function memoryFor(results: BenchResults, store: string): MemoryResult | undefined {
  return results.memory.find((entry) => entry.store === store);
}

function latencyRows(results: BenchResults, withBreakdown = false): string[][] {
  const rows: string[][] = [];
  for (const plan of results.plans) {
    for (const result of results.latency.filter((entry) => entry.operation === plan.name)) {
      if (!result.supported) {
        rows.push([plan.label, result.store, 'n/a', '', '', '', '', ...(withBreakdown ? ['no such operation'] : [])]);
        continue;
      }
      rows.push([
        plan.label,
        result.store,
        us(result.latency!.medianUs),
        us(result.latency!.p99Us),
        count(result.executedPerOp),
        count(result.roundTripsPerOp),
        String(result.samples.length),
        ...(withBreakdown ? [result.breakdown ?? ''] : []),
      ]);
    }
  }
  return rows;
}

function memoryRows(results: BenchResults): string[][] {
  return results.memory.map((entry) => [entry.store, entry.bytesPerItem.toFixed(1), `${entry.ratio.toFixed(3)}×`, String(entry.keys), entry.layout]);
}

function throughputRows(results: BenchResults): string[][] {
  return results.throughput.map((run) => [
    `${IMPLEMENTATION_LABEL[run.implementation] ?? run.implementation}${run.nodeFlags ? ` ${run.nodeFlags}` : ''}`,
    String(run.conversations),
    String(run.processes),
    Math.round(run.opsPerSecond).toLocaleString('en-US'),
    run.repetitions.length > 1 ? run.repetitions.map((value) => `${Math.round(value / 1000)}k`).join(' / ') : '',
    (run.latency.medianUs / 1000).toFixed(2),
    (run.latency.p99Us / 1000).toFixed(2),
    run.clientCpuUsPerOp.toFixed(1),
  ]);
}

function redisBenchmarkRows(results: BenchResults): string[][] {
  return results.redisBenchmark.map((entry) => [
    entry.command,
    String(entry.clients),
    Math.round(entry.requestsPerSecond).toLocaleString('en-US'),
    entry.p50Ms.toFixed(3),
    entry.p99Ms.toFixed(3),
  ]);
}

function targetRows(results: BenchResults): string[][] {
  return results.targets.map((check) => [check.target, check.measured, verdict(check.met), check.detail]);
}

const LATENCY_HEADERS = ['operation', 'store', 'median µs', 'p99 µs', 'commands executed/op', 'round trips/op', 'ops measured'];
const MEMORY_HEADERS = ['store', 'bytes/item', 'vs item JSON', 'keys', 'layout (type/encoding)'];
const THROUGHPUT_HEADERS = ['implementation', 'conversations', 'processes', 'session ops/s', 'each pass', 'median ms', 'p99 ms', 'Node CPU µs/op'];
const REDIS_BENCHMARK_HEADERS = ['command (redis-benchmark, -P 1)', 'clients', 'requests/s', 'p50 ms', 'p99 ms'];
const TARGET_HEADERS = ['target', 'measured', 'status', 'detail'];

export function renderConsole(results: BenchResults): string {
  const { machine } = results;
  const failed = results.targets.filter((check) => check.met === false).length;
  return [
    '',
    `agents-redis-session vs peers: ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}, redis-server ${machine.redis}, load ${machine.loadAverage}` +
      (results.quick ? ' (QUICK run: fewer operations)' : ''),
    `Items are SDK items of ${results.itemJsonBytes.toFixed(0)} B of JSON on average; a turn is 2 items. Sequential latency, one operation in flight.`,
    '',
    table(LATENCY_HEADERS, latencyRows(results), new Set([2, 3, 4, 5, 6])),
    '',
    `Redis memory per stored item (MEMORY USAGE of every key, 1,000 items; item JSON ${results.itemJsonBytes.toFixed(1)} B):`,
    table(MEMORY_HEADERS, memoryRows(results), new Set([1, 2, 3])),
    '',
    `Throughput: full agent turns (read last 20, append 2 items), ${results.throughputTiming.measureMs} ms measured after ${results.throughputTiming.warmupMs} ms warm-up, median of ${results.throughputTiming.repetitions} interleaved passes:`,
    table(THROUGHPUT_HEADERS, throughputRows(results), new Set([1, 2, 3, 4, 5, 6, 7])),
    '',
    'Server ceiling (redis-benchmark, same server):',
    table(REDIS_BENCHMARK_HEADERS, redisBenchmarkRows(results), new Set([1, 2, 3, 4])),
    '',
    'Targets:',
    table(TARGET_HEADERS, targetRows(results)),
    '',
    `${failed === 0 ? 'All targets met.' : `${failed} target check(s) not met.`} Total ${results.seconds.toFixed(0)} s.`,
  ].join('\n');
}

/** The whole doc; `kept` are the marked sections other modes wrote (see docSections.ts), placed before the analysis. */
export function renderMarkdown(results: BenchResults, kept: readonly string[] = []): string {
  const { machine } = results;
  return [
    '# Benchmarks',
    '',
    `<!-- Generated by bench/compare.ts (${REPRODUCE}); do not edit by hand: rerun it. -->`,
    '',
    `\`agents-redis-session\` side by side with the peers that keep chat history in Redis, the raw client doing the same job, and the SDK's in-process \`MemorySession\`, all in one run against one \`redis-server\` that the script starts for itself.`,
    '',
    '![Median latency per operation and store](benchmarks.svg)',
    '',
    '## Machine and reproduction',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}; load average at the end ${machine.loadAverage}`,
    `- Node ${machine.node}, redis-server ${machine.redis} (default configuration, no persistence, loopback TCP)`,
    `- Packages: ${Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(', ')}; agents-redis-session from this repo at ${machine.commit}, built before the run`,
    `- Run: ${machine.date}, ${results.seconds.toFixed(0)} s${results.quick ? ' (QUICK run: fewer operations; rerun without --quick)' : ''}`,
    `- Reproduce: \`${REPRODUCE}\` (builds the package, installs \`bench/\`'s pinned dependencies with \`npm ci\` when missing, runs \`bench/compare.ts\`, rewrites this file); \`npm run bench -- --quick\` for a short run that only prints.`,
    '',
    '## What is compared',
    '',
    markdownTable(['store', 'what one operation does'], results.stores.map((store) => [store.name, store.description])),
    '',
    `Every store keeps the same conversation: SDK items (user message, function_call, function_call_result, assistant message with output_text) of ${results.itemJsonBytes.toFixed(0)} B of JSON on average, each peer in its own message format. "Append" adds one turn (2 items) to a history of 100 (reset before every block of 50); "read last 20" reads the newest 20 of a history of 100, 1,000 or 10,000 and decodes them; "pop" removes the newest item; "clear" deletes a conversation of 100 items. Operations run one at a time, in interleaved rounds (each store one block per round, order reversed every other round), after a warm-up block; slow stores are capped by time, so they run fewer operations. Commands executed come from \`INFO commandstats\` before and after each block, which counts the commands inside Lua scripts and \`EXEC\` too; round trips are the server's \`total_reads_processed\` (socket reads: a request of hundreds of KB, such as Mastra's \`MGET\` of every message of a long thread, arrives in several reads, so there the column overstates round trips).`,
    '',
    '## Latency',
    '',
    markdownTable([...LATENCY_HEADERS, 'commands executed, per op'], latencyRows(results, true), new Set([2, 3, 4, 5, 6])),
    '',
    '## Redis memory per stored item',
    '',
    `Each store writes one conversation of 1,000 items into an empty database; \`MEMORY USAGE key SAMPLES 0\` of every key it created, divided by 1,000, against the item's own JSON (${results.itemJsonBytes.toFixed(1)} B).`,
    '',
    markdownTable(MEMORY_HEADERS, memoryRows(results), new Set([1, 2, 3])),
    '',
    '## Throughput',
    '',
    `N conversations run concurrently, each a loop of full agent turns: \`getItems()\` (the session's \`limit\` is 20, as the runner reads it) then \`addItems\` of a 2-item turn; hand-written is \`LRANGE -20 -1\` + parse, then stringify + \`RPUSH\`. Every run is in fresh child processes (one, or two sharing the N conversations); ${results.throughputTiming.measureMs} ms measured after ${results.throughputTiming.warmupMs} ms of warm-up; the database is flushed between runs. Every configuration runs ${results.throughputTiming.repetitions} times, the passes interleaved; the table gives the median pass (its latencies too) and each pass's ops/s, so the noise is visible. "pool" is \`?max_connections=${results.throughputTiming.poolSize}\`.`,
    '',
    markdownTable(THROUGHPUT_HEADERS, throughputRows(results), new Set([1, 2, 3, 4, 5, 6, 7])),
    '',
    'The server\'s ceiling on this machine, from `redis-benchmark` (C client, no pipelining, 512 random keys) in the same run:',
    '',
    markdownTable(REDIS_BENCHMARK_HEADERS, redisBenchmarkRows(results), new Set([1, 2, 3, 4])),
    '',
    '## Targets',
    '',
    markdownTable(TARGET_HEADERS, targetRows(results)),
    '',
    'Latency ratios against hand-written node-redis are the median over rounds of the ratio of the two block medians (robust to drift); the detail column gives the overall medians.',
    '',
    ...kept.flatMap((section) => [section, '']),
    ...explanation(results),
    '',
  ].join('\n');
}

export function renderSvg(results: BenchResults): string {
  const series = results.stores.map((store) => store.name);
  const groups = results.plans.map((plan) => ({
    label: plan.label,
    bars: results.latency
      .filter((entry) => entry.operation === plan.name)
      .map((entry) => ({ series: entry.store, value: entry.supported ? entry.latency!.medianUs : undefined })),
  }));
  return barChartSvg(`agents-redis-session vs peers (${results.machine.cores} cores, Redis ${results.machine.redis})`, series, groups);
}

export { memoryFor };
