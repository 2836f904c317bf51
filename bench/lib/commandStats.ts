/**
 * Server-side command counting with `INFO stats commandstats`.
 *
 * How Redis counts (checked on Redis 7.0): `cmdstat_<name>:calls` counts every
 * command the server *executes*, including the commands a Lua script runs with
 * `redis.call` and the commands queued in a MULTI and run by EXEC. So an
 * EVALSHA whose script does RPOP + EXPIRE + EXPIRE shows up as
 * `evalsha=1, rpop=1, expire=2`, although the client sent one command.
 * `total_commands_processed` counts the script's inner commands too.
 * Commandstats alone cannot tell "sent" from "run inside Lua" when the same
 * command name appears both ways, so {@link splitByOrigin} uses the shape of a
 * sequential, single-client measurement: see there.
 *
 * `total_reads_processed` / `total_writes_processed` count socket read and
 * write events: with one client and one operation in flight, reads per
 * operation is the number of request round trips (a pipelined MULTI ... EXEC
 * arrives in one read).
 */

/** Anything that can send a raw command, such as a node-redis client. */
export interface RawCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Server counters at one moment. */
export interface ServerCounters {
  /** `calls` per command name (`cmdstat_` stripped, subcommands as `config|resetstat`). */
  calls: Map<string, number>;
  /** `usec` (server CPU time in the command) per command name. */
  usec: Map<string, number>;
  readsProcessed: number;
  writesProcessed: number;
}

/** What happened between two snapshots. */
export interface CounterDelta {
  /** Calls per command, without the INFO commands of the snapshots themselves. Zero deltas are left out. */
  calls: Map<string, number>;
  /** Server time per command, in µs, on the same terms. */
  usec: Map<string, number>;
  readsProcessed: number;
  writesProcessed: number;
}

/** Commands that run a server-side script; the commands they call are counted separately. */
const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);
/** Transaction framing commands: always sent by the client. */
const TRANSACTION_COMMANDS = new Set(['multi', 'exec', 'discard', 'watch', 'unwatch']);

/** Parses the `# Stats` and `# Commandstats` sections of an INFO reply. */
export function parseCounters(info: string): ServerCounters {
  const calls = new Map<string, number>();
  const usec = new Map<string, number>();
  let readsProcessed = Number.NaN;
  let writesProcessed = Number.NaN;
  for (const line of info.split('\r\n')) {
    const stat = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (stat) {
      calls.set(stat[1]!, Number(stat[2]));
      usec.set(stat[1]!, Number(stat[3]));
      continue;
    }
    const [name, value] = line.split(':');
    if (name === 'total_reads_processed') readsProcessed = Number(value);
    else if (name === 'total_writes_processed') writesProcessed = Number(value);
  }
  return { calls, usec, readsProcessed, writesProcessed };
}

/** Reads the server's counters with one `INFO stats commandstats`. */
export async function snapshotCounters(client: RawCommandClient): Promise<ServerCounters> {
  return parseCounters(String(await client.sendCommand(['INFO', 'stats', 'commandstats'])));
}

/** Counters of `after` minus those of `before`, leaving out the snapshots' own INFO calls. */
export function diffCounters(before: ServerCounters, after: ServerCounters): CounterDelta {
  const calls = new Map<string, number>();
  const usec = new Map<string, number>();
  for (const [name, count] of after.calls) {
    if (name === 'info') continue;
    const delta = count - (before.calls.get(name) ?? 0);
    if (delta === 0) continue;
    calls.set(name, delta);
    usec.set(name, (after.usec.get(name) ?? 0) - (before.usec.get(name) ?? 0));
  }
  return {
    calls,
    usec,
    readsProcessed: after.readsProcessed - before.readsProcessed,
    writesProcessed: after.writesProcessed - before.writesProcessed,
  };
}

/** Sums deltas (for example, of several measured blocks of one variant). */
export function addDeltas(total: CounterDelta, delta: CounterDelta): CounterDelta {
  const calls = new Map(total.calls);
  const usec = new Map(total.usec);
  for (const [name, count] of delta.calls) calls.set(name, (calls.get(name) ?? 0) + count);
  for (const [name, time] of delta.usec) usec.set(name, (usec.get(name) ?? 0) + time);
  return {
    calls,
    usec,
    readsProcessed: total.readsProcessed + delta.readsProcessed,
    writesProcessed: total.writesProcessed + delta.writesProcessed,
  };
}

/** An empty delta, the start of a sum. */
export function emptyDelta(): CounterDelta {
  return { calls: new Map(), usec: new Map(), readsProcessed: 0, writesProcessed: 0 };
}

/**
 * Splits the calls of a measurement into the commands the client sent and
 * those a Lua script ran. Assumes what holds for a sequential benchmark of one
 * operation: when a script command (EVAL, EVALSHA, FCALL...) ran, every data
 * command in the window was called by the script, since the operation sends
 * either a script or plain commands, never both. Script and MULTI/EXEC
 * commands themselves count as sent.
 */
export function splitByOrigin(calls: ReadonlyMap<string, number>): { sent: Map<string, number>; insideLua: Map<string, number> } {
  const ranScript = [...calls.keys()].some((name) => SCRIPT_COMMANDS.has(name));
  const sent = new Map<string, number>();
  const insideLua = new Map<string, number>();
  for (const [name, count] of calls) {
    const fromClient = !ranScript || SCRIPT_COMMANDS.has(name) || TRANSACTION_COMMANDS.has(name);
    (fromClient ? sent : insideLua).set(name, count);
  }
  return { sent, insideLua };
}

/**
 * Server time of a measurement, in µs: the time of the commands the client
 * sent. A script's or EXEC's time already includes the commands it ran, so
 * those inner commands are not added again.
 */
export function serverTimeUs(delta: CounterDelta): number {
  const wrapped = [...delta.calls.keys()].some((name) => SCRIPT_COMMANDS.has(name) || name === 'exec');
  let total = 0;
  for (const [name, time] of delta.usec) {
    if (!wrapped || SCRIPT_COMMANDS.has(name) || TRANSACTION_COMMANDS.has(name)) total += time;
  }
  return total;
}

/** Sum of the counts in a map. */
export function totalCalls(calls: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of calls.values()) total += count;
  return total;
}
