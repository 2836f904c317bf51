import { createClient, createClientPool, createCluster, createSentinel } from 'redis';
import { isMultiHostUrl, parseMultiHostUrl, parseRedisUrl, type HostAndPort, type ParsedRedisUrl } from './redisUrl.js';
import { identityDigest, redactInspection } from '../config/redaction.js';
import type { ResolvedTls } from './tls.js';
import { RedisSessionConfigError } from '../errors.js';
import type { RedisCommandTarget } from './commandTarget.js';

/** Timeouts for connections a session opens itself. */
export interface ConnectionTimeouts {
  /** How long to wait for a connection (TCP, TLS and AUTH), in ms. */
  readonly connectTimeoutMs: number;
  /** How long a command may wait for its reply, including while reconnecting, in ms. */
  readonly commandTimeoutMs: number;
}

/**
 * A node-redis client, pool, cluster or sentinel client that a shared connection owns. Its commands carry no
 * node-redis timeout (an AbortSignal per command): the shared connection bounds every call by the command
 * timeout itself (`BoundedCommands`) and drops the connection when one misses it, which also fails what waits
 * in its offline queue, so no command runs after its caller was told it failed.
 */
export interface OwnedConnection {
  /** The node-redis object itself, viewed through the commands a session sends. */
  readonly target: RedisCommandTarget;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

/** Where a shared connection connects: one server, a cluster or a Sentinel-managed master. */
export interface ConnectionEndpoint {
  /**
   * Identity for sharing: sessions with equal keys (and timeouts) share one
   * connection. A digest, never the URL: it must not carry the password.
   */
  readonly key: string;
  /** The endpoint for errors and logs, with any password redacted. */
  readonly target: string;
  /** How many connections may carry one session's commands (more than 1 only for a pool). */
  readonly poolSize: number;
  /**
   * Whether the keys live on several servers (a Redis Cluster): then a script may only touch keys of one slot.
   * One server, a pool of connections to it, or a Sentinel-managed master hold every key.
   */
  readonly cluster: boolean;
  /** Creates the (not yet connected) node-redis object; `onError` receives its error events. */
  create(timeouts: ConnectionTimeouts, onError: (error: unknown) => void): OwnedConnection;
  /**
   * Creates one plain client to the same server, for subscribing: only a pool
   * needs it (a client or cluster client is duplicated instead).
   */
  createSubscriber?(timeouts: ConnectionTimeouts): unknown;
}

/** Options of a session's `cluster` option: the seed nodes of a Redis Cluster. */
export interface ClusterOptions {
  /** Some nodes of the cluster, as `redis://[user:pass@]host:port` URLs; the client discovers the rest. */
  rootNodes: { url: string }[];
}

/** Options of a session's `sentinel` option: a master found through Redis Sentinel. */
export interface SentinelOptions {
  /** The master's name, as in `sentinel monitor <name> ...`. */
  name: string;
  /** Some of the sentinels; the client discovers the others. */
  sentinelRootNodes: HostAndPort[];
  /** ACL user of the master and replicas (not of the sentinels). */
  username?: string;
  /** Password of the master and replicas (not of the sentinels). */
  password?: string;
  /** Logical database on the master. Default 0. */
  database?: number;
}

/** The node-redis life-cycle methods shared by every kind of connection. */
interface LifeCycle {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
}

const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** retries, 2000);

/** node-redis socket options for a connection the package opens: timeouts, reconnects and TLS. */
function socketOptions(connectTimeoutMs: number, tls: ResolvedTls | undefined) {
  return { connectTimeout: connectTimeoutMs, reconnectStrategy, ...tls?.socket };
}

/** The `tls` option takes effect only on TLS URLs; with a plain URL it is a mistake, not a no-op. */
function assertTlsUrl(tls: ResolvedTls | undefined, isTls: boolean, target: string): void {
  if (tls && !isTls) {
    throw new RedisSessionConfigError(
      `The tls option was given but ${target} is not a TLS URL: use rediss:// (or remove the tls option).`,
    );
  }
}

/**
 * A connection endpoint, printing (`util.inspect`, `JSON.stringify`) as its
 * redacted target only: its key and the options its functions hold are secret.
 */
function endpoint(fields: ConnectionEndpoint): ConnectionEndpoint {
  return redactInspection(fields, 'ConnectionEndpoint', () => ({ target: fields.target, poolSize: fields.poolSize }));
}

