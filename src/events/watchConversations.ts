import { DEFAULT_KEY_PREFIX, validateKeyPrefix } from '../config/keys.js';
import { validateTimeout } from '../config/options.js';
import { connectionOf, type RedisConnection } from '../connection/commandTarget.js';
import { connectionSource } from '../connection/connectionSource.js';
import type { ClusterOptions, SentinelOptions } from '../connection/endpoints.js';
import type { TlsOptions } from '../config/tls.js';
import { toSessionError } from '../connection/errorMapping.js';
import { RedisSessionConfigError, RedisSessionInputError } from '../errors.js';
import { checkOptionNames, WATCH_OPTIONS } from '../config/optionNames.js';
import { defaultLogger, type Logger } from '../logger.js';
import { prefixChannel, type ChangeListener } from './changeEvent.js';
import { deliverEvents } from './delivery.js';
import { subscriberHub } from './subscribers.js';

/** Options of {@link watchConversations}. */
export interface WatchConversationsOptions {
  /** As in `RedisSession`: the URL (default `process.env.REDIS_URL`, then `redis://localhost:6379/0`). */
  redisUrl?: string;
  /** As in `RedisSession`: a node-redis client or cluster client, duplicated for subscribing. */
  client?: RedisConnection;
  /** As in `RedisSession`: seed nodes of a Redis Cluster (a PUBLISH reaches every node of a cluster). */
  cluster?: ClusterOptions;
  /** As in `RedisSession`: a master found through Redis Sentinel. */
  sentinel?: SentinelOptions;
  /** As in `RedisSession`: TLS settings for a `rediss://` URL. */
  tls?: TlsOptions;
  /** The key prefix to watch. Default `conv:`. */
  keyPrefix?: string;
  /** Logger for listener failures. Default: the SDK's logger. */
  logger?: Logger;
  /** How long to wait for a connection, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** How long a command may wait for its reply, in ms. Default 5000. */
  commandTimeoutMs?: number;
}

/**
 * Calls `listener` with the change events of every conversation under a key
 * prefix (channel `<prefix>__events__`), for dashboards and tools. Each event
 * names its conversation and carries its version; delivery is at most once,
 * so compare versions per conversation to notice missed events.
 *
 * @returns the function that stops watching.
 */
export async function watchConversations(options: WatchConversationsOptions, listener: ChangeListener): Promise<() => Promise<void>> {
  if (typeof listener !== 'function') {
    throw new RedisSessionInputError('watchConversations expects a listener function.');
  }
  if (options === null || typeof options !== 'object') {
    throw new RedisSessionConfigError('watchConversations options must be an object, for example { redisUrl: "redis://localhost:6379/0" }.');
  }
  checkOptionNames(options, WATCH_OPTIONS, 'watchConversations options');
  const keyPrefix = validateKeyPrefix(options.keyPrefix === undefined ? DEFAULT_KEY_PREFIX : options.keyPrefix);
  const timeouts = {
    connectTimeoutMs: validateTimeout(options.connectTimeoutMs, 'connectTimeoutMs'),
    commandTimeoutMs: validateTimeout(options.commandTimeoutMs, 'commandTimeoutMs'),
  };
  const { client, redisUrl, cluster, sentinel, tls } = options;
  const source = connectionSource({ client, redisUrl, cluster, sentinel, tls, timeouts });
  try {
    // The lease on the command connection is held while watching: it keys the process's shared subscriber connection.
    const commands = await source.commands();
    const hub = subscriberHub({ key: source.sharingKey(), connection: connectionOf(commands), endpoint: source.endpoint, timeouts });
    const stop = await hub.listen('plain', prefixChannel(keyPrefix), deliverEvents(listener, options.logger ?? defaultLogger));
    return async () => {
      await stop();
      await source.release();
    };
  } catch (error) {
    await source.release();
    throw toSessionError(error, 'watchConversations', source.target, source.lastError());
  }
}
