/**
 * The per-owner index of conversations on a real redis-server: RedisConversations
 * lists an owner's conversations newest first with a cursor that stays stable while
 * other conversations are written; deleted, expired and foreign conversations never
 * appear, and their entries are repaired; a clear removes the entry, unless a write
 * re-created the conversation after it; a key of another type at the index is refused
 * before anything is written. On a single server (this file) the write script keeps the
 * index itself, so a write whose index part cannot be written is refused whole; the
 * pipelined index of a cluster, and its repair, are tested in conversations.cluster.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import util from 'node:util';
import { after, describe, it } from 'node:test';
import {
  RedisConversations,
  RedisSession,
  RedisSessionCommandError,
  RedisSessionConfigError,
  RedisSessionConflictError,
  RedisSessionConnectionError,
  RedisSessionCursorError,
  RedisSessionInputError,
  type ConversationInfo,
  type RedisConversationsOptions,
} from 'agents-redis-session';
import { LuaScript } from '../src/scripts/luaScript.js';
import { functionCall, user } from './support/items.js';
import { rejectsWithin, settlesWithin, whileFrozen } from './support/faults.js';
import { useSessionFixture } from './support/sessionFixture.js';
import { waitUntil } from '../tools/waitUntil.js';

const fixture = useSessionFixture();
const opened: RedisConversations[] = [];

after(async () => {
  await Promise.all(opened.map((conversations) => conversations.close()));
});

/** A RedisConversations on the fixture's server; closed in `after`. */
function conversations(options: Omit<RedisConversationsOptions, 'redisUrl' | 'client'> = {}): RedisConversations {
  const made = new RedisConversations({ ...options, redisUrl: fixture.server.url });
  opened.push(made);
  return made;
}

const indexKey = (owner: string, prefix = 'conv:') => `${prefix}__owner__:{${owner}}`;

/** Every conversation id of an owner, page after page (checking that no page repeats an id). */
async function listAll(owner: string, limit: number, between?: (page: number) => Promise<void>): Promise<string[]> {
  const listing = conversations();
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const result = await listing.list({ owner, limit, ...(cursor === undefined ? {} : { cursor }) });
    assert.ok(result.conversations.length <= limit);
    ids.push(...result.conversations.map((info) => info.conversationId));
    if (result.cursor === null) return ids;
    cursor = result.cursor;
    await between?.(page);
  }
  throw new Error('the listing never ended');
}

const ids = (page: { conversations: ConversationInfo[] }) => page.conversations.map((info) => info.conversationId);
const score = async (owner: string, id: string) => {
  const reply = await fixture.redis.sendCommand(['ZSCORE', indexKey(owner), id]);
  return reply === null ? null : Number(reply);
};
/** Moves an entry's score 61 s into the past: what a listing sees of an entry a minute after its last write. */
const age = async (owner: string, id: string) => {
  const current = await score(owner, id);
  assert.ok(current !== null, `${id} is in the index`);
  await fixture.redis.sendCommand(['ZADD', indexKey(owner), 'XX', String(current - 61_000_000), id]);
};
const pause = () => new Promise((resolve) => setTimeout(resolve, 2));

