import { escapeGlob } from './conversations.js';

/**
 * The ACL rules of docs/security.md, built from a key prefix in one place, so that what `doctor` suggests is what the
 * docs show and what the tests apply to a real server (test/security.acl.test.ts compares them token by token).
 */

/** Every command the package sends (directly and inside its Lua scripts), and when connecting. */
export const APPLICATION_COMMANDS = [
  'hello', 'auth', 'ping', 'evalsha', 'eval', 'lrange', 'rpush', 'rpop', 'del', 'expire', 'type', 'llen', 'ltrim', 'lset', 'lrem',
  'hget', 'hmget', 'hgetall', 'hset', 'hdel', 'hincrby', 'pttl', 'time', 'zadd', 'zrem', 'zscore', 'zrange', 'zrevrank', 'zcard', 'publish',
  'spublish', 'subscribe', 'unsubscribe', 'ssubscribe', 'sunsubscribe', 'wait',
] as const;

/**
 * What the key and channel patterns of a prefix are: the items lists `<prefix>*`, the metadata hashes `{<prefix>*}:meta`,
 * the per-conversation channels `{<prefix>*}:events`, the prefix's channel `<prefix>__events__` and, on a Redis Cluster,
 * its per-slot feed channels `<prefix>__events__{<tag>}` (events/feedChannels.ts).
 */
export function prefixPatterns(prefix: string): { keys: string[]; channels: string[] } {
  const glob = escapeGlob(prefix);
  return { keys: [`~${glob}*`, `~{${glob}*}:meta`], channels: [`&{${glob}*}:events`, `&${glob}__events__`, `&${glob}__events__{*}`] };
}

/**
 * The least-privilege rule for the application user (`ACL SETUSER <user> reset on >PASSWORD ...`), as one line:
 * exactly the keys, channels and commands a RedisSession and watchConversations use under `prefix`.
 */
export function applicationAclRule(prefix: string, user = 'agents', password = 'APP_PASSWORD'): string {
  const { keys, channels } = prefixPatterns(prefix);
  return [
    'ACL SETUSER',
    user,
    'reset on',
    `>${password}`,
    'resetkeys',
    ...keys,
    'resetchannels',
    ...channels,
    '-@all',
    ...APPLICATION_COMMANDS.map((command) => `+${command}`),
  ].join(' ');
}
