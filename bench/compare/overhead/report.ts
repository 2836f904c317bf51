/** The overhead mode's printed tables, its checks, its profile paragraph and its section of docs/benchmarks.md. */
import { markdownTable, table } from '../../lib/table.js';
import { describeOrigins, type InterleaveOptions, type MeasuredVariant } from '../interleaved.js';
import type { MachineInfo } from '../machine.js';
import type { PairResult, ServerResult } from './measure.js';
import { HISTORY, TTL_SECONDS, WINDOW } from './variants.js';

export interface OverheadResults {
  machine: MachineInfo;
  options: InterleaveOptions;
  servers: ServerResult[];
  seconds: number;
}

const us = (value: number): string => value.toFixed(1);
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const count = (value: number): string => (Number.isInteger(Math.round(value * 100) / 100) ? String(Math.round(value)) : value.toFixed(2));
const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;

const met = (pair: PairResult): boolean => pair.ratio.meanRatio <= pair.spec.target && pair.ratio.medianRatio <= pair.spec.target;

const VARIANT_HEADERS = ['operation', 'variant', 'mean µs', 'median µs', 'p99 µs', 'client CPU µs/op', 'server µs/op', 'round trips/op', 'commands sent | in MULTI | in Lua'];
const VARIANT_RIGHT = new Set([2, 3, 4, 5, 6, 7]);

function variantRows(result: ServerResult): string[][] {
  const seen = new Set<MeasuredVariant>();
  const rows: string[][] = [];
  for (const pair of result.pairs) {
    for (const variant of [pair.session, pair.hand]) {
      if (seen.has(variant)) continue;
      seen.add(variant);
      rows.push([
        pair.spec.operation === 'append' ? 'append 1 item' : `read last ${WINDOW}`,
        variant.name,
        us(variant.latency.meanUs),
        us(variant.latency.medianUs),
        us(variant.latency.p99Us),
        us(variant.cpuUsPerOp),
        us(variant.serverUsPerOp),
        count(variant.roundTripsPerOp),
        describeOrigins(variant.origins),
      ]);
    }
  }
  return rows;
}

const CHECK_HEADERS = ['server', 'pair (session / hand-written)', 'mean ratio', 'median ratio', 'target', 'verdict', 'detail'];

function checkRows(results: OverheadResults, verdict: (ok: boolean) => string): string[][] {
  return results.servers.flatMap((result) =>
    result.pairs.map((pair) => [
      result.server,
      `${pair.spec.label}: ${pair.spec.session} / ${pair.spec.hand}`,
      ratio(pair.ratio.meanRatio),
      ratio(pair.ratio.medianRatio),
      `≤ ${pair.spec.target.toFixed(2)}×`,
      verdict(met(pair)),
      `means ${us(pair.session.latency.meanUs)} / ${us(pair.hand.latency.meanUs)} µs (overall ${ratio(pair.ratio.overallMeanRatio)}), medians ${us(pair.session.latency.medianUs)} / ${us(pair.hand.latency.medianUs)} µs, p99 ${us(pair.session.latency.p99Us)} / ${us(pair.hand.latency.p99Us)} µs`,
    ]),
  );
}

const PROFILE_HEADERS = ['server', 'pair', 'Δ mean µs', 'Δ server µs/op', 'Δ client CPU µs/op', 'server µs/op session / hand', 'client CPU µs/op session / hand'];

function profileRows(results: OverheadResults): string[][] {
  return results.servers.flatMap((result) =>
    result.pairs.map((pair) => [
      result.server,
      pair.spec.label,
      signed(pair.session.latency.meanUs - pair.hand.latency.meanUs),
      signed(pair.session.serverUsPerOp - pair.hand.serverUsPerOp),
      signed(pair.session.cpuUsPerOp - pair.hand.cpuUsPerOp),
      `${us(pair.session.serverUsPerOp)} / ${us(pair.hand.serverUsPerOp)}`,
      `${us(pair.session.cpuUsPerOp)} / ${us(pair.hand.cpuUsPerOp)}`,
    ]),
  );
}

/** One sentence per pair of the default configuration (and per missed pair): where its gap comes from. */
export function profileSentences(results: OverheadResults): string[] {
  const sentences: string[] = [];
  for (const result of results.servers) {
    for (const pair of result.pairs) {
      const missed = !met(pair);
      if (!missed && pair.spec.id === 'appendQuiet') continue;
      if (!missed && pair.spec.id === 'readQuiet') continue;
      const gap = pair.session.latency.meanUs - pair.hand.latency.meanUs;
      const server = pair.session.serverUsPerOp - pair.hand.serverUsPerOp;
      const cpu = pair.session.cpuUsPerOp - pair.hand.cpuUsPerOp;
      const larger = Math.abs(cpu) >= Math.abs(server) ? 'client CPU' : 'server time';
      sentences.push(
        `${result.server}, ${pair.spec.label} (${missed ? 'MISS' : 'pass'}, mean ${ratio(pair.ratio.meanRatio)}, median ${ratio(pair.ratio.medianRatio)}): ` +
          `the session's mean is ${signed(gap)} µs from hand-written; server time ${us(pair.session.serverUsPerOp)} against ${us(pair.hand.serverUsPerOp)} µs/op (${signed(server)}), ` +
          `client CPU ${us(pair.session.cpuUsPerOp)} against ${us(pair.hand.cpuUsPerOp)} µs/op (${signed(cpu)}): the larger part is ${larger}.`,
      );
    }
  }
  return sentences;
}

