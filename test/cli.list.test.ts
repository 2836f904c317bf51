import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { startRedisCluster, type RedisClusterHandle } from './harness/index.js';
import { runCli, runCliJson } from './support/cli.js';
import { assertTtlSince } from './support/ttl.js';

/** `list` and `stats` on a Redis Cluster: SCAN has to visit every master, since each holds a third of the slots. */
describe('agents-redis-session CLI on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let url: string;
  const ids = Array.from({ length: 30 }, (_, i) => `user-${i}`);
  /** Date.now() just before the first TTL of 600 s was set. */
  let writtenAt: number;

  before(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    url = `redis+cluster://${cluster.rootNodes.map((node) => node.url.replace('redis://', '')).join(',')}`;
    writtenAt = Date.now();
    for (const conversationId of ids) {
      const session = new RedisSession({ redisUrl: url, conversationId, ttl: 600 });
      await session.addItems([{ role: 'user', content: `hello from ${conversationId}` }]);
    }
    await closeSharedConnections();
  });

  after(async () => {
    await closeSharedConnections();
    await cluster?.stop();
  });

  it('lists the conversations of every master', async () => {
    // Check the setup: the conversations really are spread over all three masters.
    const masters = await cluster.masters();
    const perMaster = await Promise.all(
      masters.map(async (master) => Number(await master.command(['EVAL', "return #redis.call('KEYS', 'conv:*')", '0']))),
    );
    assert.equal(perMaster.length, 3);
    assert.ok(perMaster.every((count) => count > 0), `keys per master: ${perMaster}`);

    const { result, json } = await runCliJson<{ id: string; items: number; ttl: number }[]>(['--url', url, 'list']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json.map((row) => row.id).sort(), [...ids].sort());
    assert.ok(json.every((row) => row.items === 1 && row.ttl <= 600));
    for (const row of json) assertTtlSince(row.ttl, 600, writtenAt, row.id);

    const text = await runCli(['--url', url, 'list']);
    assert.match(text.stdout, /30 conversations under "conv:"/);
  });

  it('stats counts every master and reports each one', async () => {
    const { result, json } = await runCliJson<{ conversations: number; items: number; keys: number; servers: unknown[] }>(['--url', url, 'stats']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual([json.conversations, json.items, json.keys, json.servers.length], [30, 30, 60, 3]);
  });

  it('show, ttl and expire route by key to the right master', async () => {
    const expiredAt = Date.now();
    const expire = await runCli(['--url', url, 'expire', 'user-7', '90']);
    assert.equal(expire.code, 0, expire.stderr);
    const { json } = await runCliJson<{ ttl: number }>(['--url', url, 'ttl', 'user-7']);
    assert.ok(json.ttl <= 90, `TTL ${json.ttl}`);
    assertTtlSince(json.ttl, 90, expiredAt, 'user-7');
    const show = await runCli(['--url', url, 'show', 'user-7']);
    assert.match(show.stdout, /user\s+hello from user-7/);
  });
});
