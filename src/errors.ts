import { AgentsError } from '@openai/agents';

/**
 * Where an error of this package lists the names of its classes, from its own
 * up to `RedisSessionError`. `Symbol.for` makes it the same key in every copy
 * of the package loaded in one process (the ESM and the CommonJS build, or two
 * versions), so that `instanceof` works across copies.
 */
const ERROR_CLASSES = Symbol.for('agents-redis-session.error-classes');

/** The class names from `constructor` up to (and including) `RedisSessionError`. */
function classNames(constructor: Function): readonly string[] {
  const names: string[] = [];
  for (let current = constructor; current !== RedisSessionError && typeof current === 'function'; current = Object.getPrototypeOf(current)) {
    names.push(current.name);
  }
  names.push(RedisSessionError.name);
  return Object.freeze(names);
}

/**
 * Base class of every error this package throws. It extends the Agents SDK's
 * `AgentsError`, so code that already handles SDK errors handles these too.
 *
 * Messages say what was wrong and what to do about it. They never contain a
 * password, a token or conversation content.
 */
export class RedisSessionError extends AgentsError {
  /** A stable, machine-readable code for this kind of failure. */
  readonly code: string;

  /**
   * `error instanceof RedisSessionConfigError` (or any class of this package)
   * is also true for an error thrown by another copy of the package in the same
   * process, such as the CommonJS build next to the ESM one: besides the usual
   * prototype check, it looks for the class's name among the names the error
   * lists under a `Symbol.for` key. It stays false for other classes.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (value === null || typeof value !== 'object') return false;
    const names = (value as { [ERROR_CLASSES]?: unknown })[ERROR_CLASSES];
    return Array.isArray(names) && names.includes(this.name);
  }

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, ERROR_CLASSES, { value: classNames(new.target) });
    if (options && 'cause' in options) {
      (this as { cause?: unknown }).cause = options.cause;
    }
  }
}

/** An option passed to `RedisSession` (or the Redis URL) is invalid. Nothing was written. */
export class RedisSessionConfigError extends RedisSessionError {
  constructor(message: string) {
    super('ERR_REDIS_SESSION_CONFIG', message);
  }
}

/** Items passed to a write could not be stored as given. Nothing was written. */
export class RedisSessionInputError extends RedisSessionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REDIS_SESSION_INPUT', message, options);
  }
}

/**
 * A history transaction's precondition failed: the stored suffix no longer
 * matches, or its operation id was already used for a different transaction.
 * History was not changed.
 */
export class RedisSessionConflictError extends RedisSessionError {
  constructor(message: string) {
    super('ERR_REDIS_SESSION_CONFLICT', message);
  }
}

/**
 * Redis could not be reached or did not answer in time. `operation` names the
 * session method that failed and `target` the server, with any password removed.
 */
export class RedisSessionConnectionError extends RedisSessionError {
  /** The session operation that failed, for example `addItems`. */
  readonly operation: string;
  /** The Redis server, as `redis://user:***@host:port/db` (password redacted). */
  readonly target: string;

  constructor(operation: string, target: string, detail: string, options?: { cause?: unknown }) {
    super(
      'ERR_REDIS_SESSION_CONNECTION',
      `RedisSession.${operation} failed: cannot reach Redis at ${target} (${detail}). ` +
        'Check that the server is running and that the URL, password and TLS settings are right.',
      options,
    );
    this.operation = operation;
    this.target = target;
  }
}

/** Redis answered with an error that is not a connection problem (for example WRONGTYPE). */
export class RedisSessionCommandError extends RedisSessionError {
  /** The session operation that failed. */
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super('ERR_REDIS_SESSION_COMMAND', `RedisSession.${operation} failed: ${message}`, options);
    this.operation = operation;
  }
}

/**
 * A write was applied on the master, but fewer replicas than the `durability`
 * option asks for confirmed it within its `timeoutMs`. The write is not undone:
 * it may survive, or be lost if the master fails before it replicates.
 */
export class RedisSessionDurabilityError extends RedisSessionError {
  /** How many replicas confirmed the write. */
  readonly acknowledged: number;
  /** How many the `durability` option requires. */
  readonly required: number;

  constructor(acknowledged: number, required: number, timeoutMs: number) {
    super(
      'ERR_REDIS_SESSION_DURABILITY',
      `The write was applied on the Redis master but confirmed by only ${acknowledged} of the ${required} required ` +
        `replica(s) within ${timeoutMs} ms (WAIT). It may be lost if the master fails now; check the replicas, ` +
        'or lower durability.replicas.',
    );
    this.acknowledged = acknowledged;
    this.required = required;
  }
}

/**
 * A write would break a configured limit (`maxItemBytes`, or `maxItems` with
 * `overflow: 'reject'`). Nothing was written.
 */
export class RedisSessionLimitError extends RedisSessionError {
  constructor(message: string) {
    super('ERR_REDIS_SESSION_LIMIT', `${message} Nothing was written.`);
  }
}

/**
 * A stored entry of an encrypted conversation failed its integrity check: it
 * was modified, encrypted for another conversation, encrypted with a key that
 * is not configured, or not encrypted at all. Its content is never returned.
 */
export class RedisSessionIntegrityError extends RedisSessionError {
  constructor(message: string) {
    super('ERR_REDIS_SESSION_INTEGRITY', message);
  }
}

/**
 * A page cursor (of `getPage` or `listConversations`) can no longer be used:
 * the history was rewritten since it was taken (a pop, a compaction, a
 * replaced suffix, a mutation or a clear), or it was not made by this
 * package. Load the first page again.
 */
export class RedisSessionCursorError extends RedisSessionError {
  constructor(message: string) {
    super('ERR_REDIS_SESSION_CURSOR', message);
  }
}
