import { closest, distance } from 'fastest-levenshtein';
import type { DurabilityOptions } from '../connection/durability.js';
import type { ClusterOptions, SentinelOptions } from '../connection/endpoints.js';
import type { EncryptionOptions } from '../encryption/keyring.js';
import type { WatchConversationsOptions } from '../events/watchConversations.js';
import { RedisSessionConfigError } from '../errors.js';
import type { RedisSessionOptions } from './options.js';
import type { HostAndPort } from './redisUrl.js';
import type { TlsOptions } from './tls.js';

/**
 * The name of every option, once. Each list is an object whose keys the
 * compiler checks against the options' type (no key missing, none extra), so
 * a new option cannot be forgotten here.
 */
type NamesOf<T> = { readonly [K in keyof Required<T>]: true };
const names = <T>(list: NamesOf<T>): readonly string[] => Object.keys(list);

const SESSION_NAMES = names<RedisSessionOptions>({
  conversationId: true, sessionId: true, redisUrl: true, client: true, ttl: true, keyPrefix: true, limit: true,
  logger: true, connectTimeoutMs: true, commandTimeoutMs: true, changeEvents: true, cluster: true, sentinel: true,
  durability: true, tls: true, maxItemBytes: true, maxItems: true, overflow: true, encryption: true,
});
const WATCH_NAMES = names<WatchConversationsOptions>({
  redisUrl: true, client: true, cluster: true, sentinel: true, tls: true, keyPrefix: true, logger: true,
  connectTimeoutMs: true, commandTimeoutMs: true,
});

/**
 * A suggestion for a name that is not an option: the option meant, and a
 * note on how to use it. Keys are lower case: the names of other libraries
 * (node-redis, ioredis, connect-redis, LangChain, ...) and common guesses.
 */
type Hints = Readonly<Record<string, readonly [option: string, note?: string]>>;

const IN_URL = (part: string, example: string) =>
  ['redisUrl', `the ${part} goes in the URL, "${example}"`] as const;
const SECONDS = ['ttl', 'in seconds'] as const;
const COMMAND_TIMEOUT = ['commandTimeoutMs', 'in milliseconds'] as const;
const CONNECT_TIMEOUT = ['connectTimeoutMs', 'in milliseconds'] as const;
const POOL = IN_URL('pool size', 'redis://host:6379/0?max_connections=10');

const CONNECTION_HINTS: Hints = {
  url: ['redisUrl'], uri: ['redisUrl'], redisuri: ['redisUrl'], redis_url: ['redisUrl'], connectionstring: ['redisUrl'], connectionurl: ['redisUrl'],
  host: IN_URL('host', 'redis://host:6379/0'), hostname: IN_URL('host', 'redis://host:6379/0'),
  port: IN_URL('port', 'redis://host:6379/0'),
  password: IN_URL('password (percent-encoded)', 'redis://:password@host:6379/0'),
  pass: IN_URL('password (percent-encoded)', 'redis://:password@host:6379/0'),
  username: IN_URL('user', 'redis://user:password@host:6379/0'), user: IN_URL('user', 'redis://user:password@host:6379/0'),
  db: IN_URL('database number', 'redis://host:6379/2'), database: IN_URL('database number', 'redis://host:6379/2'),
  socket: ['redisUrl', 'node-redis socket options are not taken; use redisUrl, tls and connectTimeoutMs, or pass a client you created'],
  maxconnections: POOL, max_connections: POOL, poolsize: POOL, pool: POOL, connectionpool: POOL,
  redis: ['client'], redisclient: ['client'], connection: ['client'], ioredis: ['client'],
  prefix: ['keyPrefix'], namespace: ['keyPrefix'], keyspace: ['keyPrefix'],
  timeout: COMMAND_TIMEOUT, commandtimeout: COMMAND_TIMEOUT, sockettimeout: COMMAND_TIMEOUT, requesttimeout: COMMAND_TIMEOUT,
  connecttimeout: CONNECT_TIMEOUT, connectiontimeout: CONNECT_TIMEOUT,
  ssl: ['tls'],
  nodes: ['cluster', '{ rootNodes: [{ url: "redis://host:port" }] }'], rootnodes: ['cluster', '{ rootNodes: [{ url: "redis://host:port" }] }'],
  sentinels: ['sentinel', '{ name, sentinelRootNodes: [{ host, port }] }'], sentinelrootnodes: ['sentinel', '{ name, sentinelRootNodes: [{ host, port }] }'],
  mastername: ['sentinel', '{ name, sentinelRootNodes: [{ host, port }] }'],
  log: ['logger'], logging: ['logger'], debug: ['logger'],
};

