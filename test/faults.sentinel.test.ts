import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, RedisSessionConnectionError, closeSharedConnections } from 'agents-redis-session';
import { startRedisSentinel, type RedisSentinelHandle } from './harness/index.js';
import { SENTINEL_SETUP, useDeployment } from './support/deploymentFixture.js';
import { settlesWithin, whileFrozen } from './support/faults.js';
import { user } from './support/items.js';

const BOUND_MS = 20_000;

let deployment: RedisSentinelHandle;

useDeployment(() => startRedisSentinel(SENTINEL_SETUP), 60_000, (started) => (deployment = started));

describe('a Sentinel-managed master and its replica that freeze (SIGSTOP)', () => {
  it('fails the operations with RedisSessionConnectionError, and close() returns', async () => {
    const session = new RedisSession({
      conversationId: 'frozen-master',
      redisUrl: `${deployment.url}/0`,
      commandTimeoutMs: 1000,
      connectTimeoutMs: 1000,
    });
    await session.addItems([user('before')]);
    // The replica freezes too, so that no failover rescues the commands stuck on the master's socket.
    await whileFrozen(deployment.replica, () => whileFrozen(deployment.master, async () => {
      for (const [what, call] of [
        ['getItems', () => session.getItems()],
        ['addItems', () => session.addItems([user('during')])],
      ] as const) {
        const settled = await settlesWithin<unknown>(call(), BOUND_MS, `${what} on the frozen master`);
        assert.equal(settled.ok, false, `${what} succeeded on a frozen deployment`);
        if (!settled.ok) assert.ok(settled.error instanceof RedisSessionConnectionError, `${what}: got ${String(settled.error)}`);
      }
      assert.equal((await settlesWithin(session.close(), BOUND_MS, 'session.close()')).ok, true);
      assert.equal((await settlesWithin(closeSharedConnections(), BOUND_MS, 'closeSharedConnections()')).ok, true);
    }));
  });
});
