import { ConnectFailedError, describeCause } from './errorMapping.js';

/** What every node-redis connection object (client, pool, cluster, subscriber) offers for its life cycle. */
export interface Closable {
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

/**
 * Connects within `timeoutMs`. On failure or timeout the connection is
 * destroyed (so it stops reconnecting) and a {@link ConnectFailedError} says
 * why, preferring the last error the client reported.
 */
export async function connectWithin<T extends Closable>(
  connection: T,
  timeoutMs: number,
  what: string,
  lastError: () => string | undefined,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectFailedError(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([connection.connect(), timeout]);
    return connection;
  } catch (error) {
    connection.destroy();
    const last = lastError();
    if (error instanceof ConnectFailedError) {
      throw last ? new ConnectFailedError(`${error.message}; last error: ${last}`) : error;
    }
    throw new ConnectFailedError(last ?? describeCause(error));
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a connection that may still be opening: gracefully (QUIT), else by force. */
export async function closeGracefully(opening: Promise<Closable> | undefined): Promise<void> {
  const connection = await opening?.catch(() => undefined);
  if (!connection) return;
  try {
    await connection.close();
  } catch {
    connection.destroy();
  }
}
