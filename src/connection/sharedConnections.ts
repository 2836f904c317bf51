import type { RedisCommandTarget } from './commandTarget.js';
import type { ConnectionEndpoint, ConnectionTimeouts, OwnedConnection } from './endpoints.js';
import { closeGracefully, connectWithin, ConnectionErrors } from './lifecycle.js';

export type { ConnectionTimeouts } from './endpoints.js';

/**
 * One Redis connection (or pool, with `?max_connections=`, or cluster or
 * sentinel client) for every session of this process that uses the same
 * endpoint and timeouts. It opens on first use, is counted by lease, and
 * closes when the last lease is released.
 */
export class SharedConnection {
  private leases = 0;
  private opening: Promise<OwnedConnection> | undefined;
  private ready: RedisCommandTarget | undefined;
  private errors = new ConnectionErrors();

  constructor(
    readonly endpoint: ConnectionEndpoint,
    private readonly timeouts: ConnectionTimeouts,
    private readonly onIdle: () => void,
  ) {}

  /** Takes a lease; pair every call with {@link release}. */
  retain(): void {
    this.leases++;
  }

  /**
   * The connected command target: synchronously once connected (no promise on
   * the hot path), else a promise that concurrent callers share.
   */
  target(): RedisCommandTarget | Promise<RedisCommandTarget> {
    if (this.ready) return this.ready;
    if (!this.opening) {
      const opening = this.open();
      this.opening = opening;
      opening.then(
        (connection) => {
          if (this.opening === opening) this.ready = connection.target;
        },
        () => {
          if (this.opening === opening) this.opening = undefined; // the next operation tries again
        },
      );
    }
    return this.opening.then((connection) => connection.target);
  }

  /** Whether a connection is open or opening. */
  get isOpen(): boolean {
    return this.opening !== undefined;
  }

  /** The last error the client reported (content-free), to explain a timeout. */
  lastErrorMessage(): string | undefined {
    return this.errors.last;
  }

  /** Gives a lease back; the last one closes the connection. */
  async release(): Promise<void> {
    this.leases = Math.max(0, this.leases - 1);
    if (this.leases === 0) {
      this.onIdle();
      await this.close();
    }
  }

  /** Closes the connection now, whatever the leases. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.ready = undefined;
    await closeGracefully(opening);
  }

  private open(): Promise<OwnedConnection> {
    this.errors = new ConnectionErrors();
    return connectWithin(this.endpoint.create(this.timeouts, this.errors.record), this.timeouts.connectTimeoutMs, 'connection', this.errors);
  }
}

const registry = new Map<string, SharedConnection>();

/**
 * The process-wide connection for an endpoint and timeouts, created on first request.
 * 10,000 sessions on one URL (or one cluster seed list) share one connection.
 */
export function sharedConnection(endpoint: ConnectionEndpoint, timeouts: ConnectionTimeouts): SharedConnection {
  const key = JSON.stringify([endpoint.key, timeouts.connectTimeoutMs, timeouts.commandTimeoutMs]);
  let connection = registry.get(key);
  if (!connection) {
    const created = new SharedConnection(endpoint, timeouts, () => {
      if (registry.get(key) === created) registry.delete(key);
    });
    connection = created;
    registry.set(key, connection);
  }
  return connection;
}

/**
 * Closes every connection that sessions of this process opened from a URL or
 * the `cluster`/`sentinel` options (never a client you passed in). Sessions
 * still alive reconnect on their next operation. Call it on shutdown, or after tests.
 */
export async function closeSharedConnections(): Promise<void> {
  await Promise.all([...registry.values()].map((connection) => connection.close()));
}

/** How many shared connections are open in this process (for diagnostics and tests). */
export function sharedConnectionCount(): number {
  return [...registry.values()].filter((connection) => connection.isOpen).length;
}