function method(results: OverheadResults): string {
  const { rounds, block, warmup } = results.options;
  return (
    `Each pair runs in the same interleaved run (${rounds} rounds of one block of ${block} sequential operations per variant, order reversed every other round, after ${warmup} warm-up operations per variant), one operation in flight, one ~400 B item. ` +
    `Appends go to a history of ${HISTORY} (each list trimmed back to ${HISTORY} before its block, untimed); reads are \`getItems(${WINDOW})\` of ${HISTORY} (hand-written: LRANGE -${WINDOW} -1 and JSON.parse of each). ` +
    `The default configuration is change events on and \`ttl: ${TTL_SECONDS}\`; its hand-written peer does the same writes and expiries in a MULTI (EXPIRE of the list and of a metadata hash). ` +
    `Client CPU is \`process.cpuUsage()\` (user + system of the whole Node process: library, node-redis, event loop, GC) around each block, per operation; server µs are \`INFO commandstats\` usec of the commands sent (a script's and EXEC's include what they ran); round trips are \`total_reads_processed\` per operation; commands from a \`MONITOR\` sample. ` +
    `Ratios: mean = median over rounds of (mean of the session's block / mean of hand-written's), median = the same with block medians; both must be within the target.`
  );
}

export function renderConsole(results: OverheadResults): string {
  const { machine } = results;
  const missed = results.servers.flatMap((result) => result.pairs).filter((pair) => !met(pair)).length;
  return [
    '',
    `Overhead of the session against hand-written node-redis: node ${machine.node}, ${machine.cores} CPUs, load ${machine.loadAverage}, commit ${machine.commit}.`,
    ...results.servers.flatMap((result) => ['', `${result.server} (${result.source}, ${result.seconds.toFixed(0)} s):`, table(VARIANT_HEADERS, variantRows(result), VARIANT_RIGHT)]),
    '',
    table(CHECK_HEADERS, checkRows(results, (ok) => (ok ? 'PASS' : 'MISS'))),
    '',
    'Profile (session − hand-written):',
    table(PROFILE_HEADERS, profileRows(results), new Set([2, 3, 4])),
    '',
    ...profileSentences(results),
    '',
    `${missed === 0 ? 'All overhead targets met.' : `${missed} overhead target(s) missed.`} Mode runtime ${results.seconds.toFixed(0)} s.`,
  ].join('\n');
}

/** The section of docs/benchmarks.md (between its markers, see ../docSections.ts). */
export function renderMarkdown(results: OverheadResults): string {
  const { machine } = results;
  return [
    '## Overhead of the default configuration',
    '',
    `Measured by \`npx tsx bench/compare.ts --mode overhead\` (also part of \`--mode all\`), after \`npm run build\`, once per server (${results.servers.map((result) => result.server).join(', ')}), each started for the run on a free loopback port: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage}, this repo at ${machine.commit}, ${machine.date}, ${results.seconds.toFixed(0)} s. The targets are issue 12's: events off ≤ 1.10× hand-written, the default configuration ≤ 1.20× a hand-written MULTI doing the same writes and expiries, reads with the touch policy set to an interval ≤ 1.10× a plain LRANGE.`,
    '',
    method(results),
    ...results.servers.flatMap((result) => ['', `**${result.server}** (${result.source}):`, '', markdownTable(VARIANT_HEADERS, variantRows(result), VARIANT_RIGHT)]),
    '',
    markdownTable(CHECK_HEADERS, checkRows(results, (ok) => (ok ? 'met' : 'NOT met'))),
    '',
    '**Profile.** Where the session spends more than hand-written, per operation (session − hand-written): server time from commandstats, client CPU from `process.cpuUsage()`; a latency gap larger than both is waiting (scheduling on the loaded machine).',
    '',
    markdownTable(PROFILE_HEADERS, profileRows(results), new Set([2, 3, 4])),
    '',
    ...profileSentences(results).map((sentence) => `- ${sentence}`),
    '',
    'The functions behind the client CPU: `npx tsx bench/compare.ts --mode overhead --profile` runs the two default-configuration session variants under the inspector\'s CPU profiler, prints the top self-time functions and writes the `.cpuprofile` to `.tmp/`.',
  ].join('\n');
}
