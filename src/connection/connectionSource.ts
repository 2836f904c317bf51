import { validateTimeout } from '../config/options.js';
import { RedisSessionConfigError } from '../errors.js';
import { asCommandTarget, type BoundedCommands, type RedisCommandTarget, type RedisConnection } from './commandTarget.js';
import type { ConnectionOptions } from './connectionOptions.js';
import { assertDurabilitySupported, validateDurability, withDurability, type DurabilityOptions } from './durability.js';
import { clusterEndpoint, endpointFromUrl, sentinelEndpoint, type ConnectionEndpoint, type ConnectionTimeouts } from './endpoints.js';
import { resolveRedisUrl } from './redisUrl.js';
import { sharedConnection, type SharedConnection } from './sharedConnections.js';
import { validateTls } from './tls.js';

/** Where a session's commands go: a shared connection it leases, or a client it borrows. */
export interface ConnectionSource {
  /** The server, for errors and logs, with any password redacted. */
  readonly target: string;
  /** Where a connection opened from options goes; `undefined` for a borrowed client. */
  readonly endpoint: ConnectionEndpoint | undefined;
  /** The connect and command timeouts, checked (defaults applied). */
  readonly timeouts: ConnectionTimeouts;
  /**
   * Whether the keys may live on several servers (a Redis Cluster), so that a script may touch only one slot.
   * Known before connecting: the `cluster` option, a `redis+cluster://` URL, or a cluster client passed in.
   */
  readonly cluster: boolean;
  /** The command target with command timeouts applied: directly once connected, else a promise. */
  commands(): RedisCommandTarget | Promise<RedisCommandTarget>;
  /** The last connection error seen, to explain a timeout. */
  lastError(): string | undefined;
  /** Releases what the session owns: its lease on a shared connection; nothing for a borrowed client. */
  release(): Promise<void>;
  /**
   * What identifies the underlying connection, for sharing one subscriber connection among every session and
   * watcher on it: the shared connection of a URL, or the caller's client. Call it after {@link commands}.
   */
  sharingKey(): object;
}

/**
 * Picks the connection a session or watcher uses from its `client`, `redisUrl`,
 * `cluster` and `sentinel` options (at most one of them), and wraps it so
 * that writes are confirmed by replicas when `durability` is set. Reads only
 * the connection options of `options`.
 *
 * @throws {RedisSessionConfigError} when a connection option is invalid (nothing is connected).
 */
export function connectionSource(options: ConnectionOptions): ConnectionSource {
  const timeouts: ConnectionTimeouts = {
    connectTimeoutMs: validateTimeout(options.connectTimeoutMs, 'connectTimeoutMs'),
    commandTimeoutMs: validateTimeout(options.commandTimeoutMs, 'commandTimeoutMs'),
  };
  const given = (['client', 'redisUrl', 'cluster', 'sentinel'] as const).filter((name) => options[name] !== undefined);
  if (given.length > 1) {
    throw new RedisSessionConfigError(
      `Pass either ${given.join(' or ')}, not both: each says where to connect (a client is already connected somewhere).`,
    );
  }
  const durability = validateDurability(options.durability);
  const tls = validateTls(options.tls);
  if (options.client !== undefined) {
    if (tls) throw new RedisSessionConfigError('The tls option applies to connections the session opens; configure TLS on the client you pass instead.');
    return borrowedClient(options.client, timeouts, durability);
  }
  const endpoint =
    options.cluster !== undefined
      ? clusterEndpoint(options.cluster, tls)
      : options.sentinel !== undefined
        ? sentinelEndpoint(options.sentinel, tls)
        : endpointFromUrl(resolveRedisUrl(options.redisUrl), tls);
  if (durability) assertDurabilitySupported(undefined, endpoint.poolSize);
  return leasedConnection(endpoint, timeouts, durability);
}

function borrowedClient(client: RedisConnection, timeouts: ConnectionTimeouts, durability: DurabilityOptions | undefined): ConnectionSource {
  const { commandTimeoutMs } = timeouts;
  let bounded: BoundedCommands;
  try {
    bounded = asCommandTarget(client, commandTimeoutMs);
  } catch {
    throw new RedisSessionConfigError(
      'client must be a node-redis client, pool or cluster client (from createClient, createClientPool or createCluster in the "redis" package), ' +
        'or a sentinel client from createSentinel.',
    );
  }
  let commands: RedisCommandTarget = bounded;
  if (durability) {
    assertDurabilitySupported(client, 1);
    commands = withDurability(bounded, durability, commandTimeoutMs);
  }
  // Checked until the client is first seen open, then never again: no cost on the hot path.
  let seenOpen = false;
  return {
    target: 'the client passed in the client option',
    endpoint: undefined,
    timeouts,
    cluster: isClusterClient(client),
    commands: () => (seenOpen ||= isOpen(client)) ? commands : Promise.reject(notConnected()),
    lastError: () => undefined,
    release: async () => {},
    sharingKey: () => client,
  };
}

/** Whether a caller's client is a cluster client (`createCluster`): only it has `masters`. */
const isClusterClient = (client: RedisConnection): boolean => 'masters' in client;

/** Whether a caller's client is open; `true` when it cannot tell (an object with the commands only). */
const isOpen = (client: RedisConnection): boolean => (client as { isOpen?: unknown }).isOpen !== false;

/**
 * The error for a client passed in unconnected. A configuration error, not a
 * connection error: no retry or wait fixes it, the calling code must connect
 * the client first (the session never connects or closes a client it is given).
 */
const notConnected = (): RedisSessionConfigError =>
  new RedisSessionConfigError(
    'The client passed in the client option is not connected: call await client.connect() first ' +
      '(a session neither connects nor closes a client it is given). Nothing was sent to Redis.',
  );

function leasedConnection(
  endpoint: ConnectionEndpoint,
  timeouts: ConnectionTimeouts,
  durability: DurabilityOptions | undefined,
): ConnectionSource {
  // Looked up when the lease is taken, not before: an idle connection leaves the registry.
  let lease: SharedConnection | undefined;
  // The durable view of the lease's target, made once per connected target.
  let durable: { raw: BoundedCommands; view: RedisCommandTarget } | undefined;
  const view = (raw: BoundedCommands): RedisCommandTarget => {
    if (!durability) return raw;
    if (durable?.raw !== raw) durable = { raw, view: withDurability(raw, durability, timeouts.commandTimeoutMs) };
    return durable.view;
  };
  const acquire = (): SharedConnection => {
    if (!lease) {
      lease = sharedConnection(endpoint, timeouts);
      lease.retain();
    }
    return lease;
  };
  return {
    target: endpoint.target,
    endpoint,
    timeouts,
    cluster: endpoint.cluster,
    commands: () => {
      const target = acquire().target();
      return target instanceof Promise ? target.then(view) : view(target);
    },
    lastError: () => lease?.lastErrorMessage(),
    release: async () => {
      const released = lease;
      lease = undefined;
      await released?.release();
    },
    sharingKey: acquire,
  };
}
