/**
 * `fork()` against real servers: copies of a history (all, or up to an item) into a new conversation with the
 * title, metadata, owner and lineage, from one snapshot, all or nothing; and on a 3+3 Redis Cluster with the
 * source and the copy on different masters.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClient, type RedisClientType } from 'redis';
import type { AgentInputItem } from '@openai/agents';
import {
  RedisSession,
  RedisSessionCommandError,
  RedisSessionConflictError,
  RedisSessionInputError,
  RedisSessionLimitError,
  type ChangeEvent,
} from 'agents-redis-session';
import { startRedisCluster, waitUntil, type RedisClusterHandle } from './harness/index.js';
import { user } from './support/items.js';
import { useSessionFixture } from './support/sessionFixture.js';

const fixture = useSessionFixture();

const texts = (items: AgentInputItem[]) => items.map((item) => (item as { content: string }).content);
const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => user(`m${from + i}`));
const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

/** Sessions fork() returned, closed at the end. */
const copies: RedisSession[] = [];
const kept = (copy: RedisSession) => {
  copies.push(copy);
  return copy;
};
after(async () => {
  await Promise.all(copies.map((copy) => copy.close()));
});

/** Both keys of a conversation, as DUMP (null when absent). */
async function snapshot(session: { keys: { items: string; meta: string } }) {
  return [await fixture.redis.dump(session.keys.items), await fixture.redis.dump(session.keys.meta)];
}