function own(connection: LifeCycle, target: string, onError: (error: unknown) => void): OwnedConnection {
  connection.on('error', onError);
  // node-redis keeps the password in the options of the object it returns (a cluster client prints them).
  // Make the object and its `_self` (the base that views such as withCommandOptions are made from, and hold)
  // print as the redacted target.
  const self = (connection as { _self?: unknown })._self;
  for (const object of new Set([connection, typeof self === 'object' && self !== null ? self : connection])) {
    redactInspection(object, 'RedisConnection', () => ({ target }));
  }
  return redactInspection({
    target: connection as unknown as RedisCommandTarget,
    connect: () => connection.connect(),
    close: () => connection.close(),
    // A sentinel client's destroy() returns a promise; nothing is left to report from it.
    destroy: () => void Promise.resolve(connection.destroy()).catch(() => undefined),
  }, 'OwnedConnection', () => ({ target }));
}

/** One server (or a pool of connections to it, with `?max_connections=`), from a `redis://` or `rediss://` URL. */
export function standaloneEndpoint(url: ParsedRedisUrl, tls?: ResolvedTls): ConnectionEndpoint {
  assertTlsUrl(tls, url.tls, url.target);
  const poolSize = url.poolSize ?? 1;
  const clientOptions = ({ connectTimeoutMs }: ConnectionTimeouts) => ({ url: url.connectionUrl, socket: socketOptions(connectTimeoutMs, tls) });
  return endpoint({
    key: identityDigest(['standalone', url.connectionUrl, url.poolSize, tls?.identity]),
    cluster: false,
    target: url.target,
    poolSize,
    createSubscriber: (timeouts) => createClient({ ...clientOptions(timeouts), commandOptions: { timeout: timeouts.commandTimeoutMs } }),
    create: (timeouts, onError) => {
      const { commandTimeoutMs } = timeouts;
      // A client and a pool share these methods; only their construction differs.
      const connection: LifeCycle =
        poolSize > 1
          ? createClientPool(clientOptions(timeouts), { minimum: 1, maximum: poolSize, acquireTimeout: commandTimeoutMs })
          : createClient(clientOptions(timeouts));
      return own(connection, url.target, onError);
    },
  });
}

/**
 * A Redis Cluster reached through seed nodes. Credentials in the first seed
 * URL apply to every node, since node-redis connects to discovered nodes with
 * its `defaults` only.
 */
export function clusterEndpoint(options: ClusterOptions, tls?: ResolvedTls): ConnectionEndpoint {
  const rootNodes = Array.isArray(options?.rootNodes) ? options.rootNodes : [];
  if (rootNodes.length === 0 || rootNodes.some((node) => typeof node?.url !== 'string')) {
    throw new RedisSessionConfigError('cluster.rootNodes must list at least one node, for example [{ url: "redis://10.0.0.1:7000" }].');
  }
  const parsed = rootNodes.map((node) => parseRedisUrl(node.url));
  if (parsed.some((node) => node.poolSize !== undefined || node.database !== 0)) {
    throw new RedisSessionConfigError('cluster.rootNodes URLs take no database and no ?max_connections=: a cluster has only database 0.');
  }
  const first = new URL(parsed[0]!.connectionUrl);
  const credentials = {
    username: first.username ? decodeURIComponent(first.username) : undefined,
    password: first.password ? decodeURIComponent(first.password) : undefined,
  };
  assertTlsUrl(tls, parsed.every((node) => node.tls), parsed[0]!.target);
  const urls = parsed.map((node) => node.connectionUrl.replace(/\/0$/, ''));
  // Discovered nodes get only `defaults`, not a URL: a rediss:// seed must turn TLS on there too.
  const nodeTls: ResolvedTls | undefined = tls ?? (parsed[0]!.tls ? { socket: { tls: true, rejectUnauthorized: true }, identity: '' } : undefined);
  const target = `Redis Cluster ${parsed.map((node) => node.target.replace(/\/0$/, '')).join(', ')}`;
  return endpoint({
    key: identityDigest(['cluster', urls, tls?.identity]),
    cluster: true,
    target,
    poolSize: 1,
    create: ({ connectTimeoutMs }, onError) =>
      own(
        createCluster({
          rootNodes: urls.map((url) => ({ url, socket: socketOptions(connectTimeoutMs, nodeTls) })),
          defaults: { ...credentials, socket: socketOptions(connectTimeoutMs, nodeTls) },
          // After a node drops, refresh the slot map soon, so that a failover is noticed in about a second.
          topologyRefreshOnReconnectionAttemptStrategy: 500,
        }),
        target,
        onError,
      ),
  });
}

