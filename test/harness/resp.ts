import net from 'node:net';

/** A decoded RESP2 reply (errors are thrown as {@link RespError} instead). */
export type RespValue = string | number | null | RespValue[];

/** An error reply (`-ERR ...`) from Redis. `message` is the reply text. */
export class RespError extends Error {
  override name = 'RespError';
}

/** Options for {@link respCommand}. */
export interface RespCommandOptions {
  /** Host to connect to; loopback only. Default `127.0.0.1`. */
  host?: string;
  /** Sent as `AUTH <password>` before the command. */
  password?: string;
  /** Whole-exchange timeout in milliseconds. Default 2000. */
  timeoutMs?: number;
}

function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const data = Buffer.from(arg);
    parts.push(Buffer.from(`$${data.length}\r\n`), data, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

type Parsed = { value: RespValue | RespError; next: number };

/** Parses one reply starting at `offset`; `undefined` when more bytes are needed. */
function parseReply(buf: Buffer, offset: number): Parsed | undefined {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buf[offset] ?? 0);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next: afterLine };
    case '-':
      return { value: new RespError(line), next: afterLine };
    case ':':
      return { value: Number(line), next: afterLine };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: afterLine };
      if (buf.length < afterLine + len + 2) return undefined;
      return { value: buf.toString('utf8', afterLine, afterLine + len), next: afterLine + len + 2 };
    }
    case '*': {
      const len = Number(line);
      if (len < 0) return { value: null, next: afterLine };
      const items: RespValue[] = [];
      let next = afterLine;
      for (let i = 0; i < len; i++) {
        const item = parseReply(buf, next);
        if (item === undefined) return undefined;
        if (item.value instanceof RespError) throw item.value;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

/**
 * Sends one command to a Redis server on a fresh loopback connection and
 * resolves with its reply. An error reply rejects with {@link RespError};
 * connection failures and timeouts reject with ordinary errors. No retries,
 * no reconnects: meant for readiness probes and admin commands in tests.
 *
 * @example await respCommand(port, ['CLUSTER', 'INFO'])
 */
export function respCommand(port: number, args: readonly string[], options: RespCommandOptions = {}): Promise<RespValue> {
  const { host = '127.0.0.1', password, timeoutMs = 2000 } = options;
  const commands = password === undefined ? [args] : [['AUTH', password], args];
  return new Promise<RespValue>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const replies: (RespValue | RespError)[] = [];
    let settled = false;
    const socket = net.connect({ host, port });
    const finish = (err: Error | undefined, value?: RespValue): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value ?? null);
    };
    const timer = setTimeout(
      () => finish(new Error(`respCommand ${args[0] ?? ''} to ${host}:${port} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(Buffer.concat(commands.map(encodeCommand))));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        let offset = 0;
        while (replies.length < commands.length) {
          const parsed = parseReply(buf, offset);
          if (parsed === undefined) break;
          replies.push(parsed.value);
          offset = parsed.next;
        }
        buf = buf.subarray(offset);
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (replies.length < commands.length) return;
      const bad = replies.find((r): r is RespError => r instanceof RespError);
      if (bad) finish(bad);
      else finish(undefined, replies[replies.length - 1] as RespValue);
    });
    socket.once('error', (err) => finish(err));
    socket.once('close', () => finish(new Error(`connection to ${host}:${port} closed before a reply`)));
  });
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