describe('listing an owner’s conversations', () => {
  it('lists them most recently changed first, with their info; every kind of write moves one to the top', async () => {
    const owner = fixture.uniqueId('owner');
    const [a, b, c] = ['a', 'b', 'c'].map((label) => fixture.session({ conversationId: fixture.uniqueId(label), owner, title: `Chat ${label}` }));
    for (const session of [a!, b!, c!]) {
      await session.addItems([user('hello'), session === c ? functionCall('call-c') : user('again')]);
      await pause();
    }
    const listing = conversations();
    const first = await listing.list({ owner });
    assert.deepEqual(ids(first), [c!.conversationId, b!.conversationId, a!.conversationId]);
    assert.equal(first.cursor, null, 'one page holds them all');
    const info = first.conversations[2]!;
    assert.equal(info.owner, owner);
    assert.equal(info.title, 'Chat a');
    assert.equal(info.itemCount, 2);
    assert.ok(info.updatedAt !== null && info.createdAt !== null);
    assert.deepEqual(info, await a!.getInfo(), 'the same info as getInfo()');

    const moves: Array<[RedisSession, () => Promise<unknown>]> = [
      [a!, () => a!.addItems([user('more')])],
      [b!, () => b!.popItem()],
      [c!, () => c!.update({ title: 'Renamed' })],
      [a!, () => a!.replaceHistoryWithCompaction([user('compacted')])],
      [b!, () => b!.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [user('tx')] } })],
      [c!, () => c!.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'call-c', replacement: functionCall('call-c', '{"n":2}') }] })],
    ];
    for (const [session, write] of moves) {
      await pause();
      await write();
      assert.equal(ids(await listing.list({ owner, limit: 1 }))[0], session.conversationId, 'the written conversation comes first');
    }
    assert.equal((await listing.list({ owner })).conversations.find((entry) => entry.conversationId === c!.conversationId)?.title, 'Renamed');
  });

  it('a conversation titled before its first message is listed; reads do not move a conversation', async () => {
    const owner = fixture.uniqueId('owner');
    const older = fixture.session({ owner });
    await older.addItems([user('hi')]);
    await pause();
    const titled = fixture.session({ owner });
    await titled.update({ title: 'New chat' });
    const listing = conversations();
    assert.deepEqual(ids(await listing.list({ owner })), [titled.conversationId, older.conversationId]);
    await older.getItems();
    await older.getInfo();
    assert.deepEqual(ids(await listing.list({ owner })), [titled.conversationId, older.conversationId]);
  });

  it('pages with a stable cursor while other conversations are written: no conversation twice, none that stayed put skipped', async () => {
    const owner = fixture.uniqueId('owner');
    const sessions = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const session = fixture.session({ conversationId: `page-${String(i).padStart(2, '0')}-${fixture.uniqueId('p')}`, owner });
        await session.addItems([user(`message ${i}`)]);
        return session;
      }),
    );
    const moved = new Set<string>();
    const seenSoFar: string[] = [];
    const listing = conversations();
    const listed: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      // Writes race with the page's read: one conversation already listed, one not yet, and a new one.
      const notYet = sessions.find((session) => !seenSoFar.includes(session.conversationId) && !moved.has(session.conversationId));
      const already = sessions.find((session) => seenSoFar.includes(session.conversationId) && !moved.has(session.conversationId));
      const created = fixture.session({ owner });
      const writes = [notYet, already, created].filter((session): session is RedisSession => session !== undefined);
      for (const session of writes) moved.add(session.conversationId);
      const [result] = await Promise.all([
        listing.list({ owner, limit: 7, ...(cursor === undefined ? {} : { cursor }) }),
        ...writes.map((session) => session.addItems([user('concurrent')])),
      ]);
      listed.push(...ids(result));
      seenSoFar.push(...ids(result));
      if (result.cursor === null) break;
      cursor = result.cursor;
    }
    assert.equal(new Set(listed).size, listed.length, `no conversation twice: ${listed.join(' ')}`);
    for (const session of sessions) {
      if (!moved.has(session.conversationId)) assert.ok(listed.includes(session.conversationId), `${session.conversationId} was not skipped`);
    }
    // Once the writes stop, a fresh listing has every conversation exactly once.
    const all = await listAll(owner, 4);
    assert.equal(new Set(all).size, all.length);
    assert.equal(all.length, await conversations().count({ owner }));
    for (const session of sessions) assert.ok(all.includes(session.conversationId));
  });

  it('entries with equal scores page by id, also when the cursor’s entry moved or went between pages', async () => {
    const owner = fixture.uniqueId('owner');
    const names = ['t-a', 't-b', 't-c', 't-d', 't-e', 't-f'].map((label) => `${label}-${fixture.uniqueId('tie')}`);
    for (const conversationId of names) await fixture.session({ conversationId, owner }).addItems([user('x')]);
    for (const id of names) await fixture.redis.sendCommand(['ZADD', indexKey(owner), 'XX', '1000000000000000', id]);
    const byIdDescending = [...names].sort().reverse();
    assert.deepEqual(await listAll(owner, 2), byIdDescending, 'ties ordered by id, descending, with no repeat or gap');

    const listing = conversations();
    const first = await listing.list({ owner, limit: 2 });
    assert.deepEqual(ids(first), byIdDescending.slice(0, 2));
    // The cursor's entry goes, and another tied one moves up: the next page still starts right after the cursor.
    await fixture.redis.sendCommand(['ZREM', indexKey(owner), byIdDescending[1]!]);
    await fixture.session({ conversationId: byIdDescending[3]!, owner }).addItems([user('moved')]);
    const second = await listing.list({ owner, limit: 2, cursor: first.cursor! });
    assert.deepEqual(ids(second), [byIdDescending[2]!, byIdDescending[4]!]);
    const third = await listing.list({ owner, limit: 2, cursor: second.cursor! });
    assert.deepEqual(ids(third), [byIdDescending[5]!]);
    assert.equal(third.cursor, null);
  });

  it('count is the number of conversations listed; an unknown owner has none and an empty page', async () => {
    const owner = fixture.uniqueId('owner');
    const listing = conversations();
    for (let i = 0; i < 5; i += 1) await fixture.session({ owner }).addItems([user('x')]);
    assert.equal(await listing.count({ owner }), 5);
    assert.deepEqual(await listing.list({ owner: 'nobody-at-all' }), { conversations: [], cursor: null });
    assert.equal(await listing.count({ owner: 'nobody-at-all' }), 0);
    assert.equal(await fixture.redis.exists(indexKey('nobody-at-all')), 0, 'reading creates nothing');
  });
});

