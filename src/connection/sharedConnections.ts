import { BoundedCommands } from './commandTarget.js';
import type { ConnectionEndpoint, ConnectionTimeouts, OwnedConnection } from './endpoints.js';
import { processWide } from './globalRegistry.js';
import { closeGracefully, connectWithin, ConnectionErrors } from './lifecycle.js';

export type { ConnectionTimeouts } from './endpoints.js';

/** An open connection and its commands, bounded by the command timeout. */
interface Opened {
  readonly owned: OwnedConnection;
  readonly target: BoundedCommands;
}

/**
 * One Redis connection (or pool, with `?max_connections=`, or cluster or
 * sentinel client) for every session of this process that uses the same
 * endpoint and timeouts. It opens on first use, is counted by lease, and
 * closes when the last lease is released.
 *
 * Every command on it settles within the command timeout. A command that
 * misses it tears the connection down (a frozen server or a partition leaves
 * the socket a black hole that node-redis never notices), and the next
 * operation opens a fresh one.
 */
export class SharedConnection {
  private leases = 0;
  private opening: Promise<Opened> | undefined;
  private ready: BoundedCommands | undefined;
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
  target(): BoundedCommands | Promise<BoundedCommands> {
    if (this.ready) return this.ready;
    if (!this.opening) {
      const opening = this.open();
      this.opening = opening;
      opening.then(
        (opened) => {
          if (this.opening === opening) this.ready = opened.target;
        },
        () => {
          if (this.opening === opening) this.opening = undefined; // the next operation tries again
        },
      );
    }
    return this.opening.then((opened) => opened.target);
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

  /** Closes the connection now, whatever the leases; within the command timeout, then by force. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.ready = undefined;
    await closeGracefully(opening?.then((opened) => opened.owned), this.timeouts.commandTimeoutMs);
  }

  private async open(): Promise<Opened> {
    const errors = (this.errors = new ConnectionErrors());
    const owned = await connectWithin(this.endpoint.create(this.timeouts, errors.record), this.timeouts.connectTimeoutMs, 'connection', errors);
    const opened: Opened = {
      owned,
      target: new BoundedCommands(owned.target, owned.target, this.timeouts.commandTimeoutMs, () => this.tearDown(opened, errors)),
    };
    return opened;
  }

  /** Drops a connection that missed a deadline, if it is still the current one, so that the next operation reconnects. */
  private tearDown(opened: Opened, errors: ConnectionErrors): void {
    if (this.ready !== opened.target) return;
    this.ready = undefined;
    this.opening = undefined;
    errors.last ??= `no reply within ${this.timeouts.commandTimeoutMs} ms`;
    opened.owned.destroy();
  }
}

/** The connections of every copy of this package in the process, by endpoint and timeouts. */
const registry = processWide('sharedConnections', () => new Map<string, SharedConnection>());

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
 * the `cluster`/`sentinel` options (never a client you passed in), from every
 * copy of this package loaded in the process. Sessions still alive reconnect on
 * their next operation. Call it on shutdown, or after tests. Returns promptly
 * even when a server stopped answering (the socket is then destroyed).
 */
export async function closeSharedConnections(): Promise<void> {
  await Promise.all([...registry.values()].map((connection) => connection.close()));
}

/** How many shared connections are open in this process (for diagnostics and tests). */
export function sharedConnectionCount(): number {
  return [...registry.values()].filter((connection) => connection.isOpen).length;
}