describe('fork', () => {
  it('copies the whole history, title and metadata into a new conversation of the same owner; the source is unchanged', async () => {
    const source = fixture.session({ owner: 'ada', title: 'Trip', metadata: { topic: 'travel' }, ttl: 600 });
    await source.addItems(numbered(0, 12));
    await source.update({ metadata: { more: 1 } });
    const before = await snapshot(source);
    const sourceInfo = (await source.getInfo())!;
    const copy = kept(await source.fork());
    assert.notEqual(copy.conversationId, source.conversationId);
    assert.match(copy.conversationId, /^[0-9a-f-]{36}$/, 'a random UUID');
    assert.deepEqual(texts(await copy.getItems()), names(0, 12));
    const info = (await copy.getInfo())!;
    assert.deepEqual(info.parent, { conversationId: source.conversationId, upTo: 12 });
    assert.equal(info.owner, 'ada');
    assert.equal(info.title, 'Trip');
    assert.deepEqual(info.metadata, { topic: 'travel', more: 1 });
    assert.equal(info.itemCount, 12);
    assert.ok(info.createdAt !== null && info.createdAt >= sourceInfo.createdAt!, 'a new createdAt');
    assert.ok(info.ttl !== null && info.ttl > 500 && info.ttl <= 600, 'the TTL of the session');
    assert.deepEqual(await snapshot(source), before, 'the source is unchanged');
    assert.equal((await source.getInfo())!.parent, null);
    // The copy is an open session with the same options: it writes as its owner.
    await copy.addItems([user('only in the copy')]);
    assert.equal((await source.getItems()).length, 12);
    assert.equal(copy.owner, 'ada');
    assert.equal(copy.ttl, 600);
  });

  it('upTo copies the oldest items before that index: upTo 3, upTo 0 (none) and upTo = length', async () => {
    const source = fixture.session();
    await source.addItems(numbered(0, 8));
    const three = kept(await source.fork({ upTo: 3, conversationId: fixture.uniqueId('three') }));
    assert.deepEqual(texts(await three.getItems()), names(0, 3));
    assert.deepEqual((await three.getInfo())!.parent, { conversationId: source.conversationId, upTo: 3 });
    const none = kept(await source.fork({ upTo: 0 }));
    assert.deepEqual(await none.getItems(), []);
    const noneInfo = (await none.getInfo())!;
    assert.equal(noneInfo.itemCount, 0);
    assert.deepEqual(noneInfo.parent, { conversationId: source.conversationId, upTo: 0 });
    const all = kept(await source.fork({ upTo: 8 }));
    assert.deepEqual(texts(await all.getItems()), names(0, 8));
    // A fork of a fork records its own parent.
    const grandchild = kept(await three.fork({ upTo: 2 }));
    assert.deepEqual((await grandchild.getInfo())!.parent, { conversationId: three.conversationId, upTo: 2 });
    assert.deepEqual(texts(await grandchild.getItems()), names(0, 2));
  });

  it('upTo past the end of the history, and invalid options, are refused with RedisSessionInputError; nothing is written', async () => {
    const source = fixture.session();
    await source.addItems(numbered(0, 5));
    const copyId = fixture.uniqueId('refused');
    const target = fixture.session({ conversationId: copyId });
    await assert.rejects(source.fork({ conversationId: copyId, upTo: 6 }), (error: unknown) => {
      assert.ok(error instanceof RedisSessionInputError, String(error));
      assert.match(error.message, /outside the history, which holds 5 items/);
      return true;
    });
    for (const options of [null, 5, [], { upTo: -1 }, { upTo: 1.5 }, { upTo: '3' }, { upTo: Number.NaN }, { conversationId: 'a{b}' }, { conversationId: '' }, { conversationId: source.conversationId }, { id: 'x' }]) {
      await assert.rejects(source.fork(options as never), RedisSessionInputError, JSON.stringify(options));
    }
    assert.deepEqual(await snapshot(target), [null, null], 'nothing written for the copy');
  });

  it('a copy that already exists (items, or only its info) is refused with RedisSessionConflictError; nothing is written', async () => {
    const source = fixture.session({ changeEvents: true });
    await source.addItems(numbered(0, 3));
    const existing = fixture.session();
    await existing.addItems([user('mine')]);
    const titled = fixture.session();
    await titled.update({ title: 'just a title' });
    for (const other of [existing, titled]) {
      const before = await snapshot(other);
      await assert.rejects(source.fork({ conversationId: other.conversationId }), (error: unknown) => {
        assert.ok(error instanceof RedisSessionConflictError, String(error));
        assert.match(error.message, /already exists/);
        return true;
      });
      assert.deepEqual(await snapshot(other), before);
    }
  });

  it("a source of another owner than the session's is refused; a session with an owner forks a conversation without one as its own", async () => {
    const id = fixture.uniqueId('owned');
    await fixture.session({ conversationId: id, owner: 'ada' }).addItems(numbered(0, 2));
    const copyId = fixture.uniqueId('stolen');
    for (const other of [fixture.session({ conversationId: id }), fixture.session({ conversationId: id, owner: 'eve' })]) {
      await assert.rejects(other.fork({ conversationId: copyId }), RedisSessionConflictError);
    }
    assert.equal(await fixture.redis.exists(fixture.session({ conversationId: copyId }).keys.meta), 0);
    const unowned = fixture.session();
    await unowned.addItems(numbered(0, 2));
    const claimed = await fixture.session({ conversationId: unowned.conversationId, owner: 'bob' }).fork();
    kept(claimed);
    assert.equal((await claimed.getInfo())!.owner, 'bob');
  });

  it('an encrypted conversation is copied re-encrypted for the copy (entries are bound to their conversation)', async () => {
    const encryption = { keys: { k1: randomBytes(32) }, currentKeyId: 'k1' };
    const source = fixture.session({ encryption });
    await source.addItems(numbered(0, 4));
    const copy = kept(await source.fork({ upTo: 3 }));
    assert.deepEqual(texts(await copy.getItems()), names(0, 3));
    const raw = await fixture.redis.lRange(copy.keys.items, 0, -1);
    assert.ok(!raw.some((entry) => entry.includes('content')), 'stored encrypted');
    const sourceRaw = await fixture.redis.lRange(source.keys.items, 0, 2);
    assert.ok(raw.every((entry, i) => entry !== sourceRaw[i]), 'not the source entries');
    const reopened = fixture.session({ conversationId: copy.conversationId, encryption });
    assert.deepEqual(texts(await reopened.getItems()), names(0, 3));
  });

  it('maxItems applies as to a write: overflow reject refuses (nothing written), trim keeps the newest', async () => {
    const id = fixture.uniqueId('long');
    await fixture.session({ conversationId: id }).addItems(numbered(0, 10));
    const copyId = fixture.uniqueId('limited');
    const rejecting = fixture.session({ conversationId: id, maxItems: 4, overflow: 'reject' });
    await assert.rejects(rejecting.fork({ conversationId: copyId }), RedisSessionLimitError);
    assert.deepEqual(await snapshot(fixture.session({ conversationId: copyId })), [null, null]);
    const fits = kept(await rejecting.fork({ upTo: 4 }));
    assert.deepEqual(texts(await fits.getItems()), names(0, 4));
    const trimming = kept(await fixture.session({ conversationId: id, maxItems: 4 }).fork());
    assert.deepEqual(texts(await trimming.getItems()), names(6, 10));
    assert.deepEqual((await trimming.getInfo())!.parent, { conversationId: id, upTo: 10 });
    const page = await trimming.getPage({ limit: 2 });
    assert.deepEqual(texts((await trimming.getPage({ limit: 2, before: page.cursor! })).items), names(6, 8));
  });

  it('copies one consistent snapshot while another writer appends: a prefix of the history, its length as upTo', async () => {
    const source = fixture.session();
    await source.addItems(numbered(0, 50));
    const writer = fixture.session({ conversationId: source.conversationId });
    const appending = (async () => {
      for (let i = 50; i < 150; i += 5) await writer.addItems(numbered(i, i + 5));
    })();
    const forks = [];
    for (let i = 0; i < 5; i++) forks.push(kept(await source.fork()));
    await appending;
    for (const copy of forks) {
      const copied = texts(await copy.getItems());
      assert.deepEqual(copied, names(0, copied.length), 'the oldest items, in order, none missing');
      assert.ok(copied.length >= 50 && copied.length % 5 === 0, 'whole appends only');
      assert.deepEqual((await copy.getInfo())!.parent, { conversationId: source.conversationId, upTo: copied.length });
    }
  });

  it("publishes an 'add' change event for the copy when events are on", async () => {
    const source = fixture.session({ changeEvents: true });
    await source.addItems(numbered(0, 3));
    const copyId = fixture.uniqueId('watched');
    const events: ChangeEvent[] = [];
    const stop = await fixture.session({ conversationId: copyId }).subscribe((event) => events.push(event));
    kept(await source.fork({ conversationId: copyId }));
    await waitUntil(() => events.length === 1, { timeoutMs: 10_000, description: 'the add event of the copy' });
    assert.equal(events[0]!.type, 'add');
    assert.equal(events[0]!.count, 3);
    assert.equal(events[0]!.conversationId, copyId);
    assert.equal(events[0]!.version, 1);
    await stop();
  });
});

