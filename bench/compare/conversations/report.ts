/** The conversations section's printed tables, its verdicts and its part of docs/benchmarks.md. */
import { markdownTable, table } from '../../lib/table.js';
import type { MachineInfo } from '../machine.js';
import { OWNER_GROUP, type MemoryScenario, type MemoryScenarioName } from './infoMemory.js';
import { describeOrigins, type InterleaveOptions, type MeasuredVariant } from '../interleaved.js';
import type { OwnerListingResult } from './ownerListing.js';
import type { OwnerWriteResult } from './ownerWrites.js';

/** The issue's targets. */
export const TARGETS = { ownerWriteRatio: 1.15, listRatio: 1.2, infoBytes: 200, roundTrips: 1 } as const;

export interface ConversationsResults {
  machine: MachineInfo;
  writeOptions: InterleaveOptions;
  listOptions: InterleaveOptions;
  writes: OwnerWriteResult[];
  /** Undefined when BENCH_CONVERSATIONS_PARTS left it out. */
  listing: OwnerListingResult | undefined;
  memory: MemoryScenario[];
  memoryConversations: number;
  seconds: number;
}

export interface Verdict {
  check: string;
  measured: string;
  target: string;
  met: boolean;
  detail: string;
}

const us = (value: number): string => (value >= 1000 ? value.toFixed(0) : value.toFixed(1));
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const bytes = (value: number): string => value.toFixed(0);
const count = (value: number): string => (Number.isInteger(Math.round(value * 100) / 100) ? String(Math.round(value)) : value.toFixed(2));

function latencyRow(operation: string, variant: MeasuredVariant): string[] {
  return [
    operation,
    variant.name,
    us(variant.latency.medianUs),
    us(variant.latency.meanUs),
    us(variant.latency.p99Us),
    variant.serverUsPerOp.toFixed(1),
    count(variant.roundTripsPerOp),
    count(variant.executedPerOp),
    describeOrigins(variant.origins),
  ];
}

const LATENCY_HEADERS = ['operation', 'variant', 'median µs', 'mean µs', 'p99 µs', 'server µs/op', 'round trips/op', 'commands executed/op', 'commands sent per op | run in Lua'];
const LATENCY_RIGHT = new Set([2, 3, 4, 5, 6, 7]);

function latencyRows(results: ConversationsResults): string[][] {
  return [
    ...results.writes.flatMap((write) => [latencyRow('addItems (1 item)', write.withoutOwner), latencyRow('addItems (1 item)', write.withOwner)]),
    ...(results.listing
      ? [
          latencyRow('RedisConversations.list', results.listing.small),
          latencyRow('RedisConversations.list', results.listing.onePage),
          latencyRow('RedisConversations.list', results.listing.big),
        ]
      : []),
  ];
}

const MEMORY_HEADERS = ['conversations written as', 'bytes/conversation', 'keys', 'metadata hash (one conversation)', 'owner index'];

function memoryRows(results: ConversationsResults): string[][] {
  return results.memory.map((entry) => [
    entry.label,
    bytes(entry.bytesPerConversation),
    entry.keys.toLocaleString('en-US'),
    entry.meta ? `${entry.meta.fields.join(' ')} (${entry.meta.encoding}, ${entry.meta.bytes} B)` : 'none',
    entry.index
      ? `${entry.index.encodings}: ${bytes(entry.index.bytesPerConversation)} B/conversation`
      : 'none',
  ]);
}

/** Differences of bytes per conversation between scenarios. */
function memoryDeltas(results: ConversationsResults): Array<{ label: string; bytes: number; what: string }> {
  const find = (name: MemoryScenarioName) => results.memory.find((entry) => entry.name === name);
  const deltas: Array<{ label: string; bytes: number; what: string }> = [];
  const add = (label: string, a: MemoryScenarioName, b: MemoryScenarioName, what: string): void => {
    const x = find(a);
    const y = find(b);
    if (x && y) deltas.push({ label, bytes: x.bytesPerConversation - y.bytesPerConversation, what });
  };
  add('c/u stamps, changeEvents: false (vs items only)', 'quiet', 'bare', 'a metadata hash per conversation, now written by every write: its key and fields c, u');
  add('default config now vs previous release', 'default', 'previous', 'fields c, u added to the hash the change events already kept (v)');
  add('default config, no owner (vs items only)', 'default', 'bare', 'the metadata hash: c, u and the change-event version v');
  for (const name of ['oneOwner', 'manyOwners'] as const) {
    const scenario = find(name);
    if (!scenario) continue;
    add(`owner + index: ${scenario.label.replace('this build, default config, ', '')} (vs default, no owner)`, name, 'default', 'field o and the owner index entry');
    add(`info + index: ${scenario.label.replace('this build, default config, ', '')} (vs items only)`, name, 'bare', 'the whole metadata hash (c, u, o, v) and the index entry');
  }
  return deltas;
}

