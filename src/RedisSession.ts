import { randomUUID } from 'node:crypto';
import type {
  AgentInputItem,
  RunContext,
  RunContextAwareSession,
  SessionHistoryRewriteArgs,
  SessionHistoryRewriteAwareSession,
  SessionHistoryTransactionArgs,
  SessionHistoryTransactionAwareSession,
} from '@openai/agents';
import { validateCompression } from './config/compression.js';
import { conversationKeys, DEFAULT_KEY_PREFIX, validateConversationId, validateKeyPrefix, type ConversationKeys } from './config/keys.js';
import { serializeMetadata, validateOwner, validateTitle } from './config/conversationInfo.js';
import { validateLimits } from './config/limits.js';
import { checkOptionNames } from './config/optionNames.js';
import { INSPECT_CUSTOM, inspectFacts } from './config/redaction.js';
import { validateChangeEvents, validateLimit, validateTouch, validateTtl, type TouchOption } from './config/options.js';
import { connectionOf, type RedisCommandTarget } from './connection/commandTarget.js';
import { connectionSource, type ConnectionSource } from './connection/connectionSource.js';
import { isDeadlineError } from './connection/deadline.js';
import { toSessionError } from './connection/errorMapping.js';
import { conversationInfo, type ConversationInfo } from './conversations/info.js';
import { checkUpdate, mergeMetadata, type ConversationUpdate } from './conversations/infoUpdate.js';
import { IndexUse, NO_OWNER_INDEX, ownerIndexLink, type OwnerIndexLink } from './conversations/ownerIndexLink.js';
import { forkConversation, forkRequest, type ForkEnd, type ForkOptions } from './conversations/fork.js';
import { pageRequest, readHistoryPage, type HistoryPage, type HistoryPageOptions } from './conversations/historyPage.js';
import {
  RedisSessionConfigError,
  RedisSessionConflictError,
  RedisSessionConnectionError,
  RedisSessionError,
  RedisSessionInputError,
} from './errors.js';
import { prepareMutations } from './history/mutations.js';
import { readDefaultWindow, trimToSafeBoundary } from './history/safeWindow.js';
import { prepareTransaction } from './history/transactions.js';
import { TouchPolicy } from './history/touchPolicy.js';
import {
  conversationChannel,
  type ChangeListener,
  type SubscribeOptions,
} from './events/changeEvent.js';
import { deliverEvents } from './events/delivery.js';
import type { SubscriberHub } from './events/subscriberHub.js';
import { subscriberHub } from './events/subscribers.js';
import { debugEnabled, defaultLogger, mayLogContent, type Logger } from './logger.js';
import { scriptContext, scripts, type ScriptContext } from './scripts/index.js';
import { encryptedCodec } from './encryption/encryptedCodec.js';
import { validateEncryption } from './encryption/keyring.js';
import { plainCodec, type ItemCodec } from './serialization/itemCodec.js';
import { SESSION_OPTIONS, type RedisSessionOptions } from './sessionOptions.js';
import { RunUsageTracker } from './usage/runUsage.js';
import { storedUsage, usageArgument } from './usage/storedUsage.js';
import type { ConversationUsage } from './usage/usage.js';

/** Operations that change the history: when their reply does not come in time, their outcome is unknown. */
const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'addItems',
  'popItem',
  'clearSession',
  'applyHistoryTransaction',
  'replaceHistoryWithCompaction',
  'applyHistoryMutations',
  'update',
  'fork',
]);

/** How often `update()` merges metadata again when another writer changed it between its read and its write. */
const UPDATE_ATTEMPTS = 5;


/**
 * Conversation memory for the OpenAI Agents SDK, kept in Redis.
 *
 * Pass it to `run(agent, input, { session })` and the runner loads the history
 * before each turn and appends the new items after it. Every operation is one
 * round trip and atomic, so many processes can share one conversation; its
 * cost does not grow with the length of the history (except
 * `applyHistoryMutations`, which has to find the item it changes).
 *
 * Semantics follow the SDK's `MemorySession`: items come back in chronological
 * order, each a fresh copy, and history transactions are idempotent per
 * operation id.
 *
 * @example
 * ```ts
 * const session = new RedisSession({ conversationId: 'user-123', ttl: 3600 });
 * await run(agent, 'Hello', { session });
 * await session.close();
 * ```
 */
