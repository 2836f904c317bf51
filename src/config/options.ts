import { RedisSessionConfigError } from '../errors.js';
import { describe } from './describeValue.js';

/** Ten years: any TTL beyond this is taken as a mistake (milliseconds passed as seconds, say). */
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;
const DEFAULT_TIMEOUT_MS = 5000;
const MAX_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Checks `ttl`: a whole number of seconds from 1 to {@link MAX_TTL_SECONDS},
 * or `undefined`/`null` for no expiry. Returns 0 for no expiry.
 */
export function validateTtl(ttl: unknown): number {
  if (ttl === undefined || ttl === null) return 0;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_SECONDS) {
    throw new RedisSessionConfigError(
      `ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS} (10 years), or null for no expiry; ` +
        `got ${describe(ttl)}. For example, ttl: 3600 expires a conversation after an hour without activity.`,
    );
  }
  return ttl;
}

/** Checks a window size: a whole number (values ≤ 0 mean an empty window). */
export function validateLimit(limit: unknown, name: string): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit)) {
    throw new RedisSessionConfigError(`${name} must be a whole number of items; got ${describe(limit)}.`);
  }
  return limit;
}

/** Checks the `changeEvents` option; `undefined` means `true`. */
export function validateChangeEvents(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') {
    throw new RedisSessionConfigError(`changeEvents must be true or false; got ${describe(value)}.`);
  }
  return value;
}

/** Checks a timeout in milliseconds, returning the default when it is undefined. */
export function validateTimeout(value: unknown, name: string): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new RedisSessionConfigError(
      `${name} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; got ${describe(value)}.`,
    );
  }
  return value;
}