export function verdicts(results: ConversationsResults): Verdict[] {
  const checks: Verdict[] = [];
  for (const write of results.writes) {
    const { medianRatio, meanRatio } = write.ratio;
    checks.push({
      check: `addItems with an owner / without, ${write.config}`,
      measured: `median ${ratio(medianRatio)}, mean ${ratio(meanRatio)}`,
      target: `≤ ${TARGETS.ownerWriteRatio}× (median and mean)`,
      met: medianRatio <= TARGETS.ownerWriteRatio && meanRatio <= TARGETS.ownerWriteRatio,
      detail: `medians ${us(write.withOwner.latency.medianUs)} / ${us(write.withoutOwner.latency.medianUs)} µs, means ${us(write.withOwner.latency.meanUs)} / ${us(write.withoutOwner.latency.meanUs)} µs = ${ratio(write.ratio.overallMeanRatio)}, p99 ${us(write.withOwner.latency.p99Us)} / ${us(write.withoutOwner.latency.p99Us)} µs`,
    });
    checks.push({
      check: `addItems with an owner: round trips per call, ${write.config}`,
      measured: count(write.withOwner.roundTripsPerOp),
      target: `= ${TARGETS.roundTrips}`,
      // Socket reads per call, measured around the block (the bench's own INFO calls subtracted): within a few percent of the truth.
      met: write.withOwner.roundTripsPerOp <= TARGETS.roundTrips + 0.02,
      detail: `sent per call: ${describeOrigins(write.withOwner.origins)}`,
    });
  }
  const { listing } = results;
  if (listing) checks.push({
    check: `list first ${20} of ${listing.bigCount.toLocaleString('en-US')} / of 10`,
    measured: `median ${ratio(listing.ratio.medianRatio)}, mean ${ratio(listing.ratio.meanRatio)}`,
    target: `≤ ${TARGETS.listRatio}×`,
    met: listing.ratio.medianRatio <= TARGETS.listRatio && listing.ratio.meanRatio <= TARGETS.listRatio,
    detail: `medians ${us(listing.big.latency.medianUs)} / ${us(listing.small.latency.medianUs)} µs, means ${us(listing.big.latency.meanUs)} / ${us(listing.small.latency.meanUs)} µs = ${ratio(listing.ratio.overallMeanRatio)} (the owner with 10 gets a page of 10)`,
  });
  if (listing) checks.push({
    check: `list first 20 of ${listing.bigCount.toLocaleString('en-US')} / of 20: the same page, only the index's size differs`,
    measured: `median ${ratio(listing.samePageRatio.medianRatio)}, mean ${ratio(listing.samePageRatio.meanRatio)}`,
    target: `≤ ${TARGETS.listRatio}×`,
    met: listing.samePageRatio.medianRatio <= TARGETS.listRatio && listing.samePageRatio.meanRatio <= TARGETS.listRatio,
    detail: `medians ${us(listing.big.latency.medianUs)} / ${us(listing.onePage.latency.medianUs)} µs, means ${us(listing.big.latency.meanUs)} / ${us(listing.onePage.latency.meanUs)} µs = ${ratio(listing.samePageRatio.overallMeanRatio)}`,
  });
  const find = (name: MemoryScenarioName) => results.memory.find((entry) => entry.name === name);
  for (const name of ['oneOwner', 'manyOwners'] as const) {
    const scenario = find(name);
    const base = find('default');
    const bare = find('bare');
    const previous = find('previous');
    if (!scenario || !base || !bare) continue;
    const who = scenario.label.replace('this build, default config, ', '');
    const noIndex = scenario.index === null ? ' (NO index)' : '';
    if (previous) checks.push({
      check: `memory for info and index, ${who}: vs the previous release (the same conversations as stored before this issue, default config)${noIndex}`,
      measured: `${bytes(scenario.bytesPerConversation - previous.bytesPerConversation)} B/conversation`,
      target: `≤ ${TARGETS.infoBytes} B`,
      met: scenario.bytesPerConversation - previous.bytesPerConversation <= TARGETS.infoBytes,
      detail: `used_memory ${bytes(scenario.bytesPerConversation)} − ${bytes(previous.bytesPerConversation)} B per conversation`,
    });
    checks.push({
      check: `memory for owner and index, ${who}: vs the same conversations without an owner${noIndex}`,
      measured: `${bytes(scenario.bytesPerConversation - base.bytesPerConversation)} B/conversation`,
      target: `≤ ${TARGETS.infoBytes} B`,
      met: scenario.bytesPerConversation - base.bytesPerConversation <= TARGETS.infoBytes,
      detail: `used_memory ${bytes(scenario.bytesPerConversation)} − ${bytes(base.bytesPerConversation)} B per conversation`,
    });
    checks.push({
      check: `memory for info and index, ${who}: vs items only${noIndex}`,
      measured: `${bytes(scenario.bytesPerConversation - bare.bytesPerConversation)} B/conversation`,
      target: `≤ ${TARGETS.infoBytes} B`,
      met: scenario.bytesPerConversation - bare.bytesPerConversation <= TARGETS.infoBytes,
      detail: `used_memory ${bytes(scenario.bytesPerConversation)} − ${bytes(bare.bytesPerConversation)} B per conversation`,
    });
  }
  return checks;
}

