/**
 * Behaviour tests of RedisSession's key layout: the items list at exactly
 * `prefix + id`, the metadata hash in the same Redis Cluster slot, and a
 * session on a real 3-master cluster. Servers come from the harness (never the shared 6379).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { closeSharedConnections, DEFAULT_KEY_PREFIX, RedisSession, type RedisSessionOptions } from 'agents-redis-session';
import {
  startRedisCluster,
  startRedisServer,
  stopAllRedisServers,
  type RedisClusterHandle,
  type RedisServerHandle,
} from './harness/index.js';
import { exerciseSession } from './support/exerciseSession.js';
import { functionCall, userMessage } from './support/items.js';

const PREFIXES = ['conv:', '', ':', 'tenant_a:conv:', 'tenant_b:conv:', 'app:v2:', 'ünïcødé:', '会話:', 'with space '];
const IDS = [
  'user-123',
  'a:b:c',
  ':leading-colon',
  'ünïcødé-😀',
  '会話-42',
  'x'.repeat(1024),
  ...Array.from({ length: 20 }, () => randomUUID()),
];

/** A connected raw client; the caller destroys it. */
async function rawClient(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

after(async () => {
  await closeSharedConnections();
  await stopAllRedisServers();
});

describe('RedisSession keys on a standalone server', () => {
  let server: RedisServerHandle;
  let raw: RedisClientType;

  before(async () => {
    server = await startRedisServer({ logName: 'session-keys' });
    raw = await rawClient(server.url);
  });

  after(async () => {
    raw.destroy();
    await server.stop();
  });

  it('items live at exactly conv:<id>, so LLEN, LRANGE and TTL work as docs/semantics.md shows', async () => {
    assert.equal(DEFAULT_KEY_PREFIX, 'conv:');
    const session = new RedisSession({ conversationId: 'user-123', redisUrl: server.url, ttl: 3600 });
    assert.deepEqual(session.keys, { items: 'conv:user-123', meta: '{conv:user-123}:meta', all: ['conv:user-123', '{conv:user-123}:meta'] });
    const items = [userMessage('hello'), functionCall('call-1', '{"city":"Paris"}'), userMessage('bye')];
    await session.addItems(items);

    assert.equal(await raw.type('conv:user-123'), 'list');
    assert.equal(await raw.lLen('conv:user-123'), 3);
    assert.deepEqual((await raw.lRange('conv:user-123', 0, -1)).map((entry) => JSON.parse(entry)), items);
    const ttl = await raw.ttl('conv:user-123');
    assert.ok(ttl > 0 && ttl <= 3600, `TTL ${ttl}`);
    await session.close();
  });

  it('metadata lives at {prefix+id}:meta, and nothing else is written', async () => {
    const session = new RedisSession({ conversationId: 'user-7', keyPrefix: 'tenant_a:conv:', redisUrl: server.url });
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [userMessage('hi')] } });
    assert.equal(await raw.type('{tenant_a:conv:user-7}:meta'), 'hash');
    // The applied operation id, the conversation's change-event version, createdAt and updatedAt.
    assert.deepEqual(Object.keys(await raw.hGetAll('{tenant_a:conv:user-7}:meta')).sort(), ['c', 'op:op-1', 'u', 'v']);
    assert.equal(await raw.lLen('tenant_a:conv:user-7'), 1);
    assert.deepEqual((await raw.keys('*tenant_a:conv:user-7*')).sort(), ['tenant_a:conv:user-7', '{tenant_a:conv:user-7}:meta']);
    await session.close();
  });

  it('clearSession deletes exactly the conversation’s keys, not keys that share a prefix', async () => {
    await raw.rPush('conv:user-1234', 'other conversation');
    await raw.set('conv:user-12', 'shorter id');
    await raw.set('conv:user-123:extra', 'unrelated');
    const session = new RedisSession({ conversationId: 'user-123', redisUrl: server.url });
    await session.applyHistoryTransaction({ operationId: 'op-clear', transaction: { type: 'append_items', items: [userMessage('x')] } });
    await session.clearSession();
    assert.equal(await raw.exists(['conv:user-123', '{conv:user-123}:meta']), 0);
    assert.equal(await raw.exists(['conv:user-1234', 'conv:user-12', 'conv:user-123:extra']), 3);
    await session.close();
  });
});

/** `[first, last]` slot ranges of each master, by port, from `CLUSTER NODES`. */
async function masterSlotRanges(cluster: RedisClusterHandle): Promise<Map<number, [number, number][]>> {
  const ranges = new Map<number, [number, number][]>();
  for (const node of await cluster.clusterNodes()) {
    if (!node.flags.includes('master') || node.slots.length === 0) continue;
    ranges.set(
      node.port,
      node.slots.map((range) => {
        const [first, last = first] = range.split('-').map(Number);
        return [first!, last!];
      }),
    );
  }
  return ranges;
}

describe('RedisSession keys on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let probe: RedisClientType;
  let client: RedisClusterType;

  before(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    probe = await rawClient(cluster.rootNodes[0]!.url);
    client = createCluster({ rootNodes: cluster.rootNodes });
    client.on('error', () => {});
    await client.connect();
  }, { timeout: 240_000 });

  after(async () => {
    client?.destroy();
    probe?.destroy();
    await cluster?.stop();
  });

  const keySlot = async (key: string): Promise<number> => Number(await probe.sendCommand(['CLUSTER', 'KEYSLOT', key]));

  it('every key of a conversation hashes to one slot, for many ids and prefixes', async () => {
    const slotsSeen = new Set<number>();
    for (const keyPrefix of PREFIXES) {
      await Promise.all(
        IDS.map(async (conversationId) => {
          const { keys } = new RedisSession({ conversationId, keyPrefix, client });
          assert.equal(keys.items, keyPrefix + conversationId);
          const [itemsSlot, metaSlot] = await Promise.all(keys.all.map(keySlot));
          assert.equal(metaSlot, itemsSlot, `${keys.meta} is not in the slot of ${keys.items}`);
          slotsSeen.add(itemsSlot!);
        }),
      );
    }
    assert.ok(slotsSeen.size > 100, `only ${slotsSeen.size} distinct slots: the ids do not spread`);
  });

  it('a session on a cluster client works for conversations on every master, without CROSSSLOT errors', async () => {
    const ranges = await masterSlotRanges(cluster);
    assert.equal(ranges.size, 3);
    const masterOf = (slot: number): number =>
      [...ranges].find(([, owned]) => owned.some(([first, last]) => slot >= first && slot <= last))![0];

    // One conversation per master and prefix style.
    const chosen = new Map<string, { conversationId: string; keyPrefix: string; port: number }>();
    for (const keyPrefix of ['conv:', 'tenant_a:conv:']) {
      for (let i = 0; chosen.size < (keyPrefix === 'conv:' ? 3 : 6) && i < 1000; i++) {
        const conversationId = `cluster-${i}`;
        const port = masterOf(await keySlot(keyPrefix + conversationId));
        chosen.set(`${keyPrefix}|${port}`, { conversationId, keyPrefix, port });
      }
    }
    assert.equal(chosen.size, 6, 'found conversations on all three masters for both prefixes');

    for (const { conversationId, keyPrefix, port } of chosen.values()) {
      for (const ttl of [null, 600]) {
        const options: RedisSessionOptions = { conversationId, keyPrefix, client, ttl };
        await exerciseSession(new RedisSession(options), `redis://127.0.0.1:${port}`);
      }
    }
  });
});

