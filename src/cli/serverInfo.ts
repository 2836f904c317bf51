import type { ServerNode } from './connect.js';

/** A command's reply, or the error it got (NOPERM, unknown command...) as text. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: string };

/** Sends a command and captures an error reply instead of throwing it. Connection failures still throw. */
export async function attempt(server: ServerNode, args: string[]): Promise<Attempt<unknown>> {
  try {
    return { ok: true, value: await server.command(args) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/^[A-Z]{3,}[A-Z_]* /.test(message)) return { ok: false, error: message };
    throw error;
  }
}

/** INFO of a server, as a map of its `key:value` lines. */
export async function info(server: ServerNode, section?: string): Promise<Map<string, string>> {
  return parseInfo(String(await server.command(section === undefined ? ['INFO'] : ['INFO', section])));
}

function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (line.startsWith('#') || colon <= 0) continue;
    map.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return map;
}

/** INFO of a server, or the error reply (NOPERM for a user without +info) as text. */
export async function infoAttempt(server: ServerNode, section: string): Promise<Attempt<Map<string, string>>> {
  const reply = await attempt(server, ['INFO', section]);
  return reply.ok ? { ok: true, value: parseInfo(String(reply.value)) } : reply;
}

/** CONFIG GET of one parameter; `undefined` (with the reason) when CONFIG is renamed away or denied. */
export async function configGet(server: ServerNode, name: string): Promise<Attempt<string>> {
  const reply = await attempt(server, ['CONFIG', 'GET', name]);
  if (!reply.ok) return reply;
  const value = field(reply.value, name);
  return { ok: true, value: value === undefined || value === null ? '' : String(value) };
}

/**
 * A field of a map-like reply: a flat [name, value, ...] array (RESP2), or a Map or object (RESP3 and node-redis's
 * transforms), as CONFIG GET and ACL GETUSER answer.
 */
export function field(reply: unknown, name: string): unknown {
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) if (String(reply[i]) === name) return reply[i + 1];
    return undefined;
  }
  if (reply instanceof Map) return reply.get(name);
  if (reply !== null && typeof reply === 'object') return (reply as Record<string, unknown>)[name];
  return undefined;
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^-/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\./.test(bare);
}