describe('what never appears, and how the index is repaired', () => {
  it('clearSession removes the conversation’s entry; a write after the clear lists it again', async () => {
    const owner = fixture.uniqueId('owner');
    const conversationId = fixture.uniqueId('cleared');
    const session = fixture.session({ conversationId, owner });
    const other = fixture.session({ owner });
    await session.addItems([user('x')]);
    await other.addItems([user('y')]);
    await session.clearSession();
    assert.equal(await score(owner, conversationId), null, 'the entry is gone');
    const listing = conversations();
    assert.deepEqual(ids(await listing.list({ owner })), [other.conversationId]);
    assert.equal(await listing.count({ owner }), 1);

    await fixture.session({ conversationId, owner }).addItems([user('again')]);
    assert.deepEqual(ids(await listing.list({ owner })), [conversationId, other.conversationId]);
  });

  it('the clear’s removal is fenced by its time: it never removes the entry of a write made after the clear', async () => {
    // lua/ownerIndex-1.lua run directly: the removal of a clear that arrives after a newer write (a delayed
    // network, or a cluster where the two travel to different nodes) leaves the newer entry alone.
    const lua = (file: string) => readFileSync(new URL(`../src/scripts/lua/${file}`, import.meta.url), 'utf8');
    const script = new LuaScript('ownerIndex', 1, lua('ownerIndex-1.lua'), lua('lib/guards.lua'), lua('lib/ownerIndexType.lua'));
    const owner = fixture.uniqueId('owner');
    const conversationId = fixture.uniqueId('fenced');
    await fixture.session({ conversationId, owner }).addItems([user('re-created after the clear')]);
    const written = (await score(owner, conversationId))!;
    const run = (...args: string[]) => script.run(fixture.redis as never, [indexKey(owner)], args);
    assert.equal(await run('remove', conversationId, String(written - 1)), 0, 'a clear before the write leaves it');
    assert.equal(await run('remove', conversationId, String(written)), 0, 'so does a clear in the same µs');
    assert.equal(await run('prune', conversationId, String(written - 5)), 0, 'a prune of a score that changed leaves it');
    assert.equal(await score(owner, conversationId), written);
    assert.equal(await run('remove', conversationId, String(written + 1)), 1, 'a clear after the write removes it');
    const [added, previous] = (await run('add', conversationId)) as [number, string | null];
    assert.equal(added > written, true, 'add scores with the server time, in µs');
    assert.equal(previous, null, 'and replies the score before: none, the clear removed it');
    assert.equal(await run('prune', conversationId, String(await score(owner, conversationId))), 1, 'a prune of the score read removes it');
  });

  it('a listing never prunes the entry of a write in flight: its index add arrived before its conversation script', async () => {
    // On a cluster the two parts of a write travel to two nodes in parallel, so a listing can see the new entry
    // before the conversation exists. It must skip it, not remove it: the conversation is about to exist.
    const owner = fixture.uniqueId('owner');
    const conversationId = fixture.uniqueId('in-flight');
    const [seconds, micros] = (await fixture.redis.sendCommand(['TIME'])) as [string, string];
    await fixture.redis.sendCommand(['ZADD', indexKey(owner), `${seconds}${micros.padStart(6, '0')}`, conversationId]);
    const listing = conversations();
    assert.deepEqual(await listing.list({ owner }), { conversations: [], cursor: null });
    assert.notEqual(await score(owner, conversationId), null, 'the entry is kept');
    await fixture.session({ conversationId, owner }).addItems([user('arrives')]);
    assert.deepEqual(ids(await listing.list({ owner })), [conversationId]);
  });

  it('a conversation deleted behind the session’s back never appears; its entry is pruned once it is a minute old', async () => {
    const owner = fixture.uniqueId('owner');
    const kept = fixture.session({ owner });
    const deleted = fixture.session({ owner });
    await kept.addItems([user('x')]);
    await deleted.addItems([user('y')]);
    await fixture.redis.del([...deleted.keys.all]);
    const listing = conversations();
    assert.deepEqual(ids(await listing.list({ owner })), [kept.conversationId]);
    assert.notEqual(await score(owner, deleted.conversationId), null, 'a recent entry is kept: its write may still be on its way');
    await age(owner, deleted.conversationId);
    assert.deepEqual(ids(await listing.list({ owner })), [kept.conversationId]);
    assert.equal(await score(owner, deleted.conversationId), null, 'pruned');
    assert.equal(await listing.count({ owner }), 1);
  });

  it('a conversation expired by its TTL never appears, and is pruned; count includes it until then', async () => {
    const owner = fixture.uniqueId('owner');
    const kept = fixture.session({ owner });
    const expiring = fixture.session({ owner, ttl: 1 });
    await kept.addItems([user('x')]);
    await expiring.addItems([user('y')]);
    await waitUntil(async () => (await fixture.redis.exists([...expiring.keys.all])) === 0, { timeoutMs: 30_000, description: 'the conversation to expire' });
    const listing = conversations();
    assert.deepEqual(ids(await listing.list({ owner })), [kept.conversationId]);
    assert.equal(await listing.count({ owner }), 2, 'counted until a listing prunes its entry');
    await age(owner, expiring.conversationId);
    assert.deepEqual(ids(await listing.list({ owner })), [kept.conversationId]);
    assert.equal(await listing.count({ owner }), 1);
  });

  it('another owner’s conversation never appears, even when an entry of this owner’s index points at it', async () => {
    const alice = fixture.uniqueId('alice');
    const bob = fixture.uniqueId('bob');
    const bobs = fixture.session({ owner: bob });
    await bobs.addItems([user('bob’s')]);
    // Alice's session writing Bob's conversation is refused, but its index add may run (it travels alongside).
    const intruder = fixture.session({ conversationId: bobs.conversationId, owner: alice });
    await assert.rejects(intruder.addItems([user('alice’s')]), RedisSessionConflictError);
    const own = fixture.session({ owner: alice });
    await own.addItems([user('alice’s own')]);
    await fixture.redis.sendCommand(['ZADD', indexKey(alice), '1', 'planted-by-hand']);
    const listing = conversations();
    assert.deepEqual(ids(await listing.list({ owner: alice })), [own.conversationId]);
    assert.deepEqual(ids(await listing.list({ owner: bob })), [bobs.conversationId]);
    if ((await score(alice, bobs.conversationId)) !== null) await age(alice, bobs.conversationId);
    assert.deepEqual(ids(await listing.list({ owner: alice })), [own.conversationId]);
    assert.equal(await score(alice, bobs.conversationId), null, 'the entry pointing at Bob’s conversation is pruned');
    assert.equal(await score(alice, 'planted-by-hand'), null, 'an old entry of a conversation that does not exist is pruned');
    assert.deepEqual(ids(await listing.list({ owner: bob })), [bobs.conversationId], 'Bob’s index is untouched');
  });

  it('an entry that cannot be a conversation id is pruned at once; a short page still has a cursor when more may follow', async () => {
    const owner = fixture.uniqueId('owner');
    const real = fixture.session({ owner });
    await real.addItems([user('x')]);
    const now = (await score(owner, real.conversationId))!;
    // 100 newer entries of another program: more than a page and its three extra reads can skip.
    const junk = Array.from({ length: 100 }, (_, i) => [String(now + 1000 + i), `junk{${i}}`]).flat();
    await fixture.redis.sendCommand(['ZADD', indexKey(owner), ...junk]);
    const listing = conversations();
    const first = await listing.list({ owner, limit: 10 });
    assert.deepEqual(first.conversations, [], 'the page is short');
    assert.ok(first.cursor !== null, 'and says more may follow');
    assert.equal(await listing.count({ owner }), 101 - 40, 'the entries it passed were pruned (4 reads of 10)');
    assert.deepEqual(await listAll(owner, 10), [real.conversationId]);
    assert.equal(await listing.count({ owner }), 1);
  });
});