describe('fork writes all or nothing', () => {
  const PASSWORD = 'fork-acl-password';
  // Every command createFork-2.lua runs from its first write on, with a TTL, events and maxItems trimming.
  const COMMANDS = ['RPUSH', 'LTRIM', 'HINCRBY', 'HSET', 'TIME', 'SPUBLISH', 'PUBLISH', 'EXPIRE'];

  for (const command of COMMANDS) {
    it(`an ACL user without ${command} is refused (NOPERM naming it) before anything of the copy is written`, async () => {
      const aclUser = `fork_lacks_${command.toLowerCase()}`;
      await fixture.redis.sendCommand(['ACL', 'SETUSER', aclUser, 'on', `>${PASSWORD}`, '~*', '&*', '+@all', `-${command.toLowerCase()}`]);
      const options = { ttl: 600, changeEvents: true, maxItems: 2 };
      const source = fixture.session(options);
      await source.addItems(numbered(0, 2));
      await fixture.redis.rPush(source.keys.items, JSON.stringify(user('m2'))); // 3 items: the copy trims one
      const copyId = fixture.uniqueId('acl');
      const limited = new RedisSession({
        ...options,
        conversationId: source.conversationId,
        redisUrl: `redis://${aclUser}:${PASSWORD}@127.0.0.1:${fixture.server.port}`,
      });
      try {
        await assert.rejects(limited.fork({ conversationId: copyId }), (error: unknown) => {
          assert.ok(error instanceof RedisSessionCommandError, String(error));
          assert.match(error.message, new RegExp(`NOPERM.*${command}`));
          return true;
        });
      } finally {
        await limited.close();
      }
      assert.deepEqual(await snapshot(fixture.session({ conversationId: copyId })), [null, null], 'nothing written');
    });
  }
});