/** Why the listing target compares pages of different sizes (the owner with 10 has a page of 10), with this run's profile. */
function notes(results: ConversationsResults): string[] {
  const { listing } = results;
  if (!listing) return [];
  // Two pages of the same index size (10 and 20 entries) split the cost into a fixed part and a part per entry.
  const perEntry = (listing.onePage.latency.medianUs - listing.small.latency.medianUs) / 10;
  const fixed = listing.small.latency.medianUs - 10 * perEntry;
  const bound = (fixed + 20 * perEntry) / (fixed + 10 * perEntry);
  return [
    'The owner with 10 conversations gets a page of 10, the others a page of 20: a page costs one read of the index and one info read per conversation listed, so the first ratio mostly measures the page size; the second compares pages of 20, where only the size of the index differs. ' +
      `Profile of this run (medians): a page costs about ${us(fixed)} µs whatever its size (two round trips: the index read, then on a single server one script reading every listed conversation's info) plus ${us(perEntry)} µs per conversation listed (HMGET of 16 fields, LLEN and PTTL on the server, parsing the info in Node), so a page of 20 costs ${ratio(bound)} a page of 10 at any index size; below 1.2× would need a conversation to cost under a fortieth of the fixed part.`,
  ];
}

export function renderConsole(results: ConversationsResults): string {
  const checks = verdicts(results);
  const missed = checks.filter((check) => !check.met).length;
  const { machine } = results;
  return [
    '',
    `Conversations (owner, index, info): node ${machine.node}, redis-server ${machine.redis}, ${machine.cores} CPUs, load ${machine.loadAverage}, commit ${machine.commit}.`,
    ...notes(results),
    '',
    table(LATENCY_HEADERS, latencyRows(results), LATENCY_RIGHT),
    '',
    `Memory (INFO memory used_memory delta / ${results.memoryConversations.toLocaleString('en-US')} conversations of one ~400 B item):`,
    table(MEMORY_HEADERS, memoryRows(results), new Set([1, 2])),
    '',
    table(['difference', 'bytes/conversation', 'what'], memoryDeltas(results).map((delta) => [delta.label, bytes(delta.bytes), delta.what]), new Set([1])),
    '',
    'Ratios: median = median over rounds of (median of block A / median of block B); mean = median over rounds of (mean of block A / mean of block B); detail: overall medians and means.',
    table(['check', 'measured', 'target', 'verdict', 'detail'], checks.map((check) => [check.check, check.measured, check.target, check.met ? 'PASS' : 'MISS', check.detail])),
    '',
    `${missed === 0 ? 'All conversation targets met.' : `${missed} conversation target(s) missed.`} Section runtime ${results.seconds.toFixed(0)} s.`,
  ].join('\n');
}

