import { createHmac, randomBytes } from 'node:crypto';

/** The symbol `util.inspect` (and so `console.log`) looks up; `Symbol.for` gives it without importing node:util. */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** The third argument Node passes to a custom inspect function. */
type Inspect = (value: unknown, options?: object) => string;

/**
 * Renders `name { ...facts }` the way `util.inspect` renders an object, for a
 * custom inspect function: `facts` must hold only what is safe to print.
 */
export function inspectFacts(name: string, facts: object, options: object, inspect: Inspect): string {
  return `${name} ${inspect(facts, options)}`;
}

/**
 * Makes an object that holds secrets (connection options with a password, a
 * node-redis client) print as `name { ...facts }` in `util.inspect` and
 * `console.log`, and serialize as `facts` in `JSON.stringify`, however deep the
 * caller looks. Both properties are non-enumerable: nothing else changes.
 * Returns `object`.
 */
export function redactInspection<T extends object>(object: T, name: string, facts: () => object): T {
  Object.defineProperty(object, INSPECT_CUSTOM, {
    value: (_depth: number, options: object, inspect: Inspect) => inspectFacts(name, facts(), options, inspect),
    configurable: true,
  });
  Object.defineProperty(object, 'toJSON', { value: facts, configurable: true });
  return object;
}

/**
 * A key for the process's HMAC of connection identities, one per process and
 * shared by every copy of the package in it (ESM and CJS), so that their
 * identities agree.
 */
const IDENTITY_SALT = Symbol.for('agents-redis-session.identity-salt');

/**
 * A digest of an identity that may include secrets (a URL with its password):
 * equal identities give equal digests in one process, and the digest shows
 * nothing of them. HMAC-SHA-256 under a random per-process key, so that a
 * digest seen somewhere cannot be used to guess a password offline.
 */
export function identityDigest(parts: readonly unknown[]): string {
  const holder = globalThis as { [IDENTITY_SALT]?: Buffer };
  const salt = (holder[IDENTITY_SALT] ??= randomBytes(32));
  return createHmac('sha256', salt).update(JSON.stringify(parts)).digest('hex');
}