/** A master found through Redis Sentinel, which follows it across failovers. */
export function sentinelEndpoint(options: SentinelOptions, tls?: ResolvedTls): ConnectionEndpoint {
  const { name, sentinelRootNodes, username, password } = options ?? ({} as SentinelOptions);
  const database = options?.database ?? 0;
  if (typeof name !== 'string' || name === '') {
    throw new RedisSessionConfigError('sentinel.name must be the monitored master\'s name, for example "mymaster".');
  }
  if (
    !Array.isArray(sentinelRootNodes) ||
    sentinelRootNodes.length === 0 ||
    sentinelRootNodes.some((node) => typeof node?.host !== 'string' || !Number.isInteger(node.port))
  ) {
    throw new RedisSessionConfigError('sentinel.sentinelRootNodes must list at least one sentinel, for example [{ host: "10.0.0.1", port: 26379 }].');
  }
  if (!Number.isInteger(database) || database < 0) {
    throw new RedisSessionConfigError('sentinel.database must be a database number such as 0.');
  }
  const nodes = sentinelRootNodes.map(({ host, port }) => ({ host, port }));
  const hosts = nodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',');
  const auth = password === undefined ? '' : `${username ? `${encodeURIComponent(username)}:` : ''}***@`;
  const target = `redis+sentinel://${auth}${hosts}/${name}/${database}`;
  return endpoint({
    key: identityDigest(['sentinel', name, nodes, username, password, database, tls?.identity]),
    cluster: false,
    target,
    poolSize: 1,
    create: ({ connectTimeoutMs }, onError) =>
      own(
        createSentinel({
          name,
          sentinelRootNodes: nodes,
          // One master connection (the default), so WAIT for durability runs on the connection that wrote.
          masterPoolSize: 1,
          // TLS, when given, is for the master and replicas; the sentinels are asked over plain TCP.
          nodeClientOptions: { username, password, database, socket: socketOptions(connectTimeoutMs, tls) },
          sentinelClientOptions: { socket: socketOptions(connectTimeoutMs, undefined) },
          // Check the topology often, so that a failover is noticed quickly even without a failing command.
          scanInterval: 1000,
        }),
        target,
        onError,
      ),
  });
}

/**
 * The endpoint of a URL: `redis://`/`rediss://` (one server), `redis+cluster://host:port,...`
 * or `redis+sentinel://[user:pass@]host:port,.../<masterName>[/db]`.
 */
export function endpointFromUrl(url: string, tls?: ResolvedTls): ConnectionEndpoint {
  if (!isMultiHostUrl(url)) return standaloneEndpoint(parseRedisUrl(url), tls);
  const parsed = parseMultiHostUrl(url);
  const auth =
    parsed.password === undefined
      ? ''
      : `${parsed.username ? `${encodeURIComponent(parsed.username)}:` : ''}${encodeURIComponent(parsed.password)}@`;
  if (parsed.scheme === 'redis+cluster') {
    if (parsed.path.length > 0) {
      throw new RedisSessionConfigError(`Invalid Redis URL ${parsed.target}: a cluster URL has no path (a cluster has only database 0).`);
    }
    // A cluster URL with the tls option reaches its nodes over TLS.
    const scheme = tls ? 'rediss' : 'redis';
    return clusterEndpoint(
      { rootNodes: parsed.hosts.map(({ host, port }) => ({ url: `${scheme}://${auth}${host.includes(':') ? `[${host}]` : host}:${port}` })) },
      tls,
    );
  }
  const [name, db, ...rest] = parsed.path;
  if (name === undefined || rest.length > 0 || (db !== undefined && !/^\d{1,5}$/.test(db))) {
    throw new RedisSessionConfigError(`Invalid Redis URL ${parsed.target}: expected redis+sentinel://host:port[,host:port...]/<masterName>[/db].`);
  }
  let masterName: string;
  try {
    masterName = decodeURIComponent(name);
  } catch {
    throw new RedisSessionConfigError(`Invalid Redis URL ${parsed.target}: the master name is not valid percent-encoding.`);
  }
  return sentinelEndpoint({
    name: masterName,
    sentinelRootNodes: [...parsed.hosts],
    username: parsed.username,
    password: parsed.password,
    database: db === undefined ? 0 : Number(db),
  }, tls);
}
