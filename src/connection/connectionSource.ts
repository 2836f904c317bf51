import { parseRedisUrl, resolveRedisUrl } from '../config/redisUrl.js';
import { RedisSessionConfigError } from '../errors.js';
import { asCommandTarget, type RedisCommandTarget, type RedisConnection } from './commandTarget.js';
import { sharedConnection, type ConnectionTimeouts, type SharedConnection } from './sharedConnections.js';

/** Where a session's commands go: a shared connection it leases, or a client it borrows. */
export interface ConnectionSource {
  /** The server, for errors and logs, with any password redacted. */
  readonly target: string;
  /** The command target with command timeouts applied: directly once connected, else a promise. */
  commands(): RedisCommandTarget | Promise<RedisCommandTarget>;
  /** The last connection error seen, to explain a timeout. */
  lastError(): string | undefined;
  /** Releases what the session owns: its lease on a shared connection; nothing for a borrowed client. */
  release(): Promise<void>;
}

/** Picks the connection a session uses from its `client`, `redisUrl` and timeout options. */
export function connectionSource(options: {
  client?: RedisConnection;
  redisUrl?: string;
  timeouts: ConnectionTimeouts;
}): ConnectionSource {
  if (options.client !== undefined) {
    if (options.redisUrl !== undefined) {
      throw new RedisSessionConfigError('Pass either client or redisUrl, not both: a client is already connected somewhere.');
    }
    return borrowedClient(options.client, options.timeouts.commandTimeoutMs);
  }
  return leasedConnection(resolveRedisUrl(options.redisUrl), options.timeouts);
}

function borrowedClient(client: RedisConnection, commandTimeoutMs: number): ConnectionSource {
  let commands: RedisCommandTarget;
  try {
    commands = asCommandTarget(client, commandTimeoutMs);
  } catch {
    throw new RedisSessionConfigError(
      'client must be a node-redis client, pool or cluster client (from createClient, createClientPool or createCluster in the "redis" package).',
    );
  }
  return {
    target: 'the client passed in the client option',
    commands: () => commands,
    lastError: () => undefined,
    release: async () => {},
  };
}

function leasedConnection(url: string, timeouts: ConnectionTimeouts): ConnectionSource {
  const parsed = parseRedisUrl(url);
  // Looked up when the lease is taken, not before: an idle connection leaves the registry.
  let lease: SharedConnection | undefined;
  return {
    target: parsed.target,
    commands: () => {
      if (!lease) {
        lease = sharedConnection(parsed, timeouts);
        lease.retain();
      }
      return lease.target();
    },
    lastError: () => lease?.lastErrorMessage(),
    release: async () => {
      const released = lease;
      lease = undefined;
      await released?.release();
    },
  };
}
