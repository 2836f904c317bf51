import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineError, isDeadlineError, withDeadline } from '../src/connection/deadline.js';

/** Unit tests of the deadline every Redis call is bounded by (no Redis needed). */
describe('withDeadline', () => {
  it('settles like the work when it settles in time', async () => {
    assert.equal(await withDeadline(Promise.resolve(42), 1000), 42);
    await assert.rejects(withDeadline(Promise.reject(new Error('boom')), 1000), /boom/);
  });

  it('rejects with a DeadlineError (a TimeoutError) when the work never settles', async () => {
    const error = await withDeadline(new Promise(() => {}), 20, 'GET').catch((caught: unknown) => caught);
    assert.ok(error instanceof DeadlineError);
    assert.ok(isDeadlineError(error));
    assert.equal((error as Error).name, 'TimeoutError');
    assert.match((error as Error).message, /GET: no reply within 20 ms/);
  });

  it('does not count as a timeout a reply that was ready while the event loop was busy', async () => {
    let resolveWork: (value: string) => void = () => {};
    const work = new Promise<string>((resolve) => (resolveWork = resolve));
    const bounded = withDeadline(work, 30);
    // The "reply" becomes ready after the deadline's timer is due, in the same turn of the loop.
    setTimeout(() => resolveWork('reply'), 40);
    const busyUntil = Date.now() + 150;
    while (Date.now() < busyUntil) {
      // a loaded machine: the event loop is blocked past both timers
    }
    assert.equal(await bounded, 'reply');
  });

  it('swallows a late rejection of the work', async () => {
    let rejectWork: (error: Error) => void = () => {};
    const work = new Promise<never>((_, reject) => (rejectWork = reject));
    await assert.rejects(withDeadline(work, 10), DeadlineError);
    rejectWork(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
