import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, RedisSessionConnectionError } from 'agents-redis-session';
import { rejectsWithin, settlesWithin } from './support/faults.js';
import { useProxiedServer } from './support/proxiedServer.js';
import { user } from './support/items.js';

// Behind a partition that drops packets (no reset), node-redis alone waits forever.
const BOUND_MS = 15_000;

const fixture = useProxiedServer('faults-partition', BOUND_MS);

describe('a network partition that drops packets', () => {
  it('fails calls in bounded time while it lasts, and reconnects once it heals', async () => {
    const session = new RedisSession({
      conversationId: 'partitioned',
      redisUrl: fixture.proxyUrl,
      commandTimeoutMs: 1000,
      connectTimeoutMs: 1000,
    });
    try {
      await session.addItems([user('before')]);
      fixture.proxy.blackhole();
      try {
        for (const [what, call] of [
          ['getItems', () => session.getItems()],
          ['addItems', () => session.addItems([user('during')])],
          ['popItem', () => session.popItem()],
        ] as const) {
          const error = await rejectsWithin(call(), BOUND_MS, what);
          assert.ok(error instanceof RedisSessionConnectionError, `${what}: got ${String(error)}`);
        }
      } finally {
        fixture.proxy.heal();
      }
      // The silent socket was torn down; a fresh connection carries the next call.
      const settled = await settlesWithin(session.getItems(), BOUND_MS, 'getItems after healing');
      assert.equal(settled.ok, true, `getItems after healing failed: ${settled.ok ? '' : String(settled.error)}`);
      if (settled.ok) assert.deepEqual(settled.value[0], user('before'));
      fixture.proxy.blackhole();
      try {
        assert.equal((await settlesWithin(session.close(), BOUND_MS, 'close() during a partition')).ok, true);
      } finally {
        fixture.proxy.heal();
      }
    } finally {
      await settlesWithin(session.close(), BOUND_MS, 'close');
    }
  });

  it("bounds the WAIT of durability when the partition starts right after the write", async () => {
    const session = new RedisSession({
      conversationId: 'partitioned-wait',
      redisUrl: fixture.proxyUrl,
      durability: { replicas: 1, timeoutMs: 100 },
      commandTimeoutMs: 1000,
      connectTimeoutMs: 1000,
    });
    try {
      await session.getItems();
      // The write reaches the server; its WAIT and everything after it are dropped.
      fixture.proxy.blackholeWhen((bytes) => /\$4\r\nWAIT\r\n/i.test(bytes.toString('latin1')));
      try {
        const error = await rejectsWithin(session.addItems([user('written, unconfirmed')]), BOUND_MS, 'addItems waiting for WAIT');
        assert.ok(error instanceof RedisSessionConnectionError, `got ${String(error)}`);
        assert.match(error.message, /outcome of this write is unknown/);
      } finally {
        fixture.proxy.heal();
      }
    } finally {
      await settlesWithin(session.close(), BOUND_MS, 'close');
    }
  });
});
