import { ErrorReply } from 'redis';
import { RedisSessionCommandError, RedisSessionConnectionError, RedisSessionError, RedisSessionLimitError } from '../errors.js';

/** Opening a connection failed or timed out; `message` says why, with no secrets. */
export class ConnectFailedError extends Error {}

/** Redis replies that are errors from the server rather than from the link to it. */
function isServerReply(error: Error): boolean {
  // instanceof fails for a client from another copy of node-redis; the reply's shape does not.
  return error instanceof ErrorReply || /^[A-Z]{3,}[A-Z_]* /.test(error.message);
}

/** A short description of an error, for messages. Never includes a URL. */
export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = error.message || error.constructor.name;
    return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  }
  return String(error);
}

/**
 * Turns whatever a Redis call threw into one of this package's typed errors,
 * naming the session operation and the (redacted) target.
 */
export function toSessionError(
  error: unknown,
  operation: string,
  target: string,
  lastConnectionError: string | undefined,
): Error {
  if (error instanceof RedisSessionError) return error;
  if (!(error instanceof Error)) return new RedisSessionCommandError(operation, String(error));
  if (error instanceof ConnectFailedError) {
    return new RedisSessionConnectionError(operation, target, error.message, { cause: error });
  }
  if (error.message.startsWith('HISTORYFULL ')) {
    // The historyLimit script refused the write (maxItems with overflow 'reject').
    return new RedisSessionLimitError(
      `${operation} refused: ${error.message.slice('HISTORYFULL '.length)} (overflow: 'reject'). ` +
        'Compact the history (replaceHistoryWithCompaction), clear it, or raise maxItems or use overflow: \'trim\'.',
    );
  }
  if (isServerReply(error)) {
    const hint = error.message.startsWith('WRONGTYPE')
      ? ' The key holds a value that is not a list: another program wrote it. Use a different keyPrefix or conversationId.'
      : error.message.startsWith('NOPERM')
        ? ' The Redis user lacks a permission this package needs; see the README section on ACLs.'
        : '';
    return new RedisSessionCommandError(operation, `Redis replied "${error.message}".${hint}`, { cause: error });
  }
  let detail = describeCause(error);
  if (error.name === 'TimeoutError' || /timeout/i.test(detail)) {
    detail = `no reply in time${lastConnectionError ? `; last connection error: ${lastConnectionError}` : ''}`;
  }
  return new RedisSessionConnectionError(operation, target, detail, { cause: error });
}
