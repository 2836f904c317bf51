import { DEFAULT_KEY_PREFIX, validateKeyPrefix } from '../config/keys.js';
import { checkOptionNames, names, PREFIX_AND_LOGGER_HINTS, type OptionGroup } from '../config/optionNames.js';
import { connectionOf } from '../connection/commandTarget.js';
import { CONNECTION_HINTS, CONNECTION_NESTED, type ConnectionOptions } from '../connection/connectionOptions.js';
import { connectionSource } from '../connection/connectionSource.js';
import { toSessionError } from '../connection/errorMapping.js';
import { RedisSessionConfigError, RedisSessionInputError } from '../errors.js';
import { defaultLogger, type Logger } from '../logger.js';
import { SESSION_OPTIONS } from '../sessionOptions.js';
import { prefixChannel, type ChangeListener } from './changeEvent.js';
import { deliverEvents } from './delivery.js';
import { feedChannels } from './feedChannels.js';
import { subscriberHub } from './subscribers.js';

/**
 * Options of {@link watchConversations}: where to connect, as in `RedisSession`
 * (a `client` is duplicated for subscribing; `durability` does not apply, since
 * a watcher writes nothing), and what to watch.
 */
export interface WatchConversationsOptions extends Omit<ConnectionOptions, 'durability'> {
  /** The key prefix to watch. Default `conv:`. */
  keyPrefix?: string;
  /** Logger for listener failures. Default: the SDK's logger. */
  logger?: Logger;
}

/** The options of `watchConversations(options, listener)`, for `checkOptionNames`. */
const WATCH_OPTIONS: OptionGroup = {
  names: names<WatchConversationsOptions>({
    redisUrl: true, client: true, cluster: true, sentinel: true, tls: true, keyPrefix: true, logger: true,
    connectTimeoutMs: true, commandTimeoutMs: true,
  }),
  hints: { ...CONNECTION_HINTS, ...PREFIX_AND_LOGGER_HINTS },
  nested: { tls: CONNECTION_NESTED.tls, cluster: CONNECTION_NESTED.cluster, sentinel: CONNECTION_NESTED.sentinel },
  elsewhere: { names: SESSION_OPTIONS.names, note: 'an option of RedisSession, not of watchConversations' },
};

/**
 * Calls `listener` with the change events of every conversation under a key
 * prefix, for dashboards and tools: on a single server (or Sentinel), channel
 * `<prefix>__events__`; on a Redis Cluster, the sharded feed channels of all
 * 16384 slots, `<prefix>__events__{<tag>}`, each on the master that serves it,
 * so that no write is broadcast to every node (docs/change-events.md). Each
 * event names its conversation and carries its version; delivery is at most
 * once, so compare versions per conversation to notice missed events.
 *
 * On a cluster, only writers of this release (or later) publish to the feed
 * channels: a watcher does not see the writes of an older release.
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
  const { client, redisUrl, cluster, sentinel, tls, connectTimeoutMs, commandTimeoutMs } = options;
  const source = connectionSource({ client, redisUrl, cluster, sentinel, tls, connectTimeoutMs, commandTimeoutMs });
  const { timeouts } = source;
  try {
    // The lease on the command connection is held while watching: it keys the process's shared subscriber connection.
    const commands = await source.commands();
    const hub = subscriberHub({ key: source.sharingKey(), connection: connectionOf(commands), endpoint: source.endpoint, timeouts });
    const deliver = deliverEvents(listener, options.logger ?? defaultLogger);
    const stop = source.cluster
      ? await hub.listen('sharded', feedChannels(keyPrefix), deliver)
      : await hub.listen('plain', prefixChannel(keyPrefix), deliver);
    return async () => {
      await stop();
      await source.release();
    };
  } catch (error) {
    await source.release();
    throw toSessionError(error, 'watchConversations', source.target, source.lastError());
  }
}
