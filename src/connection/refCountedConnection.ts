import type { ConnectionTimeouts } from './endpoints.js';
import { closeGracefully, connectWithin, ConnectionErrors, destroyQuietly, type Closable } from './lifecycle.js';

/**
 * One connection shared by every holder of a lease: the mechanism under the
 * shared command connections and the shared subscriber connections.
 *
 * It opens on first use (concurrent callers share the attempt; a failed
 * attempt is forgotten, so the next use tries again), closes when the last
 * lease is given back, and drops a connection that missed a deadline, so that
 * the next use opens a fresh one (a frozen server or a partition leaves the
 * socket a black hole that node-redis never notices).
 */
export class RefCountedConnection<C extends Closable> {
  private leases = 0;
  private opening: Promise<C> | undefined;
  private connection: C | undefined;
  private errors = new ConnectionErrors();

  /**
   * @param create - Makes the (unconnected) connection; pass it `errors.record` as its error listener.
   * @param timeouts - How long connecting may take, and closing (the command timeout).
   * @param what - What connection this is, in messages: "no <what> within N ms".
   * @param onIdle - Called when the last lease is given back (to leave a registry).
   */
  constructor(
    private readonly create: (errors: ConnectionErrors) => C,
    private readonly timeouts: ConnectionTimeouts,
    private readonly what: string,
    private readonly onIdle: () => void,
  ) {}

  /** Takes a lease; pair every call with {@link release}. */
  retain(): void {
    this.leases++;
  }

  /** Gives a lease back; the last one closes the connection. */
  async release(): Promise<void> {
    this.leases = Math.max(0, this.leases - 1);
    if (this.leases === 0) {
      this.onIdle();
      await this.close();
    }
  }

  /** Whether a connection is open or opening. */
  get isOpen(): boolean {
    return this.opening !== undefined;
  }

  /** The connection once open (no promise on the hot path), else `undefined`. */
  get ready(): C | undefined {
    return this.connection;
  }

  /** The current attempt or connection, if any. */
  get current(): Promise<C> | undefined {
    return this.opening;
  }

  /** The last error the connection reported (content-free), to explain a timeout. */
  get lastError(): string | undefined {
    return this.errors.last;
  }

  /** The open connection, opening it when there is none (concurrent callers share one attempt). */
  connected(): Promise<C> {
    if (!this.opening) {
      const opening = this.open();
      this.opening = opening;
      opening.then(
        (connection) => {
          if (this.opening === opening) this.connection = connection;
        },
        () => {
          if (this.opening === opening) this.opening = undefined; // the next use tries again
        },
      );
    }
    return this.opening;
  }

  /**
   * Drops the connection `opening` gave, if it is still the current one, because it missed a deadline:
   * destroys it, and records `why` as the last error. The next use opens a fresh one.
   *
   * @returns whether it was dropped (`false`: it was closed or dropped already).
   */
  drop(opening: Promise<C>, why: string): boolean {
    if (this.opening !== opening) return false;
    this.opening = undefined;
    this.connection = undefined;
    this.errors.last ??= why;
    void opening.then(destroyQuietly, () => {});
    return true;
  }

  /** Closes the connection now, whatever the leases (they stay: the next use opens again); within the command timeout, then by force. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.connection = undefined;
    await closeGracefully(opening, this.timeouts.commandTimeoutMs);
  }

  /** Ends every lease and closes the connection. */
  async end(): Promise<void> {
    this.leases = 0;
    await this.close();
  }

  private open(): Promise<C> {
    const errors = (this.errors = new ConnectionErrors());
    return connectWithin(this.create(errors), this.timeouts.connectTimeoutMs, this.what, errors);
  }
}

/** A registry of shared connections: a Map, or a WeakMap for those keyed by a caller's client. */
interface Registry<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
  delete(key: K): boolean;
}

/**
 * The entry of `registry` for `key`, created on first request. `create` gets
 * the function that removes the entry once idle (if it is still the entry).
 */
export function registryEntry<K, V>(registry: Registry<K, V>, key: K, create: (forget: () => void) => V): V {
  let entry = registry.get(key);
  if (!entry) {
    const created = create(() => {
      if (registry.get(key) === created) registry.delete(key);
    });
    entry = created;
    registry.set(key, entry);
  }
  return entry;
}
