import { BoundedCommands } from './commandTarget.js';
import type { ConnectionEndpoint, ConnectionTimeouts, OwnedConnection } from './endpoints.js';
import { processWide } from './globalRegistry.js';
import { RefCountedConnection, registryEntry } from './refCountedConnection.js';

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
  private readonly shared: RefCountedConnection<OwnedConnection>;
  /** The commands of the current connection, bounded by the command timeout. */
  private commands: BoundedCommands | undefined;

  constructor(
    readonly endpoint: ConnectionEndpoint,
    private readonly timeouts: ConnectionTimeouts,
    onIdle: () => void,
  ) {
    this.shared = new RefCountedConnection((errors) => endpoint.create(timeouts, errors.record), timeouts, 'connection', onIdle);
  }

  /** Takes a lease; pair every call with {@link release}. */
  retain(): void {
    this.shared.retain();
  }

  /**
   * The connected command target: synchronously once connected (no promise on
   * the hot path), else a promise that concurrent callers share.
   */
  target(): BoundedCommands | Promise<BoundedCommands> {
    const ready = this.shared.ready;
    if (ready) return this.commandsOf(ready, this.shared.current!);
    const opening = this.shared.connected();
    return opening.then((owned) => this.commandsOf(owned, opening));
  }

  /** Whether a connection is open or opening. */
  get isOpen(): boolean {
    return this.shared.isOpen;
  }

  /** The last error the client reported (content-free), to explain a timeout. */
  lastErrorMessage(): string | undefined {
    return this.shared.lastError;
  }

  /** Gives a lease back; the last one closes the connection. */
  release(): Promise<void> {
    return this.shared.release();
  }

  /** Closes the connection now, whatever the leases; within the command timeout, then by force. */
  close(): Promise<void> {
    return this.shared.close();
  }

  /** The commands of `owned` (opened by `opening`); one that misses the command timeout drops that connection. */
  private commandsOf(owned: OwnedConnection, opening: Promise<OwnedConnection>): BoundedCommands {
    if (this.commands?.connection !== owned.target) {
      const { commandTimeoutMs } = this.timeouts;
      this.commands = new BoundedCommands(owned.target, owned.target, commandTimeoutMs, () => {
        this.shared.drop(opening, `no reply within ${commandTimeoutMs} ms`);
      });
    }
    return this.commands;
  }
}

/**
 * The connections of every copy of this package in the process, by endpoint and timeouts. Every copy uses the
 * entries any copy made, so their methods (`isOpen` included) are part of the registry's version: changing them
 * needs a new version suffix in `processWide`.
 */
const registry = processWide('sharedConnections', () => new Map<string, SharedConnection>());

/**
 * The process-wide connection for an endpoint and timeouts, created on first request.
 * 10,000 sessions on one URL (or one cluster seed list) share one connection.
 */
export function sharedConnection(endpoint: ConnectionEndpoint, timeouts: ConnectionTimeouts): SharedConnection {
  const key = JSON.stringify([endpoint.key, timeouts.connectTimeoutMs, timeouts.commandTimeoutMs]);
  return registryEntry(registry, key, (forget) => new SharedConnection(endpoint, timeouts, forget));
}

/**
 * Closes every command connection that sessions of this process opened from a
 * URL or the `cluster`/`sentinel` options (never a client you passed in), from
 * every copy of this package loaded in the process. Sessions still alive
 * reconnect on their next operation. Returns promptly even when a server
 * stopped answering (the socket is then destroyed).
 */
export async function closeCommandConnections(): Promise<void> {
  await Promise.all([...registry.values()].map((connection) => connection.close()));
}
