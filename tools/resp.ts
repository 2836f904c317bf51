import { createClient, ErrorReply } from 'redis';

/** A reply to an admin command, as node-redis decodes it. */
export type RespValue = string | number | null | RespValue[];

/** An error reply (`-ERR ...`) from Redis: node-redis's own class. */
export { ErrorReply as RespError };

/** Options for {@link respCommand}. */
export interface RespCommandOptions {
  /** Host to connect to; loopback only. Default `127.0.0.1`. */
  host?: string;
  /** Password (of the default user, unless `username` is given). */
  password?: string;
  /** ACL user to authenticate as. Default: the default user. */
  username?: string;
  /** Timeout for connecting and for the reply, in milliseconds. Default 30000 (generous: tests assert replies, not speed). */
  timeoutMs?: number;
}

/**
 * Sends one command to a Redis server on a fresh connection (node-redis, no
 * reconnects) and resolves with its reply. An error reply rejects with
 * {@link RespError}. Meant for readiness probes and admin commands in tests.
 *
 * @example await respCommand(port, ['CLUSTER', 'INFO'])
 */
export async function respCommand(port: number, args: readonly string[], options: RespCommandOptions = {}): Promise<RespValue> {
  const { host = '127.0.0.1', password, username, timeoutMs = 30_000 } = options;
  const client = createClient({
    socket: { host, port, connectTimeout: timeoutMs, reconnectStrategy: false },
    username,
    password,
    RESP: 2,
    commandOptions: { timeout: timeoutMs },
  });
  client.on('error', () => {}); // surfaced through the rejected connect or command
  try {
    await client.connect();
    return (await client.sendCommand([...args])) as RespValue;
  } finally {
    client.destroy();
  }
}

/** Parses `INFO`-style `key:value` lines into a map (section headers and blanks skipped). */
export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const idx = line.indexOf(':');
    if (idx > 0) map.set(line.slice(0, idx), line.slice(idx + 1));
  }
  return map;
}
