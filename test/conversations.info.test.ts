import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunContext, Usage } from '@openai/agents';
import { RedisSessionConfigError, RedisSessionConflictError, RedisSessionInputError, type ChangeEvent } from 'agents-redis-session';
import { user } from './support/items.js';
import { useSessionFixture } from './support/sessionFixture.js';
import { waitUntil } from '../tools/waitUntil.js';

// Owner, title, metadata and timestamps of a conversation (getInfo, update), kept by the writing scripts.

const fixture = useSessionFixture();

describe('conversation info', () => {
  it('a new conversation records createdAt, updatedAt (server time), owner, title and metadata with its first write', async () => {
    const session = fixture.session({ owner: 'ada', title: 'Trip to Rome', metadata: { topic: 'travel', n: 1 } });
    assert.equal(await session.getInfo(), null, 'no conversation yet');
    const [seconds] = await fixture.redis.time().then((time) => [Number((time as unknown as [string])[0] ?? time)]);
    await session.addItems([user('hi')]);
    const info = await session.getInfo();
    assert.ok(info);
    assert.equal(info.conversationId, session.conversationId);
    assert.equal(info.owner, 'ada');
    assert.equal(info.title, 'Trip to Rome');
    assert.deepEqual(info.metadata, { topic: 'travel', n: 1 });
    assert.equal(info.itemCount, 1);
    assert.equal(info.ttl, null);
    assert.equal(info.parent, null);
    assert.ok(info.createdAt !== null && info.updatedAt === info.createdAt);
    assert.ok(Math.abs(info.createdAt - seconds! * 1000) < 60_000, 'server time in ms');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await session.addItems([user('again')]);
    const later = (await session.getInfo())!;
    assert.equal(later.createdAt, info.createdAt, 'createdAt is set once');
    assert.ok(later.updatedAt! > info.updatedAt!, 'updatedAt moves with every change');
    assert.equal(later.itemCount, 2);
  });

  it('every kind of change stamps updatedAt; reads do not', async () => {
    const session = fixture.session({ ttl: 600 });
    await session.addItems([user('a'), user('b')]);
    let last = (await session.getInfo())!.updatedAt!;
    const changed = async (what: string) => {
      const now = (await session.getInfo())!.updatedAt!;
      assert.ok(now > last, `${what} stamps updatedAt`);
      last = now;
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, 3));
    await pause();
    await session.getItems();
    assert.equal((await session.getInfo())!.updatedAt, last, 'a read does not');
    await session.popItem();
    await changed('popItem');
    await pause();
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [user('c')] } });
    await changed('a transaction');
    await pause();
    await session.replaceHistoryWithCompaction([user('compacted')]);
    await changed('a compaction');
    const info = (await session.getInfo())!;
    assert.ok(info.ttl !== null && info.ttl > 500 && info.ttl <= 600);
  });

  it('a conversation written before info was kept (items only) still works and reports what it can', async () => {
    const session = fixture.session();
    await fixture.redis.rPush(session.keys.items, JSON.stringify(user('old')));
    const info = (await session.getInfo())!;
    assert.equal(info.itemCount, 1);
    assert.equal(info.createdAt, null);
    assert.equal(info.updatedAt, null);
    assert.equal(info.owner, null);
    await session.addItems([user('new')]);
    const after = (await session.getInfo())!;
    assert.equal(after.createdAt, null, 'its creation time is unknown, not the time of the upgrade');
    assert.ok(after.updatedAt !== null);
    assert.deepEqual((await session.getItems()).length, 2);
  });

  it('update sets and removes the title, merges metadata keys (null removes one), and emits an info event', async () => {
    const session = fixture.session({ owner: 'bob', metadata: { a: 1, b: 2 }, changeEvents: true });
    const events: ChangeEvent[] = [];
    const stop = await session.subscribe((event) => events.push(event));
    await session.addItems([user('hi')]);
    await session.update({ title: 'Plans', metadata: { b: null, c: [1, { d: 'x' }] } });
    let info = (await session.getInfo())!;
    assert.equal(info.title, 'Plans');
    assert.deepEqual(info.metadata, { a: 1, c: [1, { d: 'x' }] });
    await session.update({ title: null });
    info = (await session.getInfo())!;
    assert.equal(info.title, null);
    assert.deepEqual(info.metadata, { a: 1, c: [1, { d: 'x' }] }, 'metadata untouched by a title change');
    await session.update({ metadata: null });
    assert.deepEqual((await session.getInfo())!.metadata, {});
    await waitUntil(() => events.filter((event) => event.type === 'info').length === 3, { timeoutMs: 10_000, description: 'three info events' });
    const versions = events.map((event) => event.version);
    assert.deepEqual(versions, [1, 2, 3, 4], 'info events are numbered with the other changes');
    await stop();
  });

  it('update creates a conversation (no items) so that a new chat can be titled first; its first write keeps the title', async () => {
    const session = fixture.session({ owner: 'cy', title: 'from option', metadata: { start: true } });
    await session.update({ metadata: { more: 1 } });
    let info = (await session.getInfo())!;
    assert.equal(info.itemCount, 0);
    assert.equal(info.title, 'from option');
    assert.deepEqual(info.metadata, { start: true, more: 1 }, 'the option is the base of the first merge');
    assert.ok(info.createdAt !== null);
    await session.update({ title: 'New chat' });
    await session.addItems([user('first message')]);
    info = (await session.getInfo())!;
    assert.equal(info.title, 'New chat');
    assert.equal(info.itemCount, 1);
  });

  it('metadata numbers, unicode and a key named __proto__ survive a merge exactly', async () => {
    const session = fixture.session();
    const metadata = JSON.parse('{"big":12345678901234567,"f":0.1,"e":"é😀","__proto__":{"x":1}}') as Record<string, unknown>;
    await session.update({ metadata });
    await session.update({ metadata: { other: true } });
    const stored = await fixture.redis.hGet(session.keys.meta, 'm');
    assert.equal(stored, '{"big":12345678901234568,"f":0.1,"e":"é😀","__proto__":{"x":1},"other":true}');
    assert.equal(Object.getPrototypeOf((await session.getInfo())!.metadata), Object.prototype);
  });

  it('concurrent updates of different metadata keys all land (the merge retries on a conflict)', async () => {
    const id = fixture.uniqueId('merge');
    const sessions = Array.from({ length: 4 }, () => fixture.session({ conversationId: id }));
    await Promise.all(sessions.map((session, i) => session.update({ metadata: { [`k${i}`]: i } })));
    assert.deepEqual((await sessions[0]!.getInfo())!.metadata, { k0: 0, k1: 1, k2: 2, k3: 3 });
  });
});

