/**
 * RedisSession on a real Redis Cluster (3 masters, 3 replicas, from the
 * harness) through the `cluster` option and `redis+cluster://` URLs: every
 * operation, connection sharing, 1,000 conversations spread over the masters,
 * and the WAIT-based `durability` option.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, createClientPool, type RedisClientType } from 'redis';
import {
  closeSharedConnections,
  RedisSession,
  RedisSessionConfigError,
  RedisSessionDurabilityError,
  type RedisSessionOptions,
} from 'agents-redis-session';
import { startRedisCluster, type RedisClusterHandle } from './harness/index.js';
import { exerciseSession } from './support/exerciseSession.js';
import { serverConnections, waitForServerConnections } from './support/serverConnections.js';
import { userMessage } from './support/items.js';

const CONVERSATIONS = 1000;

let cluster: RedisClusterHandle;
let probe: RedisClientType;
/** The slot ranges of each master, by port. */
let slotRanges: Map<number, [number, number][]>;
/** The replica port of each master port. */
let replicaOf: Map<number, number>;

async function rawClient(port: number): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Command connections of every node of the cluster, but the probe's. */
async function clusterConnections(): Promise<number> {
  const probeId = await probe.clientId();
  const counts = await Promise.all(
    cluster.nodes.map(async (node, index) => (await serverConnections(node, { except: index === 0 ? [probeId] : [] })).commands),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Waits until no node of the cluster has a command connection but the probe's. */
async function waitForNoClusterConnection(description: string): Promise<void> {
  const probeId = await probe.clientId();
  for (const [index, node] of cluster.nodes.entries()) {
    await waitForServerConnections(node, { commands: 0 }, `${description} (node ${node.port})`, { except: index === 0 ? [probeId] : [] });
  }
}

const keySlot = async (key: string): Promise<number> => Number(await probe.sendCommand(['CLUSTER', 'KEYSLOT', key]));

function masterOfSlot(slot: number): number {
  for (const [port, ranges] of slotRanges) {
    if (ranges.some(([first, last]) => slot >= first && slot <= last)) return port;
  }
  throw new Error(`no master serves slot ${slot}`);
}

/** One conversation id (with the given prefix and label) whose keys live on each master. */
async function conversationPerMaster(keyPrefix: string, label: string): Promise<Map<number, string>> {
  const chosen = new Map<number, string>();
  for (let i = 0; chosen.size < slotRanges.size && i < 1000; i++) {
    const port = masterOfSlot(await keySlot(`${keyPrefix}${label}-${i}`));
    if (!chosen.has(port)) chosen.set(port, `${label}-${i}`);
  }
  assert.equal(chosen.size, 3, 'found a conversation on every master');
  return chosen;
}

before(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
  probe = await rawClient(cluster.nodes[0]!.port);
  const nodes = await cluster.clusterNodes();
  slotRanges = new Map();
  replicaOf = new Map();
  for (const node of nodes) {
    if (node.flags.includes('master') && node.slots.length > 0) {
      slotRanges.set(
        node.port,
        node.slots.map((range) => {
          const [first, last = first] = range.split('-').map(Number);
          return [first!, last!];
        }),
      );
      const replica = nodes.find((other) => other.masterId === node.id);
      if (replica) replicaOf.set(node.port, replica.port);
    }
  }
}, { timeout: 240_000 });

after(async () => {
  probe?.destroy();
  await closeSharedConnections();
  await cluster?.stop();
});

describe('RedisSession through the cluster option', () => {
  it('every operation works unchanged, on every master, with and without a TTL', async () => {
    for (const [port, conversationId] of await conversationPerMaster('conv:', 'option')) {
      for (const ttl of [null, 600]) {
        await exerciseSession(new RedisSession({ conversationId, ttl, cluster: { rootNodes: cluster.rootNodes } }), `redis://127.0.0.1:${port}`);
      }
    }
    await waitForNoClusterConnection('the shared cluster client to close with the last session');
  });

  it('a redis+cluster:// URL works the same', async () => {
    const url = `redis+cluster://${cluster.nodes.slice(0, 2).map((node) => `127.0.0.1:${node.port}`).join(',')}`;
    for (const [port, conversationId] of await conversationPerMaster('tenant:', 'url')) {
      await exerciseSession(new RedisSession({ conversationId, keyPrefix: 'tenant:', redisUrl: url, ttl: 60 }), `redis://127.0.0.1:${port}`);
    }
  });

  it('sessions with the same seed list share one cluster client, which closes with the last of them', async () => {
    const options: RedisSessionOptions = { cluster: { rootNodes: cluster.rootNodes } };
    const sessions = Array.from({ length: 20 }, (_, i) => new RedisSession({ ...options, conversationId: `shared-${i}` }));
    await waitForNoClusterConnection('connections of earlier tests to close');
    await Promise.all(sessions.map((session, i) => session.addItems([userMessage(`hello ${i}`)])));
    const masters = (await cluster.masters()).length;
    // One cluster client: one connection to each master (a node-redis cluster client reads from masters only).
    const one = await clusterConnections();
    assert.equal(one, masters, 'the 20 sessions share one cluster client');
    const other = new RedisSession({ conversationId: 'other-seeds', cluster: { rootNodes: cluster.rootNodes.slice(1) } });
    await other.getItems();
    assert.equal(await clusterConnections(), 2 * one, 'another seed list is another cluster client');
    await Promise.all([...sessions, other].map((session) => session.clearSession().then(() => session.close())));
    await waitForNoClusterConnection('both cluster clients to close with their last sessions');
  });

  it(`${CONVERSATIONS} conversations spread over all three masters, and each conversation's keys share a slot`, async () => {
    const sessions = Array.from(
      { length: CONVERSATIONS },
      (_, i) => new RedisSession({ conversationId: `spread-${i}`, keyPrefix: 'spread:', cluster: { rootNodes: cluster.rootNodes } }),
    );
    for (let start = 0; start < CONVERSATIONS; start += 250) {
      await Promise.all(
        sessions.slice(start, start + 250).map((session, offset) =>
          session.applyHistoryTransaction({
            operationId: 'op-1',
            transaction: { type: 'append_items', items: [userMessage(`item ${start + offset}`)] },
          }),
        ),
      );
    }
    const perMaster = new Map<number, number>();
    for (const port of slotRanges.keys()) {
      const master = await rawClient(port);
      try {
        perMaster.set(port, (await master.keys('*spread:spread-*')).length);
      } finally {
        master.destroy();
      }
    }
    const total = [...perMaster.values()].reduce((sum, count) => sum + count, 0);
    assert.equal(total, 2 * CONVERSATIONS, 'an items list and a meta hash per conversation');
    for (const [port, count] of perMaster) {
      assert.ok(count >= (2 * CONVERSATIONS) / 6, `master ${port} holds ${count} keys: the conversations do not spread (${[...perMaster.values()]})`);
    }
    const slots = await Promise.all(sessions.map((session) => Promise.all(session.keys.all.map(keySlot))));
    for (const [i, [itemsSlot, metaSlot]] of slots.entries()) {
      assert.equal(metaSlot, itemsSlot, `${sessions[i]!.keys.meta} is not in the slot of ${sessions[i]!.keys.items}`);
    }
    assert.equal(new Set(slots.map(([slot]) => masterOfSlot(slot!))).size, 3);
    assert.deepEqual(await sessions[123]!.getItems(), [userMessage('item 123')]);
    await Promise.all(sessions.map((session) => session.clearSession().then(() => session.close())));
  });
});

describe('RedisSession durability option (WAIT) on a cluster', () => {
  it('a confirmed write is on the replica of its master when the call returns', async () => {
    for (const [port, conversationId] of await conversationPerMaster('conv:', 'durable')) {
      const session = new RedisSession({ conversationId, cluster: { rootNodes: cluster.rootNodes }, durability: { replicas: 1, timeoutMs: 2000 } });
      const replica = await rawClient(replicaOf.get(port)!);
      try {
        await replica.sendCommand(['READONLY']);
        for (let i = 0; i < 5; i++) {
          await session.addItems([userMessage(`write ${i}`)]);
          // WAIT returned, so the replica has applied the write already: no polling.
          assert.equal(await replica.lLen(session.keys.items), i + 1, `replica of ${port} has write ${i}`);
        }
        await session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [userMessage('tx')] } });
        assert.equal(await replica.exists(session.keys.meta), 1);
        assert.deepEqual(await session.popItem(), userMessage('tx'));
        assert.equal(await replica.lLen(session.keys.items), 5);
        await session.clearSession();
        assert.equal(await replica.exists([...session.keys.all]), 0);
      } finally {
        replica.destroy();
        await session.close();
      }
    }
  });

  it('fewer replicas than required: RedisSessionDurabilityError, and the write stays applied on the master', async () => {
    const session = new RedisSession({
      conversationId: 'too-few-replicas',
      cluster: { rootNodes: cluster.rootNodes },
      durability: { replicas: 2, timeoutMs: 50 },
    });
    const error = await session.addItems([userMessage('applied')]).then(
      () => assert.fail('expected a durability error'),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof RedisSessionDurabilityError, String(error));
    assert.equal(error.code, 'ERR_REDIS_SESSION_DURABILITY');
    assert.equal(error.acknowledged, 1);
    assert.equal(error.required, 2);
    assert.match(error.message, /applied on the Redis master but confirmed by only 1 of the 2 required replica\(s\) within 50 ms/);
    const reader = new RedisSession({ conversationId: 'too-few-replicas', cluster: { rootNodes: cluster.rootNodes } });
    assert.deepEqual(await reader.getItems(), [userMessage('applied')]);
    await reader.clearSession();
    await Promise.all([session.close(), reader.close()]);
  });

  it('is refused with a pool, where WAIT would not cover the connection that wrote', async () => {
    const durability = { replicas: 1, timeoutMs: 100 };
    const url = `redis://127.0.0.1:${cluster.nodes[0]!.port}/0?max_connections=4`;
    assert.throws(() => new RedisSession({ redisUrl: url, durability }), (error: unknown) =>
      error instanceof RedisSessionConfigError && /durability cannot be used with a connection pool/.test(error.message));
    const pool = createClientPool({ url: `redis://127.0.0.1:${cluster.nodes[0]!.port}` });
    assert.throws(() => new RedisSession({ client: pool, durability }), RedisSessionConfigError);
    for (const bad of [{ replicas: 0, timeoutMs: 100 }, { replicas: 1, timeoutMs: 0 }, { replicas: 1 }, null]) {
      assert.throws(() => new RedisSession({ cluster: { rootNodes: cluster.rootNodes }, durability: bad as never }), /durability must be/);
    }
  });

  it('cluster option errors are config errors at construction, naming no password', () => {
    assert.throws(() => new RedisSession({ cluster: { rootNodes: [] } }), /cluster\.rootNodes must list at least one node/);
    assert.throws(() => new RedisSession({ cluster: { rootNodes: cluster.rootNodes }, redisUrl: 'redis://127.0.0.1:1' }), /not both/);
    assert.throws(
      () => new RedisSession({ redisUrl: 'redis+cluster://user:s3cret@127.0.0.1:7000,127.0.0.1/0' }),
      (error: unknown) => error instanceof RedisSessionConfigError && !error.message.includes('s3cret') && /host:port/.test(error.message),
    );
    assert.throws(() => new RedisSession({ redisUrl: 'redis+cluster://127.0.0.1:7000/1' }), /a cluster URL has no path/);
  });
});
