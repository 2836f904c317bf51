/**
 * Unit tests (no Redis) of the `touch` option's clock (src/history/touchPolicy.ts): which reads of a session slide
 * the expiry, with a fake monotonic clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TouchPolicy } from '../../src/history/touchPolicy.js';

/** A clock the test moves by hand, in ms. */
function fakeClock(start = 1000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('TouchPolicy', () => {
  it("'always': every read slides, whatever was recorded", () => {
    const clock = fakeClock();
    const policy = new TouchPolicy('always', 60, clock.now);
    for (let i = 0; i < 3; i++) {
      const at = policy.readSlide();
      assert.equal(at, clock.now());
      policy.slid(at!);
    }
  });

  it("'write', and any policy without a ttl: no read slides", () => {
    const clock = fakeClock();
    for (const policy of [
      new TouchPolicy('write', 60, clock.now),
      new TouchPolicy('always', 0, clock.now),
      new TouchPolicy({ intervalSeconds: 5 }, 0, clock.now),
    ]) {
      assert.equal(policy.readSlide(), undefined);
      clock.advance(3600_000);
      assert.equal(policy.readSlide(), undefined);
    }
  });

  it('an interval: the first read slides, then none until the interval has passed since the slide was sent', () => {
    const clock = fakeClock();
    const policy = new TouchPolicy({ intervalSeconds: 10 }, 60, clock.now);
    const first = policy.readSlide();
    assert.equal(first, 1000);
    clock.advance(50); // the reply comes later: the slide stays dated when it was sent
    policy.slid(first!);
    assert.equal(policy.readSlide(), undefined);
    clock.advance(9_949);
    assert.equal(policy.readSlide(), undefined, '9.999 s after the slide was sent');
    clock.advance(1);
    assert.equal(policy.readSlide(), 11_000, '10 s after');
  });

  it('a read that failed records nothing: the next read slides', () => {
    const clock = fakeClock();
    const policy = new TouchPolicy({ intervalSeconds: 10 }, 60, clock.now);
    assert.notEqual(policy.readSlide(), undefined);
    clock.advance(100);
    assert.notEqual(policy.readSlide(), undefined);
  });

  it('a write that slid the expiry restarts the interval; an older report never moves it back', () => {
    const clock = fakeClock();
    const policy = new TouchPolicy({ intervalSeconds: 10 }, 60, clock.now);
    policy.slid(policy.readSlide()!);
    clock.advance(8_000);
    const writeSent = policy.now();
    clock.advance(10);
    policy.slid(writeSent);
    clock.advance(5_000);
    assert.equal(policy.readSlide(), undefined, '13 s after the read, 5 s after the write');
    policy.slid(2_000); // a late report of an older call
    clock.advance(4_990);
    assert.equal(policy.readSlide(), writeSent + 10_000, '10 s after the write was sent');
  });
});