describe('info counters another program wrote', () => {
  it('a counter HINCRBY cannot increment refuses a write that increments it, naming the field and the repair; clear still works', async () => {
    const session = fixture.session();
    await session.addItems([user('a'), user('b')]);
    await fixture.redis.hSet(session.keys.meta, 'g', 'abc');
    const before = await fixture.redis.dump(session.keys.items);
    await assert.rejects(session.popItem(), /the field g of .* is not an integer .*HDEL/);
    assert.deepEqual(await fixture.redis.dump(session.keys.items), before, 'nothing popped');
    await session.addItems([user('c')]);
    assert.equal((await session.getItems()).length, 3, 'a write that does not touch g is not refused for it');
    await fixture.redis.hSet(session.keys.meta, 'ur', '1'.padEnd(19, '0'));
    await fixture.redis.hDel(session.keys.meta, 'g');
    // A run's usage is recorded with its items: the write increments ur.
    // As the runner does: the history is read with the run's context, then a model request adds usage.
    const context = new RunContext();
    await session.getItems(undefined, context);
    context.usage.add(new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 }));
    const stored = await fixture.redis.dump(session.keys.items);
    await assert.rejects(session.addItems([user('d')], context), /the field ur of .* is too large to increment/);
    assert.deepEqual(await fixture.redis.dump(session.keys.items), stored, 'nothing written');
    await session.clearSession();
    assert.equal(await session.getInfo(), null);
  });
});

describe('owners', () => {
  it("another owner's session (or one without owner) may read but not write; nothing is written", async () => {
    const id = fixture.uniqueId('owned');
    const ada = fixture.session({ conversationId: id, owner: 'ada', changeEvents: true });
    await ada.addItems([user('mine')]);
    const before = await fixture.redis.dump(ada.keys.meta);
    for (const other of [fixture.session({ conversationId: id, owner: 'eve' }), fixture.session({ conversationId: id })]) {
      assert.equal((await other.getItems()).length, 1, 'reads are not checked');
      for (const write of [
        () => other.addItems([user('theirs')]),
        () => other.popItem(),
        () => other.clearSession(),
        () => other.update({ title: 'x' }),
        () => other.replaceHistoryWithCompaction([user('x')]),
      ]) {
        await assert.rejects(write(), (error: unknown) => {
          assert.ok(error instanceof RedisSessionConflictError, String(error));
          assert.match(error.message, /belongs to (another owner|an owner)/);
          assert.doesNotMatch(error.message, /ada/, 'the owner is not named');
          return true;
        });
      }
    }
    assert.deepEqual(await fixture.redis.dump(ada.keys.meta), before);
    assert.equal((await ada.getItems()).length, 1);
  });

  it('a session with an owner claims a conversation that has none', async () => {
    const id = fixture.uniqueId('claim');
    await fixture.session({ conversationId: id }).addItems([user('before')]);
    const owned = fixture.session({ conversationId: id, owner: 'ada' });
    await owned.addItems([user('after')]);
    assert.equal((await owned.getInfo())!.owner, 'ada');
  });

  it('invalid owner, title and metadata options are refused before anything is sent', () => {
    for (const options of [
      { owner: '' },
      { owner: 'a{b}' },
      { owner: 'line\nbreak' },
      { owner: 'x'.repeat(257) },
      { owner: 42 },
      { title: '' },
      { title: 'two\nlines' },
      { title: 'x'.repeat(1001) },
      { metadata: [] },
      { metadata: 'json' },
      { metadata: { when: new Date() } },
      { metadata: { big: 'x'.repeat(9000) } },
      { metadata: { bytes: new Uint8Array(1) } },
    ]) {
      assert.throws(() => fixture.session(options as never), RedisSessionConfigError, JSON.stringify(options));
    }
  });

  it('invalid updates are refused and write nothing', async () => {
    const session = fixture.session();
    await session.addItems([user('x')]);
    const before = await fixture.redis.dump(session.keys.meta);
    for (const changes of [null, [], {}, { name: 'x' }, { title: '' }, { title: 5 }, { metadata: [1] }, { metadata: { d: new Map() } }, { metadata: { big: 'x'.repeat(9000) } }]) {
      await assert.rejects(session.update(changes as never), RedisSessionInputError, JSON.stringify(changes));
    }
    assert.deepEqual(await fixture.redis.dump(session.keys.meta), before);
  });
});