describe('fork: foreign data', () => {
  it("a key of another type at the copy's names is refused (WRONGTYPE naming it) and left as it is", async () => {
    const source = fixture.session();
    await source.addItems(numbered(0, 2));
    for (const which of ['items', 'meta'] as const) {
      const copyId = fixture.uniqueId(`foreign-${which}`);
      const keys = fixture.session({ conversationId: copyId }).keys;
      await fixture.redis.set(keys[which], 'another program');
      await assert.rejects(source.fork({ conversationId: copyId }), (error: unknown) => {
        assert.ok(error instanceof RedisSessionCommandError, String(error));
        assert.match(error.message, new RegExp(`WRONGTYPE ${keys[which].replace(/[{}]/g, '\\$&')}`));
        return true;
      });
      assert.equal(await fixture.redis.get(keys[which]), 'another program');
      assert.equal(await fixture.redis.exists(which === 'items' ? keys.meta : keys.items), 0);
    }
  });

  it('entries of the source that are not valid items are skipped with a warning', async () => {
    const warnings: string[] = [];
    const logger = { namespace: 'test', debug: () => {}, warn: (message: string) => warnings.push(message), error: () => {}, dontLogModelData: true, dontLogToolData: true };
    const source = fixture.session({ logger: logger as never });
    await source.addItems(numbered(0, 2));
    await fixture.redis.rPush(source.keys.items, 'not json');
    await source.addItems(numbered(2, 3));
    const copy = kept(await source.fork());
    assert.deepEqual(texts(await copy.getItems()), names(0, 3));
    assert.deepEqual((await copy.getInfo())!.parent, { conversationId: source.conversationId, upTo: 4 });
    assert.match(warnings.join('\n'), /fork skipped 1 stored entry of/);
  });
});

describe('fork on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let probe: RedisClientType;
  /** The master port serving each slot range. */
  let masters: Array<{ port: number; ranges: [number, number][] }>;

  before(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    probe = createClient({ url: `redis://127.0.0.1:${cluster.nodes[0]!.port}` });
    probe.on('error', () => {});
    await probe.connect();
    masters = (await cluster.clusterNodes())
      .filter((node) => node.flags.includes('master') && node.slots.length > 0)
      .map((node) => ({
        port: node.port,
        ranges: node.slots.map((range) => {
          const [first, last = first] = range.split('-').map(Number);
          return [first!, last!] as [number, number];
        }),
      }));
  }, { timeout: 240_000 });

  after(async () => {
    probe?.destroy();
    await cluster?.stop();
  });

  const masterOf = async (key: string): Promise<number> => {
    const slot = Number(await probe.sendCommand(['CLUSTER', 'KEYSLOT', key]));
    return masters.find(({ ranges }) => ranges.some(([first, last]) => slot >= first && slot <= last))!.port;
  };

  it('copies between conversations on different masters (two round trips, each on its own slot)', async () => {
    const sourceId = 'fork-source';
    const sourceMaster = await masterOf(`conv:${sourceId}`);
    let copyId = '';
    for (let i = 0; i < 100 && copyId === ''; i++) {
      if ((await masterOf(`conv:fork-copy-${i}`)) !== sourceMaster) copyId = `fork-copy-${i}`;
    }
    assert.ok(copyId !== '', 'found a copy id on another master');
    const options = { cluster: { rootNodes: cluster.rootNodes }, owner: 'ada', title: 'Shards', ttl: 600, changeEvents: true };
    const source = new RedisSession({ ...options, conversationId: sourceId });
    try {
      await source.addItems(numbered(0, 6));
      const copy = await source.fork({ conversationId: copyId, upTo: 4 });
      try {
        assert.deepEqual(texts(await copy.getItems()), names(0, 4));
        const info = (await copy.getInfo())!;
        assert.deepEqual(info.parent, { conversationId: sourceId, upTo: 4 });
        assert.equal(info.owner, 'ada');
        assert.equal(info.title, 'Shards');
        assert.equal((await source.getItems()).length, 6);
        const page = await copy.getPage({ limit: 3 });
        assert.deepEqual(texts(page.items), names(1, 4));
        assert.deepEqual(texts((await copy.getPage({ limit: 3, before: page.cursor! })).items), ['m0']);
        // The copy's keys live on their own master.
        const node = createClient({ url: `redis://127.0.0.1:${await masterOf(`conv:${copyId}`)}` });
        await node.connect();
        assert.equal(await node.lLen(`conv:${copyId}`), 4);
        node.destroy();
        await assert.rejects(source.fork({ conversationId: copyId }), RedisSessionConflictError);
      } finally {
        await copy.close();
      }
    } finally {
      await source.close();
    }
  });
});
