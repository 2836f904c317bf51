import { names, PREFIX_AND_LOGGER_HINTS, type Hints, type OptionGroup } from './config/optionNames.js';
import type { CompressionOptions } from './config/compression.js';
import type { OverflowPolicy } from './config/limits.js';
import type { TouchOption } from './config/options.js';
import { CONNECTION_HINTS, CONNECTION_NESTED, type ConnectionOptions } from './connection/connectionOptions.js';
import type { EncryptionOptions } from './encryption/keyring.js';
import type { Logger } from './logger.js';

/**
 * Options of {@link RedisSession}. Every one is optional. Where to connect
 * (`redisUrl`, `client`, `cluster`, `sentinel`, `tls`, `durability` and the
 * timeouts) is described in {@link ConnectionOptions}.
 */
export interface RedisSessionOptions extends ConnectionOptions {
  /**
   * The conversation this session reads and writes. `getSessionId()` returns it.
   * Defaults to a new random UUID. It must not contain `{`, `}` or control characters,
   * and must be well-formed Unicode (no lone surrogate).
   */
  conversationId?: string;
  /** Alias of {@link conversationId}, matching the SDK's `MemorySession`. */
  sessionId?: string;
  /**
   * Expiry in seconds, sliding: every write of the conversation, and every
   * read unless the `touch` option says otherwise, sets every key of it to
   * expire `ttl` seconds later. `undefined` or `null`: never expires (existing
   * expiry on the keys is left as it is).
   */
  ttl?: number | null;
  /**
   * Which reads (`getItems`, `getPage`) slide the expiry of a conversation with a `ttl`; writes always do.
   *
   * - `'always'` (default): every read does, sending a small script along with its LRANGE (same round trip).
   * - `'write'`: reads never do: `getItems` is one LRANGE and writes nothing. A conversation that is only
   *   read then expires `ttl` seconds after its last write (as Python's `RedisSession`, or connect-redis's
   *   `disableTouch`).
   * - `{ intervalSeconds: I }` (whole seconds, 1 to ttl - 1): a read slides the expiry only when this session
   *   has not slid it (by a read or a write) in the last I seconds; other reads are one LRANGE. A
   *   conversation read at least every `ttl - I` seconds never expires. The record is per session object:
   *   each session (and process) slides at most once per interval, and a new session's first read slides.
   *
   * Without a `ttl`, `'always'` and `'write'` are accepted and nothing slides; an interval is refused.
   */
  touch?: TouchOption;
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
  /**
   * Publish a change event with every write, for `subscribe()` and
   * `watchConversations()` (default `true`). With `false`, nothing is
   * published, and without a TTL, appends, pops and clears are single native
   * commands (RPUSH, RPOP, DEL).
   */
  changeEvents?: boolean;
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
  /**
   * Compresses large items at rest (brotli, node:zlib): those whose JSON is at
   * least `minBytes` (default 1024), when that makes them smaller. Tool outputs
   * (pages, files, JSON responses) take about 3x less memory. Every method,
   * change event and CLI command reads compressed and plain entries alike, so
   * it can be turned on or off at any time. With `encryption`, items are
   * compressed, then encrypted. `maxItemBytes` applies to the JSON before
   * compression. `true` for the defaults. See docs/compression.md.
   */
  compression?: boolean | CompressionOptions;
  /**
   * Who the conversation belongs to, for example a user id: recorded by the
   * write that creates it, and the key of the owner's index of conversations
   * (`RedisConversations.list`). Validated like a conversation id. Once a
   * conversation has an owner, only sessions with that owner may write it
   * (`RedisSessionConflictError`); reads are not checked: the conversation id
   * is what grants access. Default: none.
   */
  owner?: string;
  /** The title a new conversation starts with (one line, at most 1,000 characters); change it with `update()`. */
  title?: string;
  /** The metadata (a plain JSON object, at most 8 KiB) a new conversation starts with; change it with `update()`. */
  metadata?: Record<string, unknown>;
}

const SECONDS = ['ttl', 'in seconds'] as const;
const ENCRYPTION = ['encryption', '{ keys: { k1: <32 bytes> }, currentKeyId: "k1" }'] as const;
const TOUCH_WRITE = ['touch', '"write": reads never slide the expiry'] as const;
const TOUCH_INTERVAL = ['touch', '{ intervalSeconds: 300 }: a read slides the expiry at most every 300 s'] as const;
const TOUCH = ['touch', '"always" (the default), "write" or { intervalSeconds: n }'] as const;