export class RedisSession
  implements SessionHistoryTransactionAwareSession, SessionHistoryRewriteAwareSession, RunContextAwareSession<unknown>
{
  /**
   * Tells the SDK's runner to pass its `RunContext` to every history call, so
   * that the token usage of each turn is recorded with its items (`getUsage()`).
   */
  readonly acceptsRunContext = true as const;
  /** The conversation id; `getSessionId()` returns it. */
  readonly conversationId: string;
  /** The key prefix in use. */
  readonly keyPrefix: string;
  /** The Redis keys of this conversation; `keys.items` is exactly `keyPrefix + conversationId`. */
  readonly keys: ConversationKeys;
  /** The sliding expiry in seconds, or `null` when the conversation never expires. */
  readonly ttl: number | null;
  /** Which reads slide the expiry (the `touch` option): `'always'` unless set. */
  readonly touch: TouchOption;
  /** The default window of `getItems()`, or `undefined` for the whole history. */
  readonly limit: number | undefined;
  /** Whether every write publishes a change event (the `changeEvents` option). */
  readonly changeEvents: boolean;
  /** The longest history kept (the `maxItems` option), or `undefined` for no limit. */
  readonly maxItems: number | undefined;
  /** Who the conversation belongs to (the `owner` option), or `undefined`. */
  readonly owner: string | undefined;

  /** What every script call of this conversation takes: its keys, TTL, change-event settings and history limit. */
  private readonly scriptContext: ScriptContext;
  /** Turns items into stored entries and back: plain JSON, or encrypted. */
  private readonly codec: ItemCodec;
  /** How much of each run's token usage this session's writes have recorded. */
  private readonly usage = new RunUsageTracker();
  /** When a read slides the expiry (the `touch` option), and when this session last slid it. */
  private readonly touchPolicy: TouchPolicy;
  /** The `metadata` option as JSON, the base of the first `update()` of a new conversation. */
  private readonly initialMetadata: string | undefined;
  /**
   * A copy of the constructor's options, for the session `fork()` returns. An ES private field: it holds the
   * password and encryption keys, which nothing that walks the object's properties may reach.
   */
  readonly #options: RedisSessionOptions;
  private readonly subscriptions = new Set<() => Promise<void>>();
  private readonly logger: Logger;
  private readonly connection: ConnectionSource;
  /** Keeps the conversation in its owner's index (conversations/ownerIndex.ts); a no-op without an owner. */
  private readonly ownerIndex: OwnerIndexLink;
  private closed = false;

  /**
   * @throws {RedisSessionConfigError} when an option is invalid (nothing is connected or written).
   */
  constructor(options: RedisSessionOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new RedisSessionConfigError('RedisSession options must be an object, for example { conversationId: "user-123" }.');
    }
    checkOptionNames(options, SESSION_OPTIONS, 'RedisSession options');
    this.#options = { ...options };
    const { conversationId, sessionId } = options;
    if (conversationId !== undefined && sessionId !== undefined && conversationId !== sessionId) {
      throw new RedisSessionConfigError('conversationId and sessionId are aliases; pass one of them, not two different values.');
    }
    // Only undefined means "use the default": a null id is a caller's bug, not a request for a new conversation.
    const id = conversationId !== undefined ? conversationId : sessionId !== undefined ? sessionId : randomUUID();
    this.conversationId = validateConversationId(id);
    this.keyPrefix = validateKeyPrefix(options.keyPrefix === undefined ? DEFAULT_KEY_PREFIX : options.keyPrefix);
    this.keys = conversationKeys(this.keyPrefix, this.conversationId);
    const ttl = validateTtl(options.ttl);
    this.ttl = ttl === 0 ? null : ttl;
    this.touch = validateTouch(options.touch, ttl);
    this.touchPolicy = new TouchPolicy(this.touch, ttl);
    this.limit = options.limit === undefined ? undefined : validateLimit(options.limit, 'limit');
    this.logger = options.logger ?? defaultLogger;
    this.changeEvents = validateChangeEvents(options.changeEvents);
    const limits = validateLimits(options);
    this.maxItems = limits.maxItems === 0 ? undefined : limits.maxItems;
    const compression = validateCompression(options.compression);
    this.codec =
      options.encryption === undefined
        ? plainCodec(limits.maxItemBytes, compression)
        : encryptedCodec(validateEncryption(options.encryption), this.conversationId, this.keys.items, limits.maxItemBytes, compression);
    this.owner = options.owner === undefined ? undefined : validateOwner(options.owner);
    const title = options.title === undefined ? undefined : validateTitle(options.title, 'option');
    this.initialMetadata = options.metadata === undefined ? undefined : serializeMetadata(options.metadata, 'option');
    this.connection = connectionSource(options);
    this.scriptContext = scriptContext({
      conversationId: this.conversationId,
      keyPrefix: this.keyPrefix,
      keys: this.keys,
      ttl,
      changeEvents: this.changeEvents,
      // Ciphertext never goes out on pub/sub: events of an encrypted conversation carry counts only.
      eventsCarryItems: this.codec.eventsCarryItems,
      maxItems: limits.maxItems,
      overflow: limits.overflow,
      owner: this.owner,
      title,
      metadataJson: this.initialMetadata,
      cluster: this.connection.cluster,
    });
    // On a single server the writing scripts keep the owner's index themselves; on a cluster it is on another slot.
    this.ownerIndex =
      this.owner === undefined || this.scriptContext.indexesInScript
        ? NO_OWNER_INDEX
        : ownerIndexLink(this.keyPrefix, this.owner, this.conversationId, this.logger);
  }

  /**
   * What `console.log(session)` and `util.inspect(session)` show: the public
   * settings and the server with its password redacted. Never the connection,
   * its options or a client, which hold the password.
   */
  [INSPECT_CUSTOM](_depth: number, options: object, inspect: (value: unknown, options?: object) => string): string {
    return inspectFacts('RedisSession', this.toJSON(), options, inspect);
  }

  /** What `JSON.stringify(session)` gives: the same safe facts as `util.inspect`. */
  toJSON(): Record<string, unknown> {
    return {
      conversationId: this.conversationId,
      keyPrefix: this.keyPrefix,
      redis: this.connection.target,
      ttl: this.ttl,
      touch: this.touch,
      limit: this.limit,
      maxItems: this.maxItems,
      changeEvents: this.changeEvents,
      owner: this.owner,
      closed: this.closed,
    };
  }

  /** Returns the conversation id. */
  async getSessionId(): Promise<string> {
    return this.conversationId;
  }

  /**
   * Returns the newest `limit` items, oldest first, in one round trip whose cost
   * depends on `limit`, not on the length of the history. `limit <= 0` returns `[]`.
   *
   * With no argument (as the SDK's runner calls it), returns the session's
   * default window (the `limit` option), or the whole history when that option
   * is unset. The default window never holds a tool result without its call: when
   * the newest `limit` items start inside a call/result group, it reaches back
   * (one more read) to the group's first call, by at most `max(limit, 32)` more
   * items; only if the call is not within that reach does it start after the
   * orphaned results instead.
   *
   * Entries that are not valid items (written by something else) are skipped
   * with a warning. With a TTL, the conversation's expiry slides, as the
   * `touch` option says (by default on every call).
   */
  async getItems(limit?: number, runContext?: RunContext<unknown>): Promise<AgentInputItem[]> {
    this.assertOpen('getItems');
    this.usage.observe(runContext);
    const window = limit === undefined ? this.limit : validateLimit(limit, 'getItems limit');
    if (window !== undefined && window <= 0) return [];
    let decoded: Array<AgentInputItem | undefined>;
    if (limit === undefined && window !== undefined) {
      decoded = await readDefaultWindow(window, (count, first) => this.readNewest(count, first));
    } else {
      decoded = await this.readNewest(window, true);
      // maxItems trims the oldest items, which may leave a tool result without its call at the start.
      if (limit === undefined && this.maxItems !== undefined) decoded = trimToSafeBoundary(decoded);
    }
    const items = this.validItems(decoded);
    this.logContent('Got items', items);
    return items;
  }

  /**
   * Appends items, all or none, in one round trip. Every item is checked and
   * serialized before anything is sent. With `maxItems`, the oldest items
   * beyond it are dropped in the same step (or, with `overflow: 'reject'`,
   * the write is refused).
   *
   * With the runner's `runContext`, the token usage the run spent since its
   * last write is recorded with these items, in the same atomic step.
   *
   * @throws {RedisSessionInputError} when an item cannot be stored as JSON (nothing is written).
   * @throws {RedisSessionLimitError} when an item exceeds `maxItemBytes`, or the
   * history would exceed `maxItems` with `overflow: 'reject'` (nothing is written).
   * @throws {RedisSessionConflictError} when the conversation belongs to another owner (nothing is written).
   */
  async addItems(items: AgentInputItem[], runContext?: RunContext<unknown>): Promise<void> {
    this.assertOpen('addItems');
    if (!Array.isArray(items)) {
      throw new RedisSessionInputError('addItems expects an array of AgentInputItem objects. Nothing was written.');
    }
    if (items.length === 0) return;
    const entries = this.codec.encode(items);
    this.logContent('Adding items', items);
    const sentAt = this.touchPolicy.now();
    await this.recordingUsage(runContext, (usage) =>
      this.execute('addItems', (redis) => scripts.pushItems.run(redis, this.scriptContext, { entries, replace: false, usage }), IndexUse.Write),
    );
    this.touchPolicy.slid(sentAt);
  }

  /**
   * Removes and returns the newest item, atomically: with concurrent callers,
   * each item is returned at most once. Returns `undefined` when the history is empty.
   */
  async popItem(runContext?: RunContext<unknown>): Promise<AgentInputItem | undefined> {
    this.usage.observe(runContext);
    for (;;) {
      const entry = await this.execute('popItem', (redis) => scripts.popItem.run(redis, this.scriptContext), IndexUse.Write);
      if (entry === null) return undefined;
      const item = this.codec.decode(entry);
      if (item) {
        this.logContent('Popped item', [item]);
        return item;
      }
      // A corrupt entry is dropped like any popped entry; the next one is the answer.
      this.logger.warn(`RedisSession: removed an entry of ${this.keys.items} that is not a valid item (popItem).`);
    }
  }

  /**
   * Deletes every key of this conversation, and nothing else. The next write has version 1.
   * Always a script (even with change events off), so that a key of another
   * type at the conversation's names is refused rather than deleted.
   *
   * With an `owner`, the conversation leaves the owner's index: in the same
   * script on a single server; on a cluster, where the index is on another
   * slot, in a second round trip, unless a write re-created it after the clear.
   *
   * @throws {RedisSessionCommandError} when a key of the conversation holds another type (WRONGTYPE, naming it); nothing is deleted.
   */
  async clearSession(runContext?: RunContext<unknown>): Promise<void> {
    this.usage.observe(runContext);
    this.logger.debug('Clearing Redis session %s', this.keys.items);
    // With an owner on a cluster, then its index entry goes, fenced by the clear's time (2 round trips).
    await this.execute('clearSession', (redis) => this.ownerIndex.clear(redis, () => scripts.clear.run(redis, this.scriptContext)), null);
  }

  /**
   * Applies an `append_items` or `replace_suffix` transaction atomically,
   * recording its operation id in the same step. Repeating an operation id with
   * the same transaction does nothing.
   *
   * @throws {RedisSessionConflictError} when the id was used for a different
   * transaction, or the history no longer ends with `expectedSuffix` (nothing changes).
   * @throws {RedisSessionInputError} when the arguments are malformed (nothing changes).
   */
  async applyHistoryTransaction(args: SessionHistoryTransactionArgs, runContext?: RunContext<unknown>): Promise<void> {
    this.assertOpen('applyHistoryTransaction');
    const prepared = prepareTransaction(args, this.codec);
    const sentAt = this.touchPolicy.now();
    const outcome = await this.recordingUsage(runContext, (usage) =>
      this.execute('applyHistoryTransaction', (redis) => scripts.applyTransaction.run(redis, this.scriptContext, { ...prepared, usage }), IndexUse.Write),
    );
    // A duplicate changed nothing, the expiry included.
    if (outcome === 'applied') this.touchPolicy.slid(sentAt);
  }

  /**
   * Replaces the whole history with `items` (a compaction marker and the
   * retained suffix) in one atomic swap. Readers see the old or the new
   * history, never a mix.
   */
  async replaceHistoryWithCompaction(items: AgentInputItem[], runContext?: RunContext<unknown>): Promise<void> {
    this.assertOpen('replaceHistoryWithCompaction');
    if (!Array.isArray(items)) {
      throw new RedisSessionInputError('replaceHistoryWithCompaction expects an array of items. Nothing was written.');
    }
    const entries = this.codec.encode(items);
    const sentAt = this.touchPolicy.now();
    await this.recordingUsage(runContext, (usage) =>
      this.execute('replaceHistoryWithCompaction', (redis) => scripts.pushItems.run(redis, this.scriptContext, { entries, replace: true, usage }), IndexUse.Write),
    );
    this.touchPolicy.slid(sentAt);
  }

  /**
   * Applies `replace_function_call` mutations atomically: the first stored
   * `function_call` with the mutation's `callId` is replaced, later duplicates
   * are removed, and nothing is added when none matches.
   */
  async applyHistoryMutations(args: SessionHistoryRewriteArgs): Promise<void> {
    this.assertOpen('applyHistoryMutations');
    const mutations = prepareMutations(args, this.codec);
    if (mutations.length === 0) return;
    await this.execute('applyHistoryMutations', (redis) => scripts.mutateHistory.run(redis, this.scriptContext, mutations), IndexUse.Write);
  }

  /**
   * The conversation's info: owner, title, metadata, when it was created and
   * last changed (server time), how many items it holds, its expiry, the
   * conversation it was forked from, and its token usage totals. One round
   * trip; it does not slide the expiry. `null` when the conversation does not
   * exist. A conversation written before this package kept info reports
   * `null` for what it lacks.
   */
  async getInfo(): Promise<ConversationInfo | null> {
    const raw = await this.execute('getInfo', (redis) => scripts.conversationInfo.run(redis, this.scriptContext));
    return conversationInfo(this.conversationId, raw);
  }

  /**
   * Changes the title and metadata, atomically, and publishes an `info`
   * change event. `title: null` removes the title. Metadata keys are merged
   * into the stored metadata: a key set to `null` is removed; `metadata: null`
   * removes all of it. Creates the conversation (with no items) when it does
   * not exist yet, so that a new chat can be titled before its first message.
   *
   * @throws {RedisSessionInputError} when the title or the merged metadata is invalid (nothing is written).
   * @throws {RedisSessionConflictError} when the conversation belongs to another owner, or other writers kept
   * changing its metadata (nothing is written).
   */
  async update(changes: ConversationUpdate): Promise<void> {
    this.assertOpen('update');
    const { title, metadata } = checkUpdate(changes);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      let change: { stored: string | null; json: string | null } | undefined;
      if (metadata !== undefined) {
        const raw = await this.execute('update', (redis) => scripts.conversationInfo.run(redis, this.scriptContext));
        const stored = raw.fields.m ?? null;
        // A new conversation starts with the metadata option, which its first write (this one) stores first.
        const base = stored ?? (raw.fields.c === undefined && raw.itemCount === 0 ? (this.initialMetadata ?? null) : null);
        change = { stored, json: mergeMetadata(base, metadata) };
      }
      const outcome = await this.execute('update', (redis) => scripts.updateInfo.run(redis, this.scriptContext, { title, metadata: change }), IndexUse.Write);
      if (outcome === 'updated') return;
    }
    throw new RedisSessionConflictError(
      `RedisSession.update gave up after ${UPDATE_ATTEMPTS} attempts: other writers kept changing the metadata of conversation ` +
        `${this.conversationId}. Nothing was written by this call; retry it.`,
    );
  }

  /**
   * The token usage recorded with this conversation's writes: totals, and one
   * turn per write that recorded usage (oldest first). Usage is recorded when
   * the SDK's runner passes its `RunContext` (it does when a session is given
   * to `run()`); each model request is counted once, however many writes the
   * run makes, and when it resumes after an approval.
   */
  async getUsage(): Promise<ConversationUsage> {
    return storedUsage(await this.execute('getUsage', (redis) => scripts.readUsage.run(redis, this.scriptContext)));
  }

  /**
   * One page of the history for "load more": the first page (no `before`) holds the newest `limit` items
   * (default 20, at most 1000); pass its `cursor` as `before` for the page of the items before them, until the
   * cursor is `null`. Items within a page are oldest first, as `getItems` returns them. One round trip whose
   * cost depends on `limit`, not on the length of the history; with a TTL, the expiry slides as with `getItems`
   * (the `touch` option).
   *
   * A cursor stays valid while items are appended (pages do not shift). Items maxItems trimmed are gone: a
   * page then holds what remains. Entries that are not valid items are skipped with a warning.
   *
   * @throws {RedisSessionInputError} when `limit` is not an integer from 1 to 1000, `before` is not a string
   * (`null` included), or the options are malformed.
   * @throws {RedisSessionCursorError} when `before` is a string that is not a cursor of this conversation
   * (malformed, altered, or another conversation's), or the history was rewritten since it was taken (a pop, a
   * compaction, a replaced suffix, a mutation or a clear): load the first page again.
   */
  async getPage(options?: HistoryPageOptions): Promise<HistoryPage> {
    this.assertOpen('getPage');
    const request = pageRequest(options, this.keys.items);
    const slideAt = this.touchPolicy.readSlide();
    const page = await this.execute('getPage', (redis) => readHistoryPage(redis, this.scriptContext, request, slideAt !== undefined));
    if (slideAt !== undefined) this.touchPolicy.slid(slideAt);
    return { items: this.validItems(page.entries.map((entry) => this.codec.decode(entry))), cursor: page.cursor };
  }

  /**
   * Copies the history up to item `upTo` (exclusive, 0-based from the oldest item the history holds; default
   * all), with the title and metadata, into a NEW conversation (`conversationId`, default a random UUID) of the
   * same owner, from one consistent snapshot, and records the source as its `parent` (`getInfo()`). The source
   * is unchanged. Two round trips; source and copy may be on different cluster shards. maxItems applies to the
   * copy as to any write. Returns an open session on the copy with this session's options: close it when done.
   *
   * @throws {RedisSessionInputError} when the options are invalid or `upTo` is past the end of the history.
   * @throws {RedisSessionConflictError} when the copy's conversation already exists, or this one belongs to
   * another owner than this session's.
   * @throws {RedisSessionLimitError} when the copy would exceed maxItems with overflow 'reject'.
   * Nothing is written when it throws, except after a connection error on its write, whose outcome is unknown.
   */
  async fork(options?: ForkOptions): Promise<RedisSession> {
    this.assertOpen('fork');
    const { conversationId, upTo } = forkRequest(options, this.conversationId);
    const { sessionId: _alias, ...sameOptions } = this.#options;
    const copy = new RedisSession({ ...sameOptions, conversationId });
    try {
      await forkConversation(this.forkEnd(), copy.forkEnd(), upTo, (message) => this.logger.warn(message));
    } catch (error) {
      await copy.close();
      throw error;
    }
    return copy;
  }

  /** This session as one end of a fork (src/conversations/fork.ts). */
  private forkEnd(): ForkEnd {
    return {
      conversationId: this.conversationId,
      context: this.scriptContext,
      codec: this.codec,
      owner: this.owner ?? '',
      read: (operation, command) => this.execute(operation, command),
      write: (command) => this.execute('fork', command, IndexUse.Write),
    };
  }

  /**
   * Calls `listener` with every change event of this conversation, from any
   * process, until the returned function is called. Delivery is at most once
   * (Redis pub/sub): events published while the subscriber connection is down
   * are lost. Versions rise by 1 per change, so `onGap` is called before the
   * first event after missed ones; then reload with `getItems()`. The
   * subscription survives reconnects by itself.
   *
   * Subscriptions of sessions opened from one URL, or built with one
   * `client` (on a duplicate of it), share one subscriber connection per
   * process. The connection closes when its last subscription ends.
   * Subscribing settles within `connectTimeoutMs` + `commandTimeoutMs`.
   */
  async subscribe(listener: ChangeListener, options: SubscribeOptions = {}): Promise<() => Promise<void>> {
    this.assertOpen('subscribe');
    if (typeof listener !== 'function') {
      throw new RedisSessionInputError('subscribe expects a listener function, called with each change event.');
    }
    const deliver = deliverEvents(listener, this.logger, options.onGap);
    const stop = await this.execute('subscribe', (redis) =>
      this.subscriberHub(redis).listen('sharded', conversationChannel(this.keys.items), deliver),
    );
    const unsubscribe = async () => {
      if (!this.subscriptions.delete(unsubscribe)) return;
      await stop();
    };
    this.subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  /**
   * Releases what this session owns: its subscriptions and its lease on the
   * process's shared connection, which closes when no session uses it any
   * more. A client passed in the `client` option is left open. Later calls on
   * this session fail.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((unsubscribe) => unsubscribe()));
    await this.connection.release();
  }

  /** The subscriber connection shared by every session of the process on the same URL or the same `client`. */
  private subscriberHub(redis: RedisCommandTarget): SubscriberHub {
    const { endpoint } = this.connection;
    return subscriberHub({ key: this.connection.sharingKey(), connection: connectionOf(redis), endpoint, timeouts: this.connection.timeouts });
  }

  /**
   * The newest `count` entries (all when `undefined`), decoded, `undefined` for
   * an entry that is not a valid item. With a TTL, `slideExpiry` (once per
   * getItems() call) sends the `touch` script along (pipelined, one round
   * trip) when the `touch` option says this read slides the expiry.
   */
  private async readNewest(count: number | undefined, slideExpiry: boolean): Promise<Array<AgentInputItem | undefined>> {
    const start = count === undefined ? 0 : -count;
    const slideAt = slideExpiry ? this.touchPolicy.readSlide() : undefined;
    const entries = await this.execute('getItems', (redis) =>
      scripts.touch.readItems(redis, this.scriptContext, { start, slideExpiry: slideAt !== undefined }),
    );
    if (slideAt !== undefined) this.touchPolicy.slid(slideAt);
    return entries.map((entry) => this.codec.decode(entry));
  }

  /**
   * Runs a write with the usage `runContext` spent since this session last recorded it (ARGV[10], '' for
   * none), and moves the mark once the write succeeded.
   */
  private async recordingUsage<T>(runContext: RunContext<unknown> | undefined, write: (usage: string) => Promise<T>): Promise<T> {
    const delta = this.usage.pending(runContext);
    const result = await write(usageArgument(delta));
    this.usage.commit(runContext, delta);
    return result;
  }

  /** Fails every call made after close(), including calls that would send nothing. */
  private assertOpen(operation: string): void {
    if (this.closed) {
      throw new RedisSessionError(
        'ERR_REDIS_SESSION_CLOSED',
        `RedisSession.${operation} was called after close(). Create a new RedisSession for conversation ${this.conversationId}.`,
      );
    }
  }

  /**
   * Runs `command` on the session's connection and maps what it throws to this package's errors. Every
   * command settles within `commandTimeoutMs` (the connection's command target bounds it); a connection the
   * package opened is torn down when one misses it, so the next operation reconnects. With an owner, the
   * owner index's `add` goes along in the same round trip (`index`: every write; a read only after an `add`
   * failed; `null`: never, for a clear).
   */
  private async execute<T>(operation: string, command: (redis: RedisCommandTarget) => Promise<T>, index: IndexUse | null = IndexUse.Read): Promise<T> {
    this.assertOpen(operation);
    try {
      const connected = this.connection.commands();
      const redis = connected instanceof Promise ? await connected : connected;
      return await (index === null ? command(redis) : this.ownerIndex.around(redis, index, command));
    } catch (error) {
      if (isDeadlineError(error) && WRITE_OPERATIONS.has(operation)) {
        throw new RedisSessionConnectionError(
          operation,
          this.connection.target,
          `no reply within ${error.timeoutMs} ms, so the outcome of this write is unknown: it may have been applied. ` +
            'A history transaction with the same operationId is safe to retry',
          { cause: error },
        );
      }
      throw toSessionError(error, operation, this.connection.target, this.connection.lastError());
    }
  }

  /** The decoded items, without the entries that are not valid items (`undefined`), which are counted in one warning. */
  private validItems(decoded: readonly (AgentInputItem | undefined)[]): AgentInputItem[] {
    const items = decoded.filter((item): item is AgentInputItem => item !== undefined);
    const skipped = decoded.length - items.length;
    if (skipped > 0) {
      this.logger.warn(`RedisSession: skipped ${skipped} stored entr${skipped === 1 ? 'y' : 'ies'} of ${this.keys.items} that are not valid items.`);
    }
    return items;
  }

  private logContent(action: string, items: AgentInputItem[]): void {
    // The SDK's debug logger says when it is off; then skip even reading its data-logging flags.
    if (!debugEnabled(this.logger)) return;
    // Format arguments, not a built string: the SDK's debug logger formats only when enabled.
    if (mayLogContent(this.logger)) {
      this.logger.debug('%s in Redis session %s: %j', action, this.keys.items, items);
    } else {
      this.logger.debug('%s in Redis session %s: %d item(s)', action, this.keys.items, items.length);
    }
  }
}

