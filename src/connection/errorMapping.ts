import { ErrorReply } from 'redis';
import { RedisSessionCommandError, RedisSessionConflictError, RedisSessionConnectionError, RedisSessionError } from '../errors.js';

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

/** Redis's own WRONGTYPE reply, which names no key (the scripts' replies do). */
const ANONYMOUS_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** What to do about a server's error reply, appended to its message; '' when the reply says it itself. */
function hintFor(message: string): string {
  if (message.startsWith(ANONYMOUS_WRONGTYPE)) {
    return ' A key of this conversation holds a value of another type: another program wrote it. Nothing was changed. Use a different keyPrefix or conversationId.';
  }
  if (message.startsWith('NOPERM')) {
    return ' The Redis user lacks a permission this package needs; see the ACL rules in docs/security.md.';
  }
  return '';
}

/**
 * For a single native command on `key` (RPUSH, RPOP, LRANGE): rethrows its
 * error, with Redis's anonymous WRONGTYPE reply rewritten to name the key, as
 * the scripts' replies do. Use as `.catch(namingKey(key, 'list'))`.
 */
export function namingKey(key: string, expected: 'list' | 'hash'): (error: unknown) => never {
  return (error) => {
    if (error instanceof Error && error.message.startsWith(ANONYMOUS_WRONGTYPE)) {
      throw new Error(
        `WRONGTYPE ${key} holds a value that is not a ${expected}: another program wrote it. Nothing was changed. ` +
          'Use a different keyPrefix or conversationId, or delete that key if nothing needs it.',
        { cause: error },
      );
    }
    throw error;
  };
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
  if (isServerReply(error) && error.message.startsWith('OWNER ')) {
    // lib/info.lua: another owner's conversation. Nothing was changed.
    return new RedisSessionConflictError(`RedisSession.${operation} refused: ${error.message.slice('OWNER '.length)}`);
  }
  if (isServerReply(error)) {
    return new RedisSessionCommandError(operation, `Redis replied "${error.message}".${hintFor(error.message)}`, { cause: error });
  }
  let detail = describeCause(error);
  if (error.name === 'TimeoutError' || /timeout/i.test(detail)) {
    detail = `no reply in time${lastConnectionError ? `; last connection error: ${lastConnectionError}` : ''}`;
  }
  return new RedisSessionConnectionError(operation, target, detail, { cause: error });
}