const SESSION_HINTS: Hints = {
  ...CONNECTION_HINTS,
  ...PREFIX_AND_LOGGER_HINTS,
  sessionttl: SECONDS, ttlseconds: SECONDS, ttlms: SECONDS, expire: SECONDS, expiry: SECONDS, expires: SECONDS,
  expiresin: SECONDS, expiration: SECONDS, expireafter: SECONDS, ttlsec: SECONDS,
  id: ['conversationId'], session_id: ['conversationId'], conversation_id: ['conversationId'], sessionkey: ['conversationId'],
  threadid: ['conversationId'], chatid: ['conversationId'],
  userid: ['owner'], user: ['owner'], resourceid: ['owner'], tenant: ['owner', 'a user id; keyPrefix separates tenants'], ownerid: ['owner'],
  name: ['title'], subject: ['title'], meta: ['metadata'], tags: ['metadata'],
  maxhistory: ['maxItems'], maxlength: ['maxItems'], maxmessages: ['maxItems'], historylimit: ['maxItems'], maxlen: ['maxItems'],
  window: ['limit', 'the window getItems() returns by default'], windowsize: ['limit', 'the window getItems() returns by default'],
  maxitemsize: ['maxItemBytes'], maxsize: ['maxItemBytes'],
  events: ['changeEvents'], publish: ['changeEvents'], pubsub: ['changeEvents'],
  key: ENCRYPTION, keys: ENCRYPTION, encryptionkey: ENCRYPTION,
  disabletouch: TOUCH_WRITE, notouch: TOUCH_WRITE, touchonread: TOUCH, slideonread: TOUCH, rolling: TOUCH, sliding: TOUCH,
  touchafter: TOUCH_INTERVAL, touchinterval: TOUCH_INTERVAL, touchintervalseconds: TOUCH_INTERVAL, refreshinterval: TOUCH_INTERVAL,
  compress: ['compression'], gzip: ['compression'], zlib: ['compression'], brotli: ['compression'],
};

const TOUCH_OPTIONS: OptionGroup = {
  names: names<Extract<TouchOption, object>>({ intervalSeconds: true }),
  hints: { interval: ['intervalSeconds', 'in seconds'], seconds: ['intervalSeconds'], every: ['intervalSeconds', 'in seconds'], intervalms: ['intervalSeconds', 'in seconds'], after: ['intervalSeconds', 'in seconds'] },
};

const COMPRESSION_OPTIONS: OptionGroup = {
  names: names<CompressionOptions>({ minBytes: true }),
  hints: { threshold: ['minBytes'], minsize: ['minBytes'], min: ['minBytes'], minlength: ['minBytes'] },
};

const ENCRYPTION_OPTIONS: OptionGroup = {
  names: names<EncryptionOptions>({ keys: true, currentKeyId: true, allowPlaintext: true }),
  hints: { key: ['keys', '{ k1: <32 bytes> }'], currentkey: ['currentKeyId'], keyid: ['currentKeyId'], activekeyid: ['currentKeyId'], plaintext: ['allowPlaintext'] },
};

/** The options of `new RedisSession(options)`, for `checkOptionNames`. */
export const SESSION_OPTIONS: OptionGroup = {
  names: names<RedisSessionOptions>({
    conversationId: true, sessionId: true, redisUrl: true, client: true, ttl: true, keyPrefix: true, limit: true,
    logger: true, connectTimeoutMs: true, commandTimeoutMs: true, changeEvents: true, cluster: true, sentinel: true,
    durability: true, tls: true, maxItemBytes: true, maxItems: true, overflow: true, encryption: true, owner: true,
    title: true, metadata: true, touch: true, compression: true,
  }),
  hints: SESSION_HINTS,
  nested: {
    tls: CONNECTION_NESTED.tls,
    durability: CONNECTION_NESTED.durability,
    encryption: ENCRYPTION_OPTIONS,
    touch: TOUCH_OPTIONS,
    compression: COMPRESSION_OPTIONS,
    cluster: CONNECTION_NESTED.cluster,
    sentinel: CONNECTION_NESTED.sentinel,
  },
};
