import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCluster } from 'redis';
import { closeSharedConnections, RedisSession, watchConversations, type ChangeEvent } from 'agents-redis-session';
import { startRedisCluster, waitUntil, type RedisClusterHandle } from './harness/index.js';
import { user } from './support/items.js';

let cluster: RedisClusterHandle;

before(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 0 });
});

after(async () => {
  await closeSharedConnections();
  await cluster?.stop();
});

/** The port of the master serving the conversation's slot (from CLUSTER KEYSLOT and CLUSTER NODES). */
async function masterPortOf(session: RedisSession): Promise<number> {
  const slot = Number(await cluster.nodes[0]!.command(['CLUSTER', 'KEYSLOT', session.keys.items]));
  const master = (await cluster.clusterNodes()).find(
    (node) =>
      node.flags.includes('master') &&
      node.slots.some((range) => {
        const [first, last = first] = range.split('-').map(Number);
        return slot >= first! && slot <= last!;
      }),
  );
  assert.ok(master, `a master for slot ${slot}`);
  return master.port;
}

describe('change events on a Redis Cluster', () => {
  it('conversations on every master: each subscription gets its own events (sharded pub/sub), a watcher gets all', async () => {
    const sessions = Array.from({ length: 9 }, (_, i) => new RedisSession({ conversationId: `cluster-feed-${i}`, cluster: { rootNodes: cluster.rootNodes } }));
    const ports = new Set(await Promise.all(sessions.map(masterPortOf)));
    assert.equal(ports.size, 3, 'the conversations spread over the three masters');

    const received = sessions.map(() => [] as ChangeEvent[]);
    const watched: ChangeEvent[] = [];
    const stopWatching = await watchConversations({ cluster: { rootNodes: cluster.rootNodes } }, (event) => watched.push(event));
    const unsubscribes = await Promise.all(sessions.map((session, i) => session.subscribe((event) => received[i]!.push(event))));
    try {
      for (const [i, session] of sessions.entries()) {
        await session.addItems([user(`hello ${i}`)]);
        await session.popItem();
      }
      await waitUntil(() => received.every((events) => events.length === 2) && watched.length === 18, {
        timeoutMs: 60_000,
        description: 'every event',
      });
      for (const [i, events] of received.entries()) {
        assert.deepEqual(events.map((event) => [event.conversationId, event.type, event.version]), [
          [`cluster-feed-${i}`, 'add', 1],
          [`cluster-feed-${i}`, 'pop', 2],
        ]);
      }
    } finally {
      await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
      await stopWatching();
      await Promise.all(sessions.map((session) => session.close()));
    }
  });

  it('a session built with a cluster client subscribes on a duplicate of it', async () => {
    const client = createCluster({ rootNodes: cluster.rootNodes });
    await client.connect();
    const session = new RedisSession({ client, conversationId: 'cluster-client-feed' });
    try {
      const events: ChangeEvent[] = [];
      await session.subscribe((event) => events.push(event));
      await session.addItems([user('one'), user('two')]);
      await waitUntil(() => events.length === 1, { timeoutMs: 30_000, description: 'the add event' });
      assert.deepEqual(events[0]!.items, [user('one'), user('two')]);
    } finally {
      await session.close();
      await client.close();
    }
  });
});
