/**
 * RedisSession through Redis Sentinel (a master, a replica and 3 sentinels
 * from the harness): the `redis+sentinel://` URL and the `sentinel` option,
 * WAIT-based durability through the sentinel client, and a kill -9 of the
 * master after which the same session keeps working on the new master.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient, createSentinel, type RedisClientType } from 'redis';
import {
  RedisSession,
  RedisSessionConfigError,
  RedisSessionDurabilityError,
} from 'agents-redis-session';
import { killMasterAndAwaitPromotion, startRedisSentinel, waitUntil, type RedisSentinelHandle } from './harness/index.js';
import { SENTINEL_SETUP, useDeployment } from './support/deploymentFixture.js';
import { serverConnections, waitForServerConnections } from './support/serverConnections.js';
import { userMessage } from './support/items.js';

const FAILOVER_BOUND_MS = 60_000;

let deployment: RedisSentinelHandle;

async function rawClient(port: number): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on('error', () => {});
  await client.connect();
  return client;
}

useDeployment(() => startRedisSentinel(SENTINEL_SETUP), 240_000, (started) => (deployment = started));

describe('RedisSession through Sentinel', () => {
  it('every operation works through a redis+sentinel:// URL and through the sentinel option, on the master', async () => {
    const master = await rawClient(deployment.master.port);
    try {
      for (const options of [
        { redisUrl: `${deployment.url}/0` },
        { sentinel: { name: deployment.masterName, sentinelRootNodes: deployment.sentinelRootNodes.slice(0, 2) } },
      ]) {
        const session = new RedisSession({ conversationId: 'through-sentinel', ttl: 600, ...options });
        await session.addItems([userMessage('one'), userMessage('two')]);
        await session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [userMessage('three')] } });
        assert.deepEqual(await session.getItems(), [userMessage('one'), userMessage('two'), userMessage('three')]);
        assert.equal(await master.lLen('conv:through-sentinel'), 3, 'the items live on the master');
        assert.deepEqual(await session.popItem(), userMessage('three'));
        await session.replaceHistoryWithCompaction([userMessage('summary')]);
        assert.deepEqual(await session.getItems(), [userMessage('summary')]);
        await session.clearSession();
        assert.equal(await master.exists(['conv:through-sentinel', '{conv:through-sentinel}:meta']), 0);
        assert.equal((await serverConnections(master)).commands, 1, 'one connection to the master');
        await session.close();
        await waitForServerConnections(master, { commands: 0 }, 'the connection to the master to close with the session');
      }
    } finally {
      master.destroy();
    }
  });

  it('durability: WAIT runs on the master connection of the sentinel client', async () => {
    const replica = await rawClient(deployment.replica.port);
    const session = new RedisSession({ conversationId: 'durable', redisUrl: deployment.url, durability: { replicas: 1, timeoutMs: 2000 } });
    const strict = new RedisSession({ conversationId: 'durable', redisUrl: deployment.url, durability: { replicas: 2, timeoutMs: 50 } });
    try {
      for (let i = 0; i < 5; i++) {
        await session.addItems([userMessage(`write ${i}`)]);
        assert.equal(await replica.lLen('conv:durable'), i + 1, 'confirmed, so already on the replica');
      }
      await assert.rejects(strict.addItems([userMessage('applied anyway')]), (error: unknown) =>
        error instanceof RedisSessionDurabilityError && error.acknowledged === 1 && error.required === 2);
      assert.equal((await session.getItems()).length, 6);
      // The same through a plain URL to the master and through a borrowed single client.
      const direct = new RedisSession({ conversationId: 'durable', redisUrl: deployment.master.url, durability: { replicas: 1, timeoutMs: 2000 } });
      await direct.addItems([userMessage('direct')]);
      assert.equal(await replica.lIndex('conv:durable', -1), JSON.stringify(userMessage('direct')));
      await direct.close();
      const master = await rawClient(deployment.master.port);
      try {
        const borrowed = new RedisSession({ conversationId: 'durable', client: master, durability: { replicas: 2, timeoutMs: 50 } });
        await assert.rejects(borrowed.addItems([userMessage('borrowed')]), RedisSessionDurabilityError);
        assert.equal(await replica.lIndex('conv:durable', -1), JSON.stringify(userMessage('borrowed')), 'applied and replicated, just not to 2 replicas');
      } finally {
        master.destroy();
      }
      await session.clearSession();
    } finally {
      replica.destroy();
      await Promise.all([session.close(), strict.close()]);
    }
  });

  it('a sentinel client passed in the client option works, with durability', async () => {
    const client = createSentinel({ name: deployment.masterName, sentinelRootNodes: deployment.sentinelRootNodes });
    client.on('error', () => {});
    await client.connect();
    const observer = await rawClient(await deployment.masterPort());
    try {
      // The borrowed client's own connections to the master, and nothing else.
      const borrowedOnly = (await serverConnections(observer)).commands;
      const session = new RedisSession({ conversationId: 'borrowed', client, durability: { replicas: 1, timeoutMs: 2000 } });
      await session.addItems([userMessage('via a borrowed sentinel client')]);
      assert.deepEqual(await session.getItems(), [userMessage('via a borrowed sentinel client')]);
      await session.clearSession();
      await session.close();
      assert.equal((await serverConnections(observer)).commands, borrowedOnly, 'a borrowed client is not a shared connection');
    } finally {
      observer.destroy();
      await client.close();
    }
  });

  it('sentinel URL and option errors are config errors at construction, naming no password', () => {
    assert.throws(() => new RedisSession({ redisUrl: 'redis+sentinel://127.0.0.1:26379' }), /\/<masterName>\[\/db\]/);
    assert.throws(() => new RedisSession({ redisUrl: 'redis+sentinel://127.0.0.1:26379/mymaster/x' }), RedisSessionConfigError);
    assert.throws(
      () => new RedisSession({ redisUrl: 'redis+sentinel://:hunter2@127.0.0.1/mymaster' }),
      (error: unknown) => error instanceof RedisSessionConfigError && !error.message.includes('hunter2'),
    );
    assert.throws(() => new RedisSession({ sentinel: { name: '', sentinelRootNodes: deployment.sentinelRootNodes } }), /sentinel\.name/);
    assert.throws(() => new RedisSession({ sentinel: { name: 'mymaster', sentinelRootNodes: [] } }), /sentinelRootNodes/);
  });

  it('kill -9 of the master: after the failover the same session keeps working, on the new master', { timeout: 240_000 }, async (t) => {
    const session = new RedisSession({ conversationId: 'failover', redisUrl: deployment.url, commandTimeoutMs: 5000, connectTimeoutMs: 10_000 });
    const replica = await rawClient(deployment.replica.port);
    try {
      await session.addItems([userMessage('before 1'), userMessage('before 2')]);
      await waitUntil(async () => (await replica.lLen('conv:failover')) === 2, { timeoutMs: 30_000, description: 'the replica to catch up' });
      assert.equal(await deployment.masterPort(), deployment.master.port);

      const killedAt = Date.now();
      const promotedMs = await killMasterAndAwaitPromotion(deployment, FAILOVER_BOUND_MS);
      let attempts = 0;
      await waitUntil(
        async () => {
          attempts++;
          await session.addItems([userMessage('after')]);
          return true;
        },
        { timeoutMs: FAILOVER_BOUND_MS, intervalMs: 200, description: 'the session to write again' },
      );
      const resumedMs = Date.now() - killedAt;
      t.diagnostic(`after kill -9: replica promoted in ${promotedMs} ms, the session wrote again in ${resumedMs} ms (${attempts} attempt(s))`);

      // The write went to the new master, which also kept the history.
      assert.equal(await replica.sendCommand(['ROLE']).then((role) => (role as unknown as string[])[0]), 'master');
      assert.deepEqual(await replica.lRange('conv:failover', 0, -1), [userMessage('before 1'), userMessage('before 2'), userMessage('after')].map((item) => JSON.stringify(item)));
      assert.deepEqual(await session.getItems(), [userMessage('before 1'), userMessage('before 2'), userMessage('after')]);
      assert.deepEqual(await session.popItem(), userMessage('after'));
      await session.clearSession();
    } finally {
      replica.destroy();
      await session.close();
    }
  });
});