describe('a key of another type at the index', () => {
  it('is refused before the first write of the owner, nothing changed; listing and count refuse it too', async () => {
    const owner = fixture.uniqueId('owner');
    await fixture.redis.set(indexKey(owner), 'not an index');
    const session = fixture.session({ owner });
    const error = await session.addItems([user('x')]).then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof RedisSessionCommandError, String(error));
    assert.match(error.message, new RegExp(`WRONGTYPE ${indexKey(owner).replace(/[{}]/g, '\\$&')} holds a string`));
    assert.match(error.message, /Nothing was changed/);
    assert.equal(await fixture.redis.exists([...session.keys.all]), 0, 'the conversation was not written');
    assert.equal(await fixture.redis.get(indexKey(owner)), 'not an index', 'the key is untouched');
    const listing = conversations();
    await assert.rejects(listing.list({ owner }), (caught: unknown) => caught instanceof RedisSessionCommandError && /WRONGTYPE/.test(caught.message));
    await assert.rejects(listing.count({ owner }), RedisSessionCommandError);
    assert.equal(await fixture.redis.get(indexKey(owner)), 'not an index');
  });
});

describe('on a single server the write script keeps the index itself', () => {
  it('a user who may not write the owner index: the write is refused, naming the index key, and nothing is written', async () => {
    // A realistic fault: an ACL change leaves the application user read-only access to the owner indexes.
    const user_ = `indexer-${Date.now()}`;
    await fixture.redis.sendCommand(['ACL', 'SETUSER', user_, 'on', '>pw', '~*', '&*', '+@all']);
    const url = new URL(fixture.server.url);
    url.username = user_;
    url.password = 'pw';
    const owner = fixture.uniqueId('owner');
    const session = new RedisSession({ conversationId: fixture.uniqueId('indexed'), owner, redisUrl: url.toString() });
    try {
      await session.addItems([user('first')]);
      await fixture.redis.sendCommand(['ACL', 'SETUSER', user_, 'resetkeys', '~conv:[^_]*', '~{conv:*}:meta', '%R~conv:__owner__:*']);
      const before = await score(owner, session.conversationId);
      const error = await session.addItems([user('second')]).then(() => undefined, (caught: unknown) => caught);
      assert.ok(error instanceof RedisSessionCommandError, String(error));
      assert.match(error.message, /NOPERM/);
      assert.ok(error.message.includes(indexKey(owner)), error.message);
      assert.doesNotMatch(error.message, /pw/, 'no secret in the error');
      assert.equal(await fixture.redis.lLen(session.keys.items), 1, 'nothing was written');
      assert.equal(await score(owner, session.conversationId), before, 'the index is unchanged');
      await fixture.redis.sendCommand(['ACL', 'SETUSER', user_, 'resetkeys', '~*']);
      await session.addItems([user('second')]);
      assert.equal((await session.getItems()).length, 2);
    } finally {
      await session.close();
      await fixture.redis.sendCommand(['ACL', 'DELUSER', user_]);
    }
  });

  it('a key of another type written at the index after the first write refuses the next write; after the repair it is listed again', async () => {
    const owner = fixture.uniqueId('owner');
    const session = fixture.session({ owner });
    await session.addItems([user('first')]);
    await fixture.redis.del(indexKey(owner));
    await fixture.redis.set(indexKey(owner), 'another program');
    await assert.rejects(session.addItems([user('second')]), (error: unknown) => error instanceof RedisSessionCommandError && /WRONGTYPE/.test(error.message));
    assert.equal((await session.getItems()).length, 1, 'nothing was written');
    assert.equal(await fixture.redis.get(indexKey(owner)), 'another program', 'the key is untouched');
    await fixture.redis.del(indexKey(owner));
    await session.addItems([user('second')]);
    assert.deepEqual(ids(await conversations().list({ owner })), [session.conversationId]);
  });

  it('a clear removes the entry in the same script; clearing a conversation that is gone removes a stale entry', async () => {
    const owner = fixture.uniqueId('owner');
    const session = fixture.session({ owner });
    await session.addItems([user('first')]);
    assert.notEqual(await score(owner, session.conversationId), null);
    await session.clearSession();
    assert.equal(await score(owner, session.conversationId), null);
    await fixture.redis.zAdd(indexKey(owner), { score: 1, value: session.conversationId });
    await session.clearSession();
    assert.equal(await score(owner, session.conversationId), null, 'the stale entry went');
  });

  it('a write the server refused takes its index add back: the entry keeps its place, or is not created', async () => {
    const owner = fixture.uniqueId('refused');
    const listed = fixture.session({ owner, maxItems: 1, overflow: 'reject' });
    await listed.addItems([user('only')]);
    const before = await score(owner, listed.conversationId);
    await pause();
    await assert.rejects(listed.addItems([user('one too many')]), /HISTORYFULL|maxItems/);
    assert.equal(await score(owner, listed.conversationId), before, 'a refused write does not move it to the top');
    // Another owner's conversation: the session's own index gets no entry (no key at all).
    const other = fixture.uniqueId('other-owner');
    await fixture.session({ conversationId: listed.conversationId, owner: other })
      .addItems([user('not mine')])
      .then(() => assert.fail('another owner wrote it'), (error: unknown) => assert.ok(error instanceof RedisSessionConflictError));
    assert.equal(await fixture.redis.exists(indexKey(other)), 0);
  });

  it('a session without an owner touches no index', async () => {
    const session = fixture.session();
    await session.addItems([user('x')]);
    await session.clearSession();
    const indexes: string[] = [];
    for await (const keys of fixture.redis.scanIterator({ MATCH: '*__owner__*' })) indexes.push(...(Array.isArray(keys) ? keys : [keys]));
    assert.ok(indexes.every((key) => !key.includes(session.conversationId)));
  });
});

