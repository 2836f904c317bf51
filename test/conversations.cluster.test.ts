/**
 * The per-owner index on a real Redis Cluster (3 masters, 3 replicas): one owner's
 * conversations live on all three masters while the owner's index lives in the slot
 * of its hash tag; each write sends the conversation's script and the index `add` to
 * their own nodes in the same round trip, with no cross-slot script. Listing, paging,
 * count, clear (fenced removal), expiry repair, and a failed index part repaired by the
 * session's next operation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCluster } from 'redis';
import { closeSharedConnections, RedisConversations, RedisSession, type ConversationInfo, type RedisSessionOptions } from 'agents-redis-session';
import { masterPortOf, startRedisCluster, waitUntil, type RedisClusterHandle } from './harness/index.js';
import { user } from './support/items.js';

let cluster: RedisClusterHandle;
let raw: ReturnType<typeof createCluster>;
let listing: RedisConversations;
const sessions: RedisSession[] = [];

before(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
  // A copy: createCluster adds its own fields to the root nodes it is given.
  raw = createCluster({ rootNodes: cluster.rootNodes.map((node) => ({ ...node })) });
  raw.on('error', () => {});
  await raw.connect();
  listing = new RedisConversations({ cluster: { rootNodes: cluster.rootNodes } });
}, { timeout: 240_000 });

after(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await listing?.close();
  await raw?.close().catch(() => {});
  await closeSharedConnections();
  await cluster?.stop();
});

function session(options: Omit<RedisSessionOptions, 'cluster'>): RedisSession {
  const made = new RedisSession({ ...options, cluster: { rootNodes: cluster.rootNodes } });
  sessions.push(made);
  return made;
}

const indexKey = (owner: string) => `conv:__owner__:{${owner}}`;
const ids = (page: { conversations: ConversationInfo[] }) => page.conversations.map((info) => info.conversationId);
const pause = () => new Promise((resolve) => setTimeout(resolve, 2));
const score = async (owner: string, id: string) => raw.zScore(indexKey(owner), id);

/** `perMaster` conversation ids (label-i) on each of the three masters, none on the master of the owner's index. */
async function idsOnEveryMaster(label: string, perMaster: number): Promise<{ ids: string[]; ports: Set<number> }> {
  const byPort = new Map<number, string[]>();
  for (let i = 0; i < 1000 && [...byPort.values()].filter((list) => list.length >= perMaster).length < 3; i += 1) {
    const id = `${label}-${i}`;
    const port = await masterPortOf(cluster, `conv:${id}`);
    const list = byPort.get(port) ?? [];
    if (list.length < perMaster) list.push(id);
    byPort.set(port, list);
  }
  assert.equal(byPort.size, 3, 'ids on all three masters');
  return { ids: [...byPort.values()].flat(), ports: new Set(byPort.keys()) };
}

