import { validateOwner } from '../config/conversationInfo.js';
import { describe } from '../config/describeValue.js';
import { DEFAULT_KEY_PREFIX, validateKeyPrefix } from '../config/keys.js';
import { checkOptionNames, names, PREFIX_AND_LOGGER_HINTS, type OptionGroup } from '../config/optionNames.js';
import { INSPECT_CUSTOM, inspectFacts } from '../config/redaction.js';
import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { CONNECTION_HINTS, CONNECTION_NESTED, type ConnectionOptions } from '../connection/connectionOptions.js';
import { connectionSource, type ConnectionSource } from '../connection/connectionSource.js';
import { toSessionError } from '../connection/errorMapping.js';
import { RedisSessionConfigError, RedisSessionError, RedisSessionInputError } from '../errors.js';
import { defaultLogger, type Logger } from '../logger.js';
import { SESSION_OPTIONS } from '../sessionOptions.js';
import { decodeListCursor } from './ownerIndexCursor.js';
import { countOwnerIndex, listOwnerPage, type ConversationPage } from './ownerIndexListing.js';
import { MAX_LIST_LIMIT } from '../config/conversationInfo.js';

export { MAX_LIST_LIMIT };

export type { ConversationPage } from './ownerIndexListing.js';

/** Options of {@link RedisConversations}: where to connect, as in `RedisSession`, and the key prefix of the conversations. */
export interface RedisConversationsOptions extends ConnectionOptions {
  /** The key prefix of the conversations to list, as given to their sessions. Default `conv:`. */
  keyPrefix?: string;
  /** Logger for index repairs. Default: the SDK's logger. */
  logger?: Logger;
}

/** Options of {@link RedisConversations.list}. */
export interface ListConversationsOptions {
  /** Whose conversations: the `owner` their sessions were opened with. */
  owner: string;
  /** How many at most, 1 to 1000. Default 20. */
  limit?: number;
  /** The `cursor` of the previous page; omit it for the first page. */
  cursor?: string;
}

/** Options of {@link RedisConversations.count}. */
export interface CountConversationsOptions {
  /** Whose conversations: the `owner` their sessions were opened with. */
  owner: string;
}

/** The default page of {@link RedisConversations.list}; the largest is {@link MAX_LIST_LIMIT}. */
export const DEFAULT_LIST_LIMIT = 20;

const OPTIONS: OptionGroup = {
  names: names<RedisConversationsOptions>({
    redisUrl: true, client: true, cluster: true, sentinel: true, tls: true, durability: true, keyPrefix: true, logger: true,
    connectTimeoutMs: true, commandTimeoutMs: true,
  }),
  hints: { ...CONNECTION_HINTS, ...PREFIX_AND_LOGGER_HINTS },
  nested: { tls: CONNECTION_NESTED.tls, durability: CONNECTION_NESTED.durability, cluster: CONNECTION_NESTED.cluster, sentinel: CONNECTION_NESTED.sentinel },
  elsewhere: { names: SESSION_OPTIONS.names, note: 'an option of RedisSession, not of RedisConversations' },
};

/**
 * The conversations of an owner (the `owner` option of their sessions), most
 * recently changed first: for a sidebar of "my conversations". Reads each
 * owner's index (a sorted set the sessions keep up to date in the same round
 * trip as their writes), so a page costs O(log N + page) whatever the number
 * of conversations, on a single server, Sentinel or Cluster.
 *
 * A conversation that was deleted or expired, or is not the owner's, never
 * appears. Connections are shared with the sessions of the process opened
 * with the same options; `close()` releases this object's lease.
 *
 * @example
 * ```ts
 * const conversations = new RedisConversations({ redisUrl: process.env.REDIS_URL });
 * const { conversations: page, cursor } = await conversations.list({ owner: 'user-42', limit: 20 });
 * for (const info of page) console.log(info.title ?? info.conversationId, new Date(info.updatedAt ?? 0));
 * await conversations.close();
 * ```
 */
export class RedisConversations {
  /** The key prefix of the conversations listed. */
  readonly keyPrefix: string;
  private readonly logger: Logger;
  private readonly connection: ConnectionSource;
  private closed = false;

