import type { RedisConnection } from '../connection/commandTarget.js';
import type { DurabilityOptions } from '../connection/durability.js';
import type { ClusterOptions, SentinelOptions } from '../connection/endpoints.js';
import { RedisSessionConfigError } from '../errors.js';
import type { EncryptionOptions } from '../encryption/keyring.js';
import type { OverflowPolicy } from './limits.js';
import type { TlsOptions } from './tls.js';
import { describe } from './describeValue.js';
import type { Logger } from '../logger.js';

/** Options of {@link RedisSession}. Every one is optional. */
export interface RedisSessionOptions {
  /**
   * The conversation this session reads and writes. `getSessionId()` returns it.
   * Defaults to a new random UUID. It must not contain `{`, `}` or control characters,
   * and must be well-formed Unicode (no lone surrogate).
   */
  conversationId?: string;
  /** Alias of {@link conversationId}, matching the SDK's `MemorySession`. */
  sessionId?: string;
  /**
   * `redis://[[user]:[password]@]host:port/db`, or `rediss://...` for TLS.
   * `?max_connections=N` sets the pool size (default: one multiplexed connection).
   * Defaults to `process.env.REDIS_URL`, then `redis://localhost:6379/0`.
   * Sessions of one process with the same URL share one connection.
   */
  redisUrl?: string;
  /**
   * An existing node-redis client, pool or cluster client to use instead of a URL.
   * The session neither connects nor closes it: connect it before the first operation.
   */
  client?: RedisConnection;
  /**
   * Expiry in seconds, sliding: every read and write of the conversation sets
   * every key of it to expire `ttl` seconds later. `undefined` or `null`: never
   * expires (existing expiry on the keys is left as it is).
   */
  ttl?: number | null;
  /** Prefix of every key; the items live at exactly `keyPrefix + conversationId`. Default `conv:`. */
  keyPrefix?: string;
  /**
   * The window `getItems()` returns when called with no argument, as the SDK's
   * runner does on every turn. The window never starts with a tool result whose
   * call was cut off. Default: the whole history.
   */
  limit?: number;
  /** Logger in the SDK's format. Default: the SDK's logger, namespace `openai-agents:redis-session`. */
  logger?: Logger;
  /** How long to wait for a connection, in ms (URL connections only). Default 5000. */
  connectTimeoutMs?: number;
  /** How long any command may wait for its reply, in ms. Default 5000. */
  commandTimeoutMs?: number;
  /**
   * Publish a change event with every write, for `subscribe()` and
   * `watchConversations()` (default `true`). With `false`, nothing is
   * published, and without a TTL, appends, pops and clears are single native
   * commands (RPUSH, RPOP, DEL).
   */
  changeEvents?: boolean;
  /**
   * A Redis Cluster to connect to through some of its nodes (node-redis
   * `createCluster`); sessions of one process with the same seed list share
   * one cluster client. Same as `redisUrl: 'redis+cluster://host:port,host:port'`.
   * Every key of a conversation is in one slot, so every operation works unchanged.
   */
  cluster?: ClusterOptions;
  /**
   * A master found through Redis Sentinel (node-redis `createSentinel`), which
   * follows it across failovers. Same as
   * `redisUrl: 'redis+sentinel://[user:pass@]host:port,host:port/<masterName>[/db]'`.
   */
  sentinel?: SentinelOptions;
  /**
   * Confirms every write with `WAIT replicas timeoutMs` on the connection that
   * wrote it; throws `RedisSessionDurabilityError` when fewer replicas confirm
   * in time (the write stays applied on the master). Costs one more round trip
   * plus the replication delay per write, and is not a guarantee against every
   * failure: replication stays asynchronous. Not available with a pool.
   */
  durability?: DurabilityOptions;
  /**
   * TLS settings for a `rediss://` URL (or a TLS cluster or sentinel-managed
   * master): the CA to trust, a client certificate, the server name to verify.
   * The server's certificate is always verified unless `rejectUnauthorized: false`.
   */
  tls?: TlsOptions;
  /**
   * Largest item accepted, in bytes of its JSON (UTF-8). A larger item fails
   * its write with `RedisSessionLimitError`, and nothing is written. Default
   * 16 MiB (`DEFAULT_MAX_ITEM_BYTES`).
   */
  maxItemBytes?: number;
  /**
   * Longest history kept, in items. Default: no limit. What happens when a
   * write would exceed it is the `overflow` option's choice.
   */
  maxItems?: number;
  /**
   * What a write does when the history would grow past `maxItems`:
   * `'trim'` (default) appends, then drops the oldest items in the same atomic
   * step (reads never start with a tool result whose call was dropped);
   * `'reject'` refuses the write with `RedisSessionLimitError`, writing nothing.
   */
  overflow?: OverflowPolicy;
  /**
   * Encrypts every item at rest with AES-256-GCM (node:crypto), under keys
   * you supply, with rotation. The session's API is unchanged; entries that
   * were modified are reported with `RedisSessionIntegrityError`. Change
   * events then carry counts, not items.
   */
  encryption?: EncryptionOptions;
}

/** Ten years: any TTL beyond this is taken as a mistake (milliseconds passed as seconds, say). */
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;
const DEFAULT_TIMEOUT_MS = 5000;
const MAX_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Checks `ttl`: a whole number of seconds from 1 to {@link MAX_TTL_SECONDS},
 * or `undefined`/`null` for no expiry. Returns 0 for no expiry.
 */
export function validateTtl(ttl: unknown): number {
  if (ttl === undefined || ttl === null) return 0;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_SECONDS) {
    throw new RedisSessionConfigError(
      `ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS} (10 years), or null for no expiry; ` +
        `got ${describe(ttl)}. For example, ttl: 3600 expires a conversation after an hour without activity.`,
    );
  }
  return ttl;
}

/** Checks a window size: a whole number (values ≤ 0 mean an empty window). */
export function validateLimit(limit: unknown, name: string): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit)) {
    throw new RedisSessionConfigError(`${name} must be a whole number of items; got ${describe(limit)}.`);
  }
  return limit;
}

/** Checks the `changeEvents` option; `undefined` means `true`. */
export function validateChangeEvents(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') {
    throw new RedisSessionConfigError(`changeEvents must be true or false; got ${describe(value)}.`);
  }
  return value;
}

/** Checks a timeout in milliseconds, returning the default when it is undefined. */
export function validateTimeout(value: unknown, name: string): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new RedisSessionConfigError(
      `${name} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; got ${describe(value)}.`,
    );
  }
  return value;
}
