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

/**
 * When a read (`getItems`, `getPage`) slides the expiry of a conversation with a `ttl`: the `touch` option.
 * Writes always slide it.
 */
export type TouchOption = 'always' | 'write' | { readonly intervalSeconds: number };

const TOUCH_FORMS =
  'touch must be "always" (every read slides the expiry: the default), "write" (reads never slide it; writes do) ' +
  'or { intervalSeconds: n } (a read slides it at most once every n seconds)';

/**
 * Checks the `touch` option against the session's checked `ttl` (0 for none), returning it normalised
 * (`'always'` when undefined; an interval as a new frozen object). An interval must be a whole number of
 * seconds from 1 to ttl - 1: with interval I, a conversation read at least every ttl - I seconds never
 * expires. Without a ttl, `'always'` and `'write'` are accepted (nothing slides), an interval is refused.
 *
 * @throws {RedisSessionConfigError} when it is none of these.
 */
export function validateTouch(touch: unknown, ttl: number): TouchOption {
  if (touch === undefined) return 'always';
  if (touch === 'always' || touch === 'write') return touch;
  if (touch === null || typeof touch !== 'object' || Array.isArray(touch)) {
    throw new RedisSessionConfigError(`${TOUCH_FORMS}; got ${describe(touch)}.`);
  }
  const { intervalSeconds } = touch as { intervalSeconds?: unknown };
  if (typeof intervalSeconds !== 'number' || !Number.isInteger(intervalSeconds) || intervalSeconds < 1) {
    throw new RedisSessionConfigError(
      `touch.intervalSeconds must be a whole number of seconds, at least 1 and less than ttl; got ${intervalSeconds === undefined ? 'none' : describe(intervalSeconds)}. ` +
        'For example, ttl: 3600 with touch: { intervalSeconds: 300 } slides the expiry at most every five minutes.',
    );
  }
  if (ttl === 0) {
    throw new RedisSessionConfigError(
      'touch: { intervalSeconds } needs a ttl: without one, nothing expires and there is no expiry to slide. ' +
        'Set ttl (in seconds), or drop the touch option.',
    );
  }
  if (intervalSeconds >= ttl) {
    throw new RedisSessionConfigError(
      `touch.intervalSeconds must be less than ttl (${ttl}); got the number ${intervalSeconds}. With interval I, a conversation ` +
        'read at least every ttl - I seconds never expires; at I >= ttl it could expire while being read. ' +
        (ttl > 1 ? `Lower it, for example to ${Math.max(1, Math.floor(ttl / 10))}, or use touch: "write".` : 'With a ttl of 1 second, use "always" or "write".'),
    );
  }
  return Object.freeze({ intervalSeconds });
}