const SESSION_HINTS: Hints = {
  ...CONNECTION_HINTS,
  sessionttl: SECONDS, ttlseconds: SECONDS, ttlms: SECONDS, expire: SECONDS, expiry: SECONDS, expires: SECONDS,
  expiresin: SECONDS, expiration: SECONDS, expireafter: SECONDS, ttlsec: SECONDS,
  id: ['conversationId'], session_id: ['conversationId'], conversation_id: ['conversationId'], sessionkey: ['conversationId'],
  threadid: ['conversationId'], chatid: ['conversationId'], userid: ['conversationId'],
  maxhistory: ['maxItems'], maxlength: ['maxItems'], maxmessages: ['maxItems'], historylimit: ['maxItems'], maxlen: ['maxItems'],
  window: ['limit', 'the window getItems() returns by default'], windowsize: ['limit', 'the window getItems() returns by default'],
  maxitemsize: ['maxItemBytes'], maxsize: ['maxItemBytes'],
  events: ['changeEvents'], publish: ['changeEvents'], pubsub: ['changeEvents'],
  replicas: ['durability', '{ replicas, timeoutMs }'], wait: ['durability', '{ replicas, timeoutMs }'],
  key: ['encryption', '{ keys: { k1: <32 bytes> }, currentKeyId: "k1" }'], keys: ['encryption', '{ keys: { k1: <32 bytes> }, currentKeyId: "k1" }'],
  encryptionkey: ['encryption', '{ keys: { k1: <32 bytes> }, currentKeyId: "k1" }'],
};

/** The options of one object: its names, hints for wrong names, and the option objects inside it. */
interface OptionGroup {
  readonly names: readonly string[];
  readonly hints?: Hints;
  /** Option objects inside, by name (for an array option, of each element); checked when present and an object. */
  readonly nested?: Readonly<Record<string, OptionGroup>>;
  /** Names that belong elsewhere, and where. */
  readonly elsewhere?: { readonly names: readonly string[]; readonly note: string };
}

const HOST_AND_PORT: OptionGroup = {
  names: names<HostAndPort>({ host: true, port: true }),
  hints: { hostname: ['host'], url: ['host', 'a sentinel node is { host, port }, not a URL'] },
};

const NESTED: Readonly<Record<string, OptionGroup>> = {
  tls: {
    names: names<TlsOptions>({ ca: true, cert: true, key: true, servername: true, rejectUnauthorized: true }),
    hints: {
      cafile: ['ca', 'PEM text or bytes, e.g. fs.readFileSync("ca.crt")'], certfile: ['cert'], certificate: ['cert'], keyfile: ['key'],
      verify: ['rejectUnauthorized'], insecure: ['rejectUnauthorized'], servername: ['servername'], sni: ['servername'],
    },
  },
  durability: {
    names: names<DurabilityOptions>({ replicas: true, timeoutMs: true }),
    hints: { timeout: ['timeoutMs', 'in milliseconds'], wait: ['timeoutMs', 'in milliseconds'], numreplicas: ['replicas'], minreplicas: ['replicas'] },
  },
  encryption: {
    names: names<EncryptionOptions>({ keys: true, currentKeyId: true, allowPlaintext: true }),
    hints: { key: ['keys', '{ k1: <32 bytes> }'], currentkey: ['currentKeyId'], keyid: ['currentKeyId'], activekeyid: ['currentKeyId'], plaintext: ['allowPlaintext'] },
  },
  cluster: {
    names: names<ClusterOptions>({ rootNodes: true }),
    hints: { nodes: ['rootNodes'], seeds: ['rootNodes'], startupnodes: ['rootNodes'] },
    nested: {
      rootNodes: {
        names: ['url'],
        hints: { host: ['url', 'as { url: "redis://host:port" }'], port: ['url', 'as { url: "redis://host:port" }'], socket: ['url', 'as { url: "redis://host:port" }'] },
      },
    },
  },
  sentinel: {
    names: names<SentinelOptions>({ name: true, sentinelRootNodes: true, username: true, password: true, database: true }),
    hints: {
      mastername: ['name'], master: ['name'], sentinels: ['sentinelRootNodes'], nodes: ['sentinelRootNodes'], rootnodes: ['sentinelRootNodes'],
      db: ['database'], user: ['username'], pass: ['password'],
    },
    nested: { sentinelRootNodes: HOST_AND_PORT },
  },
};

