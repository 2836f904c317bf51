/**
 * A subscribe that misses its deadline tears the shared subscriber connection
 * down. The other subscriptions on it must not go silent: the hub subscribes
 * them again on a fresh connection once the server answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, RedisSessionConnectionError, type ChangeEvent } from 'agents-redis-session';
import { waitUntil } from './harness/index.js';
import { rejectsWithin, settlesWithin } from './support/faults.js';
import { useProxiedServer } from './support/proxiedServer.js';
import { user } from './support/items.js';

const BOUND_MS = 15_000;

const fixture = useProxiedServer('faults-subscriber', BOUND_MS);

describe('a subscriber connection torn down by a missed deadline', () => {
  it('subscribes the other subscriptions again once the server answers', async () => {
    const throughProxy = { redisUrl: fixture.proxyUrl, commandTimeoutMs: 1000, connectTimeoutMs: 1000 };
    const watched = new RedisSession({ conversationId: 'kept', ...throughProxy });
    const late = new RedisSession({ conversationId: 'late', ...throughProxy });
    // Writes go straight to the server, around the proxy.
    const writer = new RedisSession({ conversationId: 'kept', redisUrl: fixture.server.url, commandTimeoutMs: 30_000, connectTimeoutMs: 30_000 });
    const received: ChangeEvent[] = [];
    try {
      await watched.subscribe((event) => received.push(event));
      await writer.addItems([user('before')]);
      await waitUntil(() => received.length >= 1, { timeoutMs: 30_000, description: 'the first event' });

      fixture.proxy.blackhole();
      try {
        const error = await rejectsWithin(late.subscribe(() => {}), BOUND_MS, 'subscribe during the partition');
        assert.ok(error instanceof RedisSessionConnectionError, `got ${String(error)}`);
      } finally {
        fixture.proxy.heal();
      }

      // The first subscription is back on a fresh connection: a later write reaches it (bounded attempts).
      const seen = received.length;
      await waitUntil(
        async () => {
          await writer.addItems([user('after')]);
          return received.length > seen;
        },
        { timeoutMs: 30_000, intervalMs: 500, description: 'an event on the restored subscription' },
      );
      assert.equal(received.at(-1)?.conversationId, 'kept');
    } finally {
      for (const session of [watched, late, writer]) await settlesWithin(session.close(), BOUND_MS, 'close');
    }
  });
});
