import assert from 'node:assert/strict';

/**
 * Asserts a TTL read with Redis's `TTL` (seconds, rounded) is what an expiry of
 * `expected` seconds, set or read at `since` (a `Date.now()` taken just BEFORE that
 * operation), can show now: at most `expected` (+1 for rounding), and at least
 * `expected` minus the whole seconds elapsed since then (-1 for rounding). The
 * window grows with the time the test really took, so a loaded machine passes
 * while a wrong expiry (a missing, reset or foreign TTL) still fails.
 */
export function assertTtlSince(actual: number, expected: number, since: number, what: string): void {
  const elapsed = Math.ceil((Date.now() - since) / 1000);
  const min = expected - elapsed - 1;
  const max = expected + 1;
  assert.ok(actual >= min && actual <= max, `${what}: TTL ${actual} s, expected ${expected} s minus the ${elapsed} s elapsed, i.e. within [${min}, ${max}]`);
}