describe('one owner’s conversations on all three masters', () => {
  it('are listed newest first, paged with a cursor, and counted', async () => {
    const owner = 'ada-cluster';
    const { ids: conversationIds, ports } = await idsOnEveryMaster('spread', 2);
    assert.equal(ports.size, 3);
    const indexPort = await masterPortOf(cluster, indexKey(owner));
    const remote = await Promise.all(conversationIds.map(async (id) => (await masterPortOf(cluster, `conv:${id}`)) !== indexPort));
    assert.ok(remote.filter(Boolean).length >= 4, 'most conversations live on another master than the index');

    for (const conversationId of conversationIds) {
      await session({ conversationId, owner, title: `Chat ${conversationId}` }).addItems([user('hello')]);
      await pause();
    }
    const newestFirst = [...conversationIds].reverse();
    const page = await listing.list({ owner });
    assert.deepEqual(ids(page), newestFirst);
    assert.equal(page.cursor, null);
    assert.ok(page.conversations.every((info) => info.owner === owner && info.itemCount === 1 && info.title === `Chat ${info.conversationId}`));
    assert.equal(await listing.count({ owner }), conversationIds.length);

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const result = await listing.list({ owner, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      paged.push(...ids(result));
      cursor = result.cursor ?? undefined;
    } while (cursor !== undefined);
    assert.deepEqual(paged, newestFirst, 'pages of 2 give the same order, no repeat, no gap');

    // A write on any master moves its conversation to the top.
    const oldest = conversationIds[0]!;
    await session({ conversationId: oldest, owner }).addItems([user('again')]);
    assert.equal(ids(await listing.list({ owner, limit: 1 }))[0], oldest);
  });

  it('clear removes the entry from the index on another node; a write after the clear lists it again', async () => {
    const owner = 'bob-cluster';
    const { ids: conversationIds } = await idsOnEveryMaster('clear', 1);
    for (const conversationId of conversationIds) await session({ conversationId, owner }).addItems([user('x')]);
    for (const conversationId of conversationIds) {
      await session({ conversationId, owner }).clearSession();
      assert.equal(await score(owner, conversationId), null, `${conversationId}: entry removed`);
    }
    assert.deepEqual(await listing.list({ owner }), { conversations: [], cursor: null });
    const [recreated] = conversationIds;
    await session({ conversationId: recreated!, owner }).addItems([user('new')]);
    assert.deepEqual(ids(await listing.list({ owner })), [recreated]);
  });

  it('conversations that expired on any master never appear, and their entries are pruned', async () => {
    const owner = 'cy-cluster';
    const { ids: conversationIds } = await idsOnEveryMaster('expiring', 1);
    const kept = session({ conversationId: 'kept-conversation', owner });
    await kept.addItems([user('stays')]);
    const expiring = conversationIds.map((conversationId) => session({ conversationId, owner, ttl: 1 }));
    for (const item of expiring) await item.addItems([user('goes')]);
    await waitUntil(async () => (await Promise.all(expiring.map((item) => raw.exists(item.keys.items)))).every((n) => n === 0), {
      timeoutMs: 30_000,
      description: 'the conversations to expire',
    });
    assert.deepEqual(ids(await listing.list({ owner })), [kept.conversationId], 'expired conversations are skipped');
    assert.equal(await listing.count({ owner }), 4, 'their entries are kept while recent');
    // What a listing a minute later sees: their entries are old.
    for (const item of expiring) {
      await raw.zAdd(indexKey(owner), { score: Number(await score(owner, item.conversationId)) - 61_000_000, value: item.conversationId });
    }
    assert.deepEqual(ids(await listing.list({ owner })), [kept.conversationId]);
    assert.equal(await listing.count({ owner }), 1, 'pruned');
  });

  it('when the index part of a write fails, the write succeeds, warns once, and the session’s next operation repairs the index', async () => {
    const owner = 'dee-cluster';
    const conversationId = (await idsOnEveryMaster('repair', 1)).ids[0]!;
    const warnings: string[] = [];
    const logger = { namespace: 't', debug: () => {}, warn: (message: string) => void warnings.push(message), error: () => {}, dontLogModelData: true, dontLogToolData: true };
    const writer = session({ conversationId, owner, logger });
    await writer.addItems([user('first')]);
    await raw.del(indexKey(owner));
    await raw.set(indexKey(owner), 'another program');
    await writer.addItems([user('second')]);
    assert.equal((await writer.getItems()).length, 2, 'the write was applied once');
    assert.equal(warnings.length, 1, `one warning: ${warnings.join(' | ')}`);
    assert.match(warnings[0]!, /was written, but its owner index .* was not updated .*WRONGTYPE/);
    await writer.getItems();
    assert.equal(warnings.length, 1, 'a failing retry does not warn again');
    await raw.del(indexKey(owner));
    await writer.getUsage();
    assert.deepEqual(ids(await listing.list({ owner })), [conversationId]);
  });

  it('a write the server refused takes its index add back on the index’s node', async () => {
    const owner = 'eve-cluster';
    const conversationId = (await idsOnEveryMaster('undo', 1)).ids[1]!;
    const writer = session({ conversationId, owner, maxItems: 1, overflow: 'reject' });
    await writer.addItems([user('only')]);
    const before = await score(owner, conversationId);
    await pause();
    await assert.rejects(writer.addItems([user('one too many')]), /HISTORYFULL|maxItems/);
    assert.equal(await score(owner, conversationId), before, 'a refused write does not move it');
  });
});
