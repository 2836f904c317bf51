import { names, type Hints, type OptionGroup } from '../config/optionNames.js';
import type { RedisConnection } from './commandTarget.js';
import type { DurabilityOptions } from './durability.js';
import type { ClusterOptions, SentinelOptions } from './endpoints.js';
import type { HostAndPort } from './redisUrl.js';
import type { TlsOptions } from './tls.js';

/**
 * Where and how to connect: the options that `RedisSession` and
 * `watchConversations` share. Pass at most one of `redisUrl`, `client`,
 * `cluster` and `sentinel`; every one is optional.
 */
export interface ConnectionOptions {
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
   * Subscribing (`subscribe()`, `watchConversations`) duplicates it, which a pool cannot do.
   */
  client?: RedisConnection;
  /**
   * A Redis Cluster to connect to through some of its nodes (node-redis
   * `createCluster`); sessions of one process with the same seed list share
   * one cluster client. Same as `redisUrl: 'redis+cluster://host:port,host:port'`.
   * Every key of a conversation is in one slot, so every operation works unchanged.
   * A PUBLISH reaches every node of a cluster, so watching works unchanged too.
   */
  cluster?: ClusterOptions;
  /**
   * A master found through Redis Sentinel (node-redis `createSentinel`), which
   * follows it across failovers. Same as
   * `redisUrl: 'redis+sentinel://[user:pass@]host:port,host:port/<masterName>[/db]'`.
   */
  sentinel?: SentinelOptions;
  /**
   * TLS settings for a `rediss://` URL (or a TLS cluster or sentinel-managed
   * master): the CA to trust, a client certificate, the server name to verify.
   * The server's certificate is always verified unless `rejectUnauthorized: false`.
   */
  tls?: TlsOptions;
  /**
   * Confirms every write with `WAIT replicas timeoutMs` on the connection that
   * wrote it; throws `RedisSessionDurabilityError` when fewer replicas confirm
   * in time (the write stays applied on the master). Costs one more round trip
   * plus the replication delay per write, and is not a guarantee against every
   * failure: replication stays asynchronous. Not available with a pool.
   */
  durability?: DurabilityOptions;
  /** How long to wait for a connection, in ms (URL connections only). Default 5000. */
  connectTimeoutMs?: number;
  /** How long any command may wait for its reply, in ms. Default 5000. */
  commandTimeoutMs?: number;
}

const IN_URL = (part: string, example: string) =>
  ['redisUrl', `the ${part} goes in the URL, "${example}"`] as const;
const COMMAND_TIMEOUT = ['commandTimeoutMs', 'in milliseconds'] as const;
const CONNECT_TIMEOUT = ['connectTimeoutMs', 'in milliseconds'] as const;
const POOL = IN_URL('pool size', 'redis://host:6379/0?max_connections=10');

/** Hints for misnamed connection options (the names of node-redis, ioredis and common guesses). */
export const CONNECTION_HINTS: Hints = {
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
  timeout: COMMAND_TIMEOUT, commandtimeout: COMMAND_TIMEOUT, sockettimeout: COMMAND_TIMEOUT, requesttimeout: COMMAND_TIMEOUT,
  connecttimeout: CONNECT_TIMEOUT, connectiontimeout: CONNECT_TIMEOUT,
  ssl: ['tls'],
  nodes: ['cluster', '{ rootNodes: [{ url: "redis://host:port" }] }'], rootnodes: ['cluster', '{ rootNodes: [{ url: "redis://host:port" }] }'],
  sentinels: ['sentinel', '{ name, sentinelRootNodes: [{ host, port }] }'], sentinelrootnodes: ['sentinel', '{ name, sentinelRootNodes: [{ host, port }] }'],
  mastername: ['sentinel', '{ name, sentinelRootNodes: [{ host, port }] }'],
  replicas: ['durability', '{ replicas, timeoutMs }'], wait: ['durability', '{ replicas, timeoutMs }'],
};

const HOST_AND_PORT: OptionGroup = {
  names: names<HostAndPort>({ host: true, port: true }),
  hints: { hostname: ['host'], url: ['host', 'a sentinel node is { host, port }, not a URL'] },
};

/** The option objects inside the connection options, checked name by name. */
export const CONNECTION_NESTED = {
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
} satisfies Readonly<Record<string, OptionGroup>>;