describe('a frozen server (SIGSTOP)', () => {
  it('list, count and an owner session’s write each settle within the command timeout; close() returns', async () => {
    const BOUND_MS = 15_000;
    const TIMEOUTS = { commandTimeoutMs: 1000, connectTimeoutMs: 1000 } as const;
    const owner = fixture.uniqueId('owner');
    const session = fixture.session({ owner, ...TIMEOUTS });
    await session.addItems([user('before')]);
    const listing = new RedisConversations({ redisUrl: fixture.server.url, ...TIMEOUTS });
    await listing.count({ owner });
    await whileFrozen(fixture.server, async () => {
      for (const [what, work] of [
        ['addItems', session.addItems([user('lost?')])],
        ['list', listing.list({ owner })],
        ['count', listing.count({ owner })],
      ] as const) {
        const error = await rejectsWithin(work, BOUND_MS, what);
        assert.ok(error instanceof RedisSessionConnectionError, `${what}: ${String(error)}`);
      }
      assert.equal((await settlesWithin(listing.close(), BOUND_MS, 'close()')).ok, true);
    });
    assert.deepEqual(ids(await conversations().list({ owner })), [session.conversationId]);
  });
});

describe('bad input', () => {
  it('an invalid owner is a RedisSessionConfigError; options of the wrong shape a RedisSessionInputError', async () => {
    const listing = conversations();
    for (const owner of ['', 'a{b}', 'line\nbreak', 42, undefined]) {
      await assert.rejects(listing.list({ owner } as never), RedisSessionConfigError, `owner ${JSON.stringify(owner)}`);
      await assert.rejects(listing.count({ owner } as never), RedisSessionConfigError);
    }
    for (const options of [null, 'ada', [], { owner: 'ada', limt: 5 }]) {
      await assert.rejects(listing.list(options as never), RedisSessionInputError, `options ${JSON.stringify(options)}`);
    }
    await assert.rejects(listing.count({ owner: 'ada', limit: 1 } as never), RedisSessionInputError);
  });

  it('a limit that is not an integer from 1 to 1000 is a RedisSessionInputError', async () => {
    const listing = conversations();
    for (const limit of [0, -1, 1001, 1.5, '5', Number.NaN, null]) {
      await assert.rejects(listing.list({ owner: 'ada', limit } as never), RedisSessionInputError, `limit ${String(limit)}`);
    }
    assert.deepEqual(await listing.list({ owner: 'ada', limit: 1000 }), { conversations: [], cursor: null });
  });

  it('a cursor it did not make is a RedisSessionCursorError', async () => {
    const listing = conversations();
    const made = (json: string) => `c1.${Buffer.from(json).toString('base64url')}`;
    for (const cursor of ['', 'garbage', 'c1.!!!', made('{}'), made('[1, "a"]'), made('["12x", "a"]'), made('["12", ""]'), 42, null, 'c1.' + 'A'.repeat(9000)]) {
      await assert.rejects(listing.list({ owner: 'ada', cursor } as never), RedisSessionCursorError, `cursor ${String(cursor).slice(0, 20)}`);
    }
    assert.deepEqual(await listing.list({ owner: 'ada', cursor: made('["12", "a"]') }), { conversations: [], cursor: null });
  });

  it('options are checked when it is made; calls after close() fail; close() twice is fine', async () => {
    assert.throws(() => new RedisConversations({ url: 'redis://x' } as never), /did you mean "redisUrl"/);
    assert.throws(() => new RedisConversations({ redisUrl: fixture.server.url, owner: 'ada' } as never), /an option of RedisSession/);
    assert.throws(() => new RedisConversations({ keyPrefix: 'a{b' }), RedisSessionConfigError);
    const listing = new RedisConversations({ redisUrl: fixture.server.url });
    await listing.count({ owner: 'ada' });
    await listing.close();
    await listing.close();
    await assert.rejects(listing.list({ owner: 'ada' }), /after close\(\)/);
  });

  it('shows no password', async () => {
    const listing = new RedisConversations({ redisUrl: 'redis://user:s3cret@127.0.0.1:1/0' });
    assert.doesNotMatch(util.inspect(listing), /s3cret/);
    assert.doesNotMatch(JSON.stringify(listing), /s3cret/);
    await listing.close();
  });

  it('another key prefix has its own indexes', async () => {
    const owner = fixture.uniqueId('owner');
    const session = fixture.session({ owner, keyPrefix: 'tenant:' });
    await session.addItems([user('x')]);
    assert.deepEqual(ids(await conversations({ keyPrefix: 'tenant:' }).list({ owner })), [session.conversationId]);
    assert.deepEqual(ids(await conversations().list({ owner })), []);
  });
});