/** What the bytes of the memory rows are, with this run's figures. */
function bytesExplanation(results: ConversationsResults): string {
  const find = (name: MemoryScenarioName) => results.memory.find((entry) => entry.name === name);
  const diff = (a: MemoryScenarioName, b: MemoryScenarioName): string => {
    const x = find(a);
    const y = find(b);
    return x && y ? `${bytes(x.bytesPerConversation - y.bytesPerConversation)} B` : '?';
  };
  const quiet = find('quiet');
  const previous = find('previous');
  const one = find('oneOwner');
  const many = find('manyOwners');
  const metaWithOwner = one?.meta ?? many?.meta;
  const metaDefault = find('default')?.meta;
  return [
    `**What the bytes are.** Every write now stamps \`c\` (createdAt) and \`u\` (updatedAt), 13-digit ms, in the conversation's metadata hash \`{conv:<id>}:meta\`.`,
    `Without change events a conversation had no such hash before, so each one gains a key: its dictionary entry, its name (the id plus 12 characters), an object header and a small listpack (\`MEMORY USAGE\` of one: ${quiet?.meta ? `${quiet.meta.bytes} B` : '?'}), plus its share of the main dictionary's buckets: ${diff('quiet', 'bare')} per conversation in all, whatever the owner.`,
    previous
      ? `With change events on (the default) the hash existed already for the change version \`v\` (previous release: ${diff('previous', 'bare')} beyond the items), so \`c\` and \`u\` add ${diff('default', 'previous')}.`
      : 'With change events on (the default) the hash existed already for the change version `v` (rerun with BENCH_PREVIOUS_DIST to measure the previous release).',
    `An owner adds the field \`o\` (one hash: ${metaDefault && metaWithOwner ? `${metaWithOwner.bytes - metaDefault.bytes} B` : '?'}) and one entry in its owner's sorted set \`conv:__owner__:{<owner>}\` (member: the id; score: the last activity):`,
    one?.index
      ? `for an owner of ${one.conversations.toLocaleString('en-US')} a skiplist with a dictionary, ${bytes(one.index.bytesPerConversation)} B per entry (\`MEMORY USAGE\` of the index / entries; ${diff('oneOwner', 'default')} with \`o\`);`
      : 'no index in this run;',
    many?.index
      ? `for owners of ${OWNER_GROUP} (up to 128 entries stay a listpack) ${bytes(many.index.bytesPerConversation)} B per entry, the index key's own overhead shared by its ${OWNER_GROUP} entries (${diff('manyOwners', 'default')} with \`o\`).`
      : '',
    `The target's "beyond the items" is read two ways in the checks below: against the same conversations written without an owner (the cost of owning and listing a conversation), and against the items alone (which also charges the metadata hash every conversation now has).`,
  ].join(' ');
}

/** The section of docs/benchmarks.md (between its markers, see ../docSections.ts). */
export function renderMarkdown(results: ConversationsResults): string {
  const { machine, writeOptions, listOptions } = results;
  const checks = verdicts(results);
  return [
    '## Conversations: owner, index and info',
    '',
    `Measured by \`npx tsx bench/compare.ts --mode conversations\` (also part of \`--mode core\` and \`--mode all\`), after \`npm run build\`, on its own \`redis-server\`: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, redis-server ${machine.redis}, load average ${machine.loadAverage}, this repo at ${machine.commit}, ${machine.date}, ${results.seconds.toFixed(0)} s.`,
    ...notes(results).flatMap((line) => ['', `**Note.** ${line}`]),
    '',
    `Sequential latency, one operation in flight, variants in interleaved blocks (${writeOptions.rounds} rounds of ${writeOptions.block} per variant for \`addItems\`, ${listOptions.rounds} of ${listOptions.block} for \`list\`, order reversed every other round, after ${writeOptions.warmup} warm-up calls). \`addItems\` appends one user message of about 400 B to a conversation of 100 items or more; "with owner" is the same session with \`owner\` set (the write also records the owner and adds the conversation to its owner's index: on this single server inside the write's script; on a cluster a ZADD pipelined beside it). \`list\` reads the first page of 20 of an owner with ${results.listing?.bigCount.toLocaleString('en-US')} conversations, of an owner with 20 (the same page: only the index's size differs) and of an owner with 10 (the issue's reference: a page of 10), all written through the package. Round trips are the server's \`total_reads_processed\` per call; server µs are \`INFO commandstats\` usec of the commands sent (a script's time includes the commands it ran); commands sent and run in Lua come from a \`MONITOR\` sample.`,
    '',
    markdownTable(LATENCY_HEADERS, latencyRows(results), LATENCY_RIGHT),
    '',
    `Memory: \`INFO memory\` \`used_memory\` before and after writing ${results.memoryConversations.toLocaleString('en-US')} conversations of one item (about 400 B) into an empty database, divided by their number (so it counts the keys' dictionary entries and names too); \`MEMORY USAGE\` of one conversation's keys and of the index keys breaks it down.`,
    '',
    markdownTable(MEMORY_HEADERS, memoryRows(results), new Set([1, 2])),
    '',
    markdownTable(['difference', 'bytes/conversation', 'what'], memoryDeltas(results).map((delta) => [delta.label, bytes(delta.bytes), delta.what]), new Set([1])),
    '',
    bytesExplanation(results),
    '',
    'Ratios: median = the median over rounds of (median of block A / median of block B), mean = the median over rounds of (mean of block A / mean of block B), both robust to drift; the detail column gives the overall medians and means.',
    '',
    markdownTable(['check', 'measured', 'target', 'status', 'detail'], checks.map((check) => [check.check, check.measured, check.target, check.met ? 'met' : 'NOT met', check.detail])),
  ].join('\n');
}
