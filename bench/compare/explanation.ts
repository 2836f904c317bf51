/** The doc's analysis: the reasoning is fixed, the figures come from the run it is printed with. */
import type { BenchResults } from './report.js';
import { STORE, THROUGHPUT_TARGET_OPS } from './targets.js';

export function explanation(results: BenchResults): string[] {
  const median = (store: string, operation: string): number | undefined =>
    results.latency.find((entry) => entry.store === store && entry.operation === operation && entry.supported)?.latency?.medianUs;
  const µs = (value: number | undefined): string => (value === undefined ? '?' : value >= 1000 ? `${(value / 1000).toFixed(1)} ms` : `${value.toFixed(0)} µs`);
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a === undefined || b === undefined ? '?' : `${(a / b).toFixed(a / b >= 10 ? 1 : 2)}×`;
  const run = (implementation: string, conversations: number, processes = 1, nodeFlags = '') =>
    results.throughput.find(
      (entry) => entry.implementation === implementation && entry.conversations === conversations && entry.processes === processes && entry.nodeFlags === nodeFlags,
    );
  const hand64 = run('hand', 64);
  const session64 = run('session', 64);
  const pool64 = run('session-pool', 64);
  const events64 = run('session-events', 64);
  const session512 = run('session', 512);
  const session1 = run('session', 1);
  const hand512 = run('hand', 512);
  const flagged = results.throughput.find((entry) => entry.nodeFlags)?.nodeFlags ?? '';
  const session512big = run('session', 512, 1, flagged);
  const hand512big = run('hand', 512, 1, flagged);
  const hand64x2 = run('hand', 64, 2);
  const session64x2 = run('session', 64, 2);
  const hand512x2 = run('hand', 512, 2);
  const session512x2 = run('session', 512, 2);
  const serverUs = (store: string, operation: string, command: string): string => {
    const value = results.latency.find((entry) => entry.store === store && entry.operation === operation)?.serverUsPerCall?.get(command);
    return value === undefined ? '?' : value.toFixed(1);
  };
  const cpu = (entry: { clientCpuUsPerOp: number } | undefined): string => (entry ? entry.clientCpuUsPerOp.toFixed(1) : '?');
  const ceiling = (label: string, clients: number) =>
    results.redisBenchmark.find((entry) => entry.command.startsWith(label) && entry.clients === clients)?.requestsPerSecond;
  const rpush64 = ceiling('RPUSH', 64);
  const lrange64 = ceiling('LRANGE', 64);
  const evalsha64 = ceiling('EVALSHA', 64);
  const k = (value: number | undefined): string => (value === undefined ? '?' : `${Math.round(value / 1000)}k`);
  const cpuCeiling = hand64 ? 1e6 / hand64.clientCpuUsPerOp : undefined;
  const lc1000 = median(STORE.langchain, 'read20@1000');
  const lcAppend = median(STORE.langchain, 'append');
  const appendOff = median(STORE.sessionOff, 'append');
  const appendOffMet = lcAppend !== undefined && appendOff !== undefined && lcAppend / appendOff >= 2;

  return [
    '## What the numbers say',
    '',
    '**Reads that do not grow with the history.** The session reads the window with `LRANGE key -20 -1`, which Redis serves from the tail of the list: ' +
      `${µs(median(STORE.sessionOff, 'read20@100'))} at 100 items, ${µs(median(STORE.sessionOff, 'read20@1000'))} at 1,000, ${µs(median(STORE.sessionOff, 'read20@10000'))} at 10,000. ` +
      `LangChain has no windowed read: \`getMessages()\` is \`LRANGE 0 -1\` and every message becomes a \`BaseMessage\` before the caller can slice (${µs(lc1000)} at 1,000, ${µs(median(STORE.langchain, 'read20@10000'))} at 10,000). ` +
      `Mastra's \`listMessages\` loads every message id of the thread (\`ZRANGE 0 -1\`), \`MGET\`s every message, sorts and pages in JavaScript (${µs(median('Mastra RedisStore', 'read20@1000'))} at 1,000). ` +
      `The connect-redis pattern transfers and parses the whole conversation on every read and rewrites it on every write (${µs(median('JSON blob (connect-redis pattern)', 'read20@1000'))} per read, ${µs(median('JSON blob (connect-redis pattern)', 'append'))} per append already at 100 items).`,
    '',
    `**Appending against LangChain.** A 2-item turn is two sequential \`LPUSH\` round trips in LangChain (\`addMessages\` calls \`addMessage\` per message; with \`sessionTTL\`, each also sends an \`EXPIRE\`: four round trips) and one in the session. On loopback a round trip is most of an operation's cost, so for a 2-item turn the gap is bounded by about 2×: measured ${ratio(lcAppend, median(STORE.sessionOff, 'append'))} with change events off and ${ratio(lcAppend, median(STORE.sessionOn, 'append'))} with them on (the default, whose write is a Lua script that also versions and publishes). ` +
      `With events on, the script's extra server time (see below) spends most of the round trip saved. The gap widens with the items per turn (a turn with tool calls stores 4 or more items: LangChain pays a round trip per item, the session still one) and with a TTL. The "≥ 2× for a one-turn append" target sits at that bound: with events off it holds or misses by run-to-run noise (this run: ${appendOffMet ? 'held' : 'missed'}), with events on it cannot hold, and a faster session cannot move the bound, which is the ratio of round trips.`,
    '',
    '**Against hand-written node-redis.** Reads without a TTL are the same single native command as the hand-written code (`LRANGE`); what remains is JavaScript around it (argument checks, the codec, error mapping), a few µs. ' +
      'Every write is one `EVALSHA`, also with change events off: it keeps the conversation\'s info (createdAt, updatedAt, owner, usage) in its metadata hash in the same atomic step, and `clearSession` is a script so that a key of another type is refused rather than deleted (see "Conversations: owner, index and info" for what the info costs). ' +
      'With a TTL, writes are one `EVALSHA` (the script checks the key type and slides the expiry of both keys; a `MULTI` has no command timeout in node-redis and would stamp an expiry on a foreign key after a `WRONGTYPE`), reads pipeline `LRANGE` with a `touch` script: Lua costs the server several µs per call on Redis 7.0, so those rows sit above 1.10×. ' +
      `With change events on (the default), every write is a script that also runs \`HINCRBY\` and two publishes; on the server that is a ceiling of ${k(evalsha64)} writes/s against ${k(rpush64)} for a bare \`RPUSH\` (redis-benchmark, 64 clients, in this run). Reads are the same command in every variant. In this run the append script with events took ${serverUs(STORE.sessionOn, 'append', 'evalsha')} µs of server time per call (\`INFO commandstats\`) against ${serverUs(STORE.hand, 'append', 'rpush')} µs for the hand-written \`RPUSH\`. Where that time goes is measured piece by piece in "Overhead of the default configuration" above (\`--mode overhead\`): the call itself, the shared Lua libraries that every call defines again, and about 1 µs per \`redis.call\`. In the throughput runs events on gave ${ratio(events64?.opsPerSecond, hand64?.opsPerSecond)} of the hand-written rate at 64 conversations. Turn events off with \`changeEvents: false\` where nothing subscribes.`,
    '',
    `**Throughput and the ${THROUGHPUT_TARGET_OPS.toLocaleString('en-US')} ops/s target.** On 2 cores, Redis takes part of one core and one Node process can use at most one. ` +
      `A full turn reads 20 items of about 400 B (an 8 KB reply: RESP decoding plus \`JSON.parse\` of 20 items) and writes 2. The hand-written client floor spent ${cpu(hand64)} µs of Node CPU per operation at 64 conversations, ` +
      `which at one core's worth of CPU comes to about ${k(cpuCeiling)} ops/s whatever the server does (V8 collects garbage partly on helper threads, so a process can go slightly past it); it reached ${k(hand64?.opsPerSecond)} ops/s, and the session ${k(session64?.opsPerSecond)} (${cpu(session64)} µs/op; with change events on ${k(events64?.opsPerSecond)}, ${cpu(events64)} µs/op). ` +
      `The server is not the limit: \`redis-benchmark\` (a C client, no pipelining) got ${k(rpush64)} \`RPUSH\`/s and ${k(lrange64)} \`LRANGE -20 -1\`/s from the same server at 64 clients, and two Node processes together reached ${k(hand64x2?.opsPerSecond)} (hand-written) and ${k(session64x2?.opsPerSecond)} (session) at 64 conversations, ${k(hand512x2?.opsPerSecond)} and ${k(session512x2?.opsPerSecond)} at 512. ` +
      `So ${THROUGHPUT_TARGET_OPS.toLocaleString('en-US')} session operations per second from one Node process cannot hold on this machine with realistic items, for the session or for hand-written node-redis: it would take at most ${(1e6 / THROUGHPUT_TARGET_OPS).toFixed(0)} µs of CPU per operation, and a read of 20 such items alone costs more in node-redis and \`JSON.parse\`. ` +
      "The seed's 100k+ would need tiny values, many commands per round trip, or more cores (Redis on its own core and several Node processes). " +
      `At 512 conversations the session reached ${ratio(session512?.opsPerSecond, hand512?.opsPerSecond)} of the hand-written rate, spending ${cpu(session512)} against ${cpu(hand512)} µs of Node CPU per operation. ` +
      'CPU profiles of that case (taken separately) put the difference in garbage collection (about twice the hand-written time per operation): with 512 operations in flight, the objects of each one (its promises, the decoded items, the codec\'s intermediate strings) outlive the young generation and get promoted. ' +
      (session512big && session512 && session512big.opsPerSecond / session512.opsPerSecond > 1.05
        ? `A larger young generation helps: with \`${flagged}\` the session reached ${k(session512big.opsPerSecond)} ops/s (${cpu(session512big)} µs/op, ${ratio(session512big.opsPerSecond, hand512big?.opsPerSecond)} of hand-written with the same flag), so \`NODE_OPTIONS=${flagged}\` is worth trying for a process that runs hundreds of conversations at once. `
        : `A larger young generation (\`${flagged}\`) changed little in this run: ${k(session512big?.opsPerSecond)} ops/s for the session, ${k(hand512big?.opsPerSecond)} hand-written. `) +
      `With 512 conversations in flight the latency is queueing (Little's law: 512 operations in flight at ${k(session512?.opsPerSecond)} ops/s wait ${session512 ? ((512 / session512.opsPerSecond) * 1000).toFixed(0) : '?'} ms on average; measured median ${session512 ? (session512.latency.medianUs / 1000).toFixed(1) : '?'} ms), not the session. A p99 under 5 ms needs the concurrency kept near what the machine serves: ${session1 ? (session1.latency.p99Us / 1000).toFixed(2) : '?'} ms with one conversation, ${session64 ? (session64.latency.p99Us / 1000).toFixed(1) : '?'} ms at 64 (hand-written: ${hand64 ? (hand64.latency.p99Us / 1000).toFixed(1) : '?'} ms) on this shared machine.`,
    '',
    `**Pool or one socket.** node-redis writes every command queued in the same tick in one socket write, so 64 concurrent conversations on one connection pipeline by themselves. A pool (\`?max_connections=${results.throughputTiming.poolSize}\`) spreads them over ${results.throughputTiming.poolSize} sockets: more system calls and smaller batches for the same work. On 2 cores it was slower (${k(pool64?.opsPerSecond)} against ${k(session64?.opsPerSecond)} ops/s at 64 conversations); keep the default single connection unless commands block (large values, slow scripts).`,
    '',
    '**Memory.** A list of items of a few hundred bytes is a quicklist of listpack nodes of up to 8 KB (`list-max-listpack-size -2`, the default): each item costs its bytes plus a few bytes of header, so the default configuration already stays near 1.02× the JSON and no tuning is needed (smaller nodes, `-1`, change it by under 1%; an item over 8 KB gets a node of its own, about 50 B of overhead). ' +
      "LangChain stores the same way in its own, slightly larger, message format. Mastra keeps each message as its own string key plus an index key and a sorted-set entry, so each item carries two keys' overhead (about 2.5×). The JSON blob stores one string (the whole history, rewritten on every change).",
    '',
    `**Caveats.** One run on a shared development machine (load average at the end: ${results.machine.loadAverage}; other test suites may have been running): absolute numbers move by tens of percent between runs, the ratios less so (they are taken within interleaved rounds). Mastra packages declare Node ≥ 22.13; they install with a warning and ran on Node ${results.machine.node}. Mastra's \`deleteThread\` also \`SCAN\`s the keyspace, so its clear gets slower with the size of the database.`,
  ];
}
