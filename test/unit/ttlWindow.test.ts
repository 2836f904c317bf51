/** Unit test (no Redis) of the TTL window the integration tests use: it grows with elapsed time, never with anything else. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertTtlSince } from '../support/ttl.js';

describe('assertTtlSince', () => {
  it('accepts the TTL just set, and one rounded up', () => {
    const now = Date.now();
    assertTtlSince(600, 600, now, 'fresh');
    assertTtlSince(601, 600, now, 'rounded');
  });

  it('accepts a TTL lower by the seconds really elapsed, and no lower', () => {
    const tenSecondsAgo = Date.now() - 10_000;
    assertTtlSince(590, 600, tenSecondsAgo, 'ten seconds later');
    assert.throws(() => assertTtlSince(580, 600, tenSecondsAgo, 'too low'), /too low: TTL 580 s/);
  });

  it('refuses a TTL above the one set, or a missing one', () => {
    const now = Date.now();
    assert.throws(() => assertTtlSince(700, 600, now, 'reset'), /expected 600 s/);
    assert.throws(() => assertTtlSince(-1, 600, now, 'persisted'));
    assert.throws(() => assertTtlSince(-2, 600, now, 'gone'));
  });
});