/** The options of `new RedisSession(options)`. */
export const SESSION_OPTIONS: OptionGroup = { names: SESSION_NAMES, hints: SESSION_HINTS, nested: NESTED };

/** The options of `watchConversations(options, listener)`. */
export const WATCH_OPTIONS: OptionGroup = {
  names: WATCH_NAMES,
  hints: CONNECTION_HINTS,
  nested: { tls: NESTED.tls!, cluster: NESTED.cluster!, sentinel: NESTED.sentinel! },
  elsewhere: { names: SESSION_NAMES, note: 'an option of RedisSession, not of watchConversations' },
};

/** A key as messages show it: quoted, and cut short (it is a name, but may be anything). */
const shown = (key: string): string => JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);

/** What to say about `key`, which is not one of `group.names`: a "did you mean", or nothing. */
function suggestion(key: string, group: OptionGroup): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = group.names.find((name) => name.toLowerCase() === lower);
  if (sameLetters) return `did you mean "${sameLetters}"?`;
  const hint = group.hints && Object.hasOwn(group.hints, lower) ? group.hints[lower] : undefined;
  if (hint && group.names.includes(hint[0])) return `did you mean "${hint[0]}"${hint[1] ? ` (${hint[1]})` : ''}?`;
  if (group.elsewhere?.names.includes(key)) return `${group.elsewhere.note}.`;
  const near = closest(lower, group.names.map((name) => name.toLowerCase()));
  const allowed = Math.min(3, Math.max(1, Math.floor(lower.length / 3)));
  if (distance(lower, near) <= allowed) return `did you mean "${group.names.find((name) => name.toLowerCase() === near)}"?`;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Refuses option names that are not options (a misspelled option would be
 * ignored, silently: `{ url }` would connect to localhost), with a "did you
 * mean" hint, in the object and in the option objects inside it. Values are
 * never shown. Values of the wrong type are left to the options' own checks.
 *
 * @param where - How messages name the object, e.g. `RedisSession options`.
 * @throws {RedisSessionConfigError} naming every unknown option.
 */
export function checkOptionNames(options: unknown, group: OptionGroup, where: string, path = ''): void {
  if (!isObject(options)) return;
  const unknown = Object.keys(options).filter((key) => !group.names.includes(key));
  if (unknown.length > 0) {
    const hints = unknown.map((key) => suggestion(key, group));
    const described = unknown.map((key, index) => `${shown(path + key)}${hints[index] ? `: ${hints[index]}` : '.'}`);
    const known = hints.some((hint) => hint !== undefined) ? '' : ` The options${path ? ` of ${path.replace(/\.$/, '')}` : ''} are: ${group.names.join(', ')}.`;
    throw new RedisSessionConfigError(
      `Unknown option${unknown.length > 1 ? 's' : ''} in ${where} (refused, since ${unknown.length > 1 ? 'they' : 'it'} would be ignored): ` +
        `${described.join(' ')}${known}`,
    );
  }
  for (const [name, inner] of Object.entries(group.nested ?? {})) {
    const value = options[name];
    if (Array.isArray(value)) value.forEach((element, index) => checkOptionNames(element, inner, where, `${path}${name}[${index}].`));
    else checkOptionNames(value, inner, where, `${path}${name}.`);
  }
}
