import { withDeadline } from './deadline.js';
import { ConnectFailedError, describeCause } from './errorMapping.js';

/** What every node-redis connection object (client, pool, cluster, subscriber) offers for its life cycle. */
export interface Closable {
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

/** Replies that retrying cannot fix: a refused password or user. */
const REFUSED_CREDENTIALS = /^(WRONGPASS|NOAUTH|NOPERM)\b/;

/**
 * The error events of one connection attempt: the last one, to explain a
 * timeout, and a refused password, which ends the attempt at once instead
 * of at the timeout (node-redis would retry it until then).
 */
export class ConnectionErrors {
  /** The last error reported, described without secrets. */
  last: string | undefined;
  /** Rejects at the first refused password. */
  readonly refused: Promise<never>;
  private refuse: (error: Error) => void = () => {};

  constructor() {
    this.refused = new Promise<never>((_, reject) => {
      this.refuse = reject;
    });
    this.refused.catch(() => {}); // nobody may be waiting once connected
  }

  /** Records an error event of the connection; pass it as the connection's error listener. */
  readonly record = (error: unknown): void => {
    this.last = describeCause(error);
    if (REFUSED_CREDENTIALS.test(this.last)) this.refuse(new ConnectFailedError(this.last));
  };
}

/**
 * Connects within `timeoutMs`. On failure, timeout or a refused password
 * (from `errors`) the connection is destroyed, so it stops reconnecting, and
 * a {@link ConnectFailedError} says why, preferring the last error reported.
 */
export async function connectWithin<T extends Closable>(
  connection: T,
  timeoutMs: number,
  what: string,
  errors: ConnectionErrors,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectFailedError(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  const connecting = connection.connect();
  try {
    await Promise.race([connecting, timeout, errors.refused]);
    return connection;
  } catch (error) {
    destroyQuietly(connection);
    // A cluster client may still be discovering its nodes, and it creates their clients (which then reconnect
    // forever) after destroy() returned: destroy it again once its connect() has settled.
    connecting.then(() => destroyQuietly(connection), () => destroyQuietly(connection));
    const last = errors.last;
    if (error instanceof ConnectFailedError) {
      throw last && last !== error.message ? new ConnectFailedError(`${error.message}; last error: ${last}`) : error;
    }
    throw new ConnectFailedError(last ?? describeCause(error));
  } finally {
    clearTimeout(timer);
  }
}

/** Destroys a connection, whatever state it is in (a closed client throws; a sentinel client returns a promise). */
export function destroyQuietly(connection: Closable): void {
  try {
    void Promise.resolve(connection.destroy()).catch(() => undefined);
  } catch {
    // Already closed: nothing left to stop.
  }
}

/**
 * Closes a connection that may still be opening: gracefully (QUIT, which waits
 * for pending replies) for at most `timeoutMs`, then by force, so that it
 * returns promptly even when the server stopped answering.
 */
export async function closeGracefully(opening: Promise<Closable> | undefined, timeoutMs: number): Promise<void> {
  const connection = await opening?.catch(() => undefined);
  if (!connection) return;
  try {
    await withDeadline(connection.close(), timeoutMs, 'close');
  } catch {
    destroyQuietly(connection);
  }
}