  /** @throws {RedisSessionConfigError} when an option is invalid (nothing is connected). */
  constructor(options: RedisConversationsOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new RedisSessionConfigError('RedisConversations options must be an object, for example { redisUrl: "redis://localhost:6379/0" }.');
    }
    checkOptionNames(options, OPTIONS, 'RedisConversations options');
    this.keyPrefix = validateKeyPrefix(options.keyPrefix === undefined ? DEFAULT_KEY_PREFIX : options.keyPrefix);
    this.logger = options.logger ?? defaultLogger;
    this.connection = connectionSource(options);
  }

  /** What `util.inspect` shows: the key prefix and the server with its password redacted. */
  [INSPECT_CUSTOM](_depth: number, options: object, inspect: (value: unknown, options?: object) => string): string {
    return inspectFacts('RedisConversations', this.toJSON(), options, inspect);
  }

  /** What `JSON.stringify` gives: the same safe facts as `util.inspect`. */
  toJSON(): Record<string, unknown> {
    return { keyPrefix: this.keyPrefix, redis: this.connection.target, closed: this.closed };
  }

  /**
   * One page of an owner's conversations, most recently changed first, with
   * each one's info (title, metadata, timestamps, item count, TTL, lineage,
   * usage totals). Pass the returned `cursor` to get the next page: pages
   * neither repeat nor skip a conversation that is not written meanwhile
   * (one written meanwhile moves to the top: the first page shows it again).
   * An owner with no conversations gets an empty page. A page may be shorter
   * than `limit` and still have a cursor when entries of deleted or expired
   * conversations were skipped.
   *
   * @throws {RedisSessionConfigError} when `owner` is not a valid owner.
   * @throws {RedisSessionInputError} when `limit` is not an integer from 1 to 1000.
   * @throws {RedisSessionCursorError} when `cursor` was not returned by this method.
   * @throws {RedisSessionCommandError} when the owner's index key holds another type (nothing is changed).
   */
  async list(options: ListConversationsOptions): Promise<ConversationPage> {
    this.assertOpen('list');
    const { owner, limit, cursor } = checkListOptions(options);
    const after = cursor === undefined ? undefined : decodeListCursor(cursor);
    return this.execute('listConversations', (redis) => listOwnerPage(redis, { keyPrefix: this.keyPrefix, owner, limit, after, logger: this.logger, cluster: this.connection.cluster }));
  }

  /**
   * How many conversations an owner has, in O(1): the entries of its index.
   * A conversation that expired by its TTL is counted until a listing passes
   * its entry (a minute or more after its expiry). 0 for an unknown owner.
   *
   * @throws {RedisSessionConfigError} when `owner` is not a valid owner.
   * @throws {RedisSessionCommandError} when the owner's index key holds another type.
   */
  async count(options: CountConversationsOptions): Promise<number> {
    this.assertOpen('count');
    const owner = checkOwnerOption(options, 'count', ['owner']);
    return this.execute('countConversations', (redis) => countOwnerIndex(redis, this.keyPrefix, owner));
  }

  /** Releases this object's lease on the shared connection (a `client` passed in stays open). Later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.connection.release();
    } catch (error) {
      this.logger.debug(`RedisConversations: closing the connection failed (${String(error)}).`);
    }
  }

  private assertOpen(method: string): void {
    if (this.closed) {
      throw new RedisSessionError('ERR_REDIS_SESSION_CLOSED', `RedisConversations.${method} was called after close(). Create a new RedisConversations.`);
    }
  }

  /** Runs `command` on the shared connection (every command bounded by `commandTimeoutMs`), mapping errors to the package's. */
  private async execute<T>(operation: string, command: (redis: RedisCommandTarget) => Promise<T>): Promise<T> {
    try {
      const connected = this.connection.commands();
      return await command(connected instanceof Promise ? await connected : connected);
    } catch (error) {
      throw toSessionError(error, operation, this.connection.target, this.connection.lastError());
    }
  }
}

/** Checks the argument of `list`. */
function checkListOptions(options: unknown): { owner: string; limit: number; cursor: string | undefined } {
  const owner = checkOwnerOption(options, 'list', ['owner', 'limit', 'cursor']);
  const { limit = DEFAULT_LIST_LIMIT, cursor } = options as ListConversationsOptions;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new RedisSessionInputError(`RedisConversations.list: limit must be an integer from 1 to ${MAX_LIST_LIMIT}; got ${describe(limit)}.`);
  }
  return { owner, limit, cursor };
}

/** Checks that `options` is an object with only `allowed` keys and a valid owner; returns the owner. */
function checkOwnerOption(options: unknown, method: string, allowed: readonly string[]): string {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new RedisSessionInputError(`RedisConversations.${method} expects an object such as { owner: "user-42" }; got ${describe(options)}.`);
  }
  const unknown = Object.keys(options).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new RedisSessionInputError(
      `RedisConversations.${method} takes ${allowed.join(', ')}; got ${unknown.map((key) => JSON.stringify(key)).join(', ')}.`,
    );
  }
  return validateOwner((options as { owner?: unknown }).owner);
}
