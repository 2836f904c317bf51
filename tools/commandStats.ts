import { createClient } from 'redis';
/**
 * Server-side command counting with `INFO stats commandstats`, for the benchmark and the tests.
 *
 * How Redis counts (checked on Redis 7.0): `cmdstat_<name>:calls` counts every
 * command the server *executes*, including the commands a Lua script runs with
 * `redis.call` and the commands queued in a MULTI and run by EXEC. So an
 * EVALSHA whose script does RPOP + EXPIRE + EXPIRE shows up as
 * `evalsha=1, rpop=1, expire=2`, although the client sent one command.
 * `total_commands_processed` counts the script's inner commands too.
 * Commandstats alone cannot tell "sent" from "run inside Lua" when the same
 * command name appears both ways, so {@link sampleCommandOrigins} reads MONITOR.
 *
 * `total_reads_processed` counts socket read events: with one client and one
 * operation in flight, reads per operation is the number of request round
 * trips (a pipelined MULTI ... EXEC arrives in one read).
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
}

/** What happened between two snapshots. */
export interface CounterDelta {
  /** Calls per command, without the INFO commands of the snapshots themselves. Zero deltas are left out. */
  calls: Map<string, number>;
  /** Server time per command, in µs, on the same terms. */
  usec: Map<string, number>;
  readsProcessed: number;
}


/** Parses the `# Stats` and `# Commandstats` sections of an INFO reply. */
export function parseCounters(info: string): ServerCounters {
  const calls = new Map<string, number>();
  const usec = new Map<string, number>();
  let readsProcessed = Number.NaN;
  for (const line of info.split('\r\n')) {
    const stat = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (stat) {
      calls.set(stat[1]!, Number(stat[2]));
      usec.set(stat[1]!, Number(stat[3]));
      continue;
    }
    const [name, value] = line.split(':');
    if (name === 'total_reads_processed') readsProcessed = Number(value);
  }
  return { calls, usec, readsProcessed };
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
  };
}

/**
 * What the server did while `action` ran: calls per command (commands run inside Lua scripts and EXEC
 * included, the probes' own INFO left out) and socket reads (the second probe's own read left out).
 */
export async function countersDuring(client: RawCommandClient, action: () => Promise<unknown>): Promise<CounterDelta> {
  const before = await snapshotCounters(client);
  await action();
  const delta = diffCounters(before, await snapshotCounters(client));
  return { ...delta, readsProcessed: delta.readsProcessed - 1 };
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
  };
}

/** An empty delta, the start of a sum. */
export function emptyDelta(): CounterDelta {
  return { calls: new Map(), usec: new Map(), readsProcessed: 0 };
}

/** Per-operation counts of commands by origin, read from MONITOR. */
export interface CommandOrigins {
  /** Commands the client sent, per operation, by lower-case name. */
  sent: Map<string, number>;
  /** Commands run inside Lua scripts, per operation. */
  insideLua: Map<string, number>;
  /**
   * The part of `sent` that was queued in a MULTI (between MULTI and EXEC from one connection), per
   * operation: EXEC's commandstats time already includes them.
   */
  queued: Map<string, number>;
}

/**
 * Runs `run` `samples` times under MONITOR and counts, per operation, the
 * commands the client sent and those Lua ran (MONITOR tags those `[db lua]`).
 * Commandstats cannot tell the two apart when a name appears both ways, such
 * as an LRANGE sent next to an EVALSHA. `marker` (a client that is not being
 * measured) sends an ECHO that ends the sample.
 */
export async function sampleCommandOrigins(
  url: string,
  marker: RawCommandClient,
  run: () => Promise<unknown>,
  samples: number,
): Promise<CommandOrigins> {
  const monitor = createClient({ url });
  monitor.on('error', () => {});
  const lines: string[] = [];
  const end = `sample-end-${process.pid}-${Date.now()}`;
  try {
    await monitor.connect();
    await monitor.monitor((line) => lines.push(line));
    for (let i = 0; i < samples; i++) await run();
    await marker.sendCommand(['ECHO', end]);
    const deadline = Date.now() + 5000;
    while (!lines.some((line) => line.includes(end))) {
      if (Date.now() > deadline) throw new Error('MONITOR did not show the end of the sample within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    monitor.destroy();
  }
  const origins: CommandOrigins = { sent: new Map(), insideLua: new Map(), queued: new Map() };
  const add = (bucket: Map<string, number>, name: string): void => void bucket.set(name, (bucket.get(name) ?? 0) + 1 / samples);
  /** Connections (MONITOR's `ip:port`) inside a MULTI. */
  const inMulti = new Set<string>();
  for (const line of lines.slice(0, lines.findIndex((line) => line.includes(end)))) {
    const match = /\[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
    if (!match) continue;
    const [, origin, command] = match as unknown as [string, string, string];
    const name = command.toLowerCase();
    if (origin === 'lua') {
      add(origins.insideLua, name);
      continue;
    }
    add(origins.sent, name);
    if (name === 'exec' || name === 'discard') inMulti.delete(origin);
    else if (inMulti.has(origin)) add(origins.queued, name);
    else if (name === 'multi') inMulti.add(origin);
  }
  return origins;
}

/**
 * Server time of a measurement, in µs: the time of the commands the client
 * sent (a script's or EXEC's time already includes the commands it ran).
 */
export function serverTimeUs(delta: CounterDelta, sent: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const [name, time] of delta.usec) if (sent.has(name)) total += time;
  return total;
}

/** Sum of the counts in a map. */
export function totalCalls(calls: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of calls.values()) total += count;
  return total;
}
