import { createClient, createClientPool } from 'redis';
import type { ParsedRedisUrl } from '../config/redisUrl.js';
import type { RedisCommandTarget } from './commandTarget.js';
import { ConnectFailedError, describeCause } from './errorMapping.js';

/** Timeouts for connections a session opens itself. */
export interface ConnectionTimeouts {
  /** How long to wait for a connection (TCP, TLS and AUTH), in ms. */
  readonly connectTimeoutMs: number;
  /** How long a command may wait for its reply, including while reconnecting, in ms. */
  readonly commandTimeoutMs: number;
}

interface OwnedConnection {
  readonly target: RedisCommandTarget;
  close(): Promise<unknown>;
  destroy(): void;
}

/**
 * One Redis connection (or pool, with `?max_connections=`) for every session
 * of this process that uses the same URL and timeouts. It opens on first use,
 * is counted by lease, and closes when the last lease is released.
 */
export class SharedConnection {
  private leases = 0;
  private opening: Promise<OwnedConnection> | undefined;
  private ready: RedisCommandTarget | undefined;
  private lastError: string | undefined;

  constructor(
    readonly url: ParsedRedisUrl,
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
    return this.lastError;
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
    if (!opening) return;
    const connection = await opening.catch(() => undefined);
    if (!connection) return;
    try {
      await connection.close();
    } catch {
      connection.destroy();
    }
  }

  private async open(): Promise<OwnedConnection> {
    const connection = this.create();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConnectFailedError(`no connection within ${this.timeouts.connectTimeoutMs} ms`)),
        this.timeouts.connectTimeoutMs,
      );
    });
    try {
      await Promise.race([connection.connect(), timeout]);
      return connection;
    } catch (error) {
      connection.destroy();
      const detail = this.lastError ?? describeCause(error);
      throw error instanceof ConnectFailedError && this.lastError
        ? new ConnectFailedError(`${error.message}; last error: ${this.lastError}`)
        : new ConnectFailedError(detail);
    } finally {
      clearTimeout(timer);
    }
  }

  private create(): OwnedConnection & { connect(): Promise<unknown> } {
    const { connectTimeoutMs, commandTimeoutMs } = this.timeouts;
    const clientOptions = {
      url: this.url.connectionUrl,
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
      },
      commandOptions: { timeout: commandTimeoutMs },
    };
    const onError = (error: unknown) => {
      this.lastError = describeCause(error);
    };
    const { poolSize } = this.url;
    // A client and a pool share these methods; only their construction differs.
    const connection: ConnectionHandle =
      poolSize !== undefined && poolSize > 1
        ? createClientPool(clientOptions, { minimum: 1, maximum: poolSize, acquireTimeout: commandTimeoutMs })
        : createClient(clientOptions);
    connection.on('error', onError);
    return {
      target: connection as unknown as RedisCommandTarget,
      connect: () => connection.connect(),
      close: () => connection.close(),
      destroy: () => connection.destroy(),
    };
  }
}

/** What an owned node-redis client or pool offers for its life cycle. */
interface ConnectionHandle {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

const registry = new Map<string, SharedConnection>();

/**
 * The process-wide connection for a URL and timeouts, created on first request.
 * 10,000 sessions on one URL share one connection.
 */
export function sharedConnection(url: ParsedRedisUrl, timeouts: ConnectionTimeouts): SharedConnection {
  const key = JSON.stringify([url.connectionUrl, url.poolSize, timeouts.connectTimeoutMs, timeouts.commandTimeoutMs]);
  let connection = registry.get(key);
  if (!connection) {
    const created = new SharedConnection(url, timeouts, () => {
      if (registry.get(key) === created) registry.delete(key);
    });
    connection = created;
    registry.set(key, connection);
  }
  return connection;
}

/**
 * Closes every connection that sessions of this process opened from a URL
 * (never a client you passed in). Sessions still alive reconnect on their next
 * operation. Call it on shutdown, or after tests.
 */
export async function closeSharedConnections(): Promise<void> {
  await Promise.all([...registry.values()].map((connection) => connection.close()));
}

/** How many shared connections are open in this process (for diagnostics and tests). */
export function sharedConnectionCount(): number {
  return [...registry.values()].filter((connection) => connection.isOpen).length;
}
