/**
 * History pages (`getPage`, "load more") against a real Redis: pages from the newest items to the oldest,
 * cursors that survive appends and maxItems trimming, and refuse (RedisSessionCursorError) whatever rewrote
 * the history since they were taken.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AgentInputItem } from '@openai/agents';
import { RedisSessionCursorError, RedisSessionInputError, type HistoryPage, type RedisSession } from 'agents-redis-session';
import { functionCall, functionResult, user } from './support/items.js';
import { useSessionFixture } from './support/sessionFixture.js';
import { assertTtlSince } from './support/ttl.js';

const fixture = useSessionFixture();

const texts = (items: AgentInputItem[]) => items.map((item) => (item as { content: string }).content);
const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => user(`m${from + i}`));
const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

/** Every page from the newest, following cursors until null. */
async function allPages(session: RedisSession, limit: number): Promise<HistoryPage[]> {
  const pages: HistoryPage[] = [];
  let before: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await session.getPage(before === undefined ? { limit } : { limit, before });
    pages.push(page);
    if (page.cursor === null) return pages;
    before = page.cursor;
  }
  throw new Error('paging did not end');
}

const cursorError = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof RedisSessionCursorError, String(error));
  assert.equal(error.code, 'ERR_REDIS_SESSION_CURSOR');
  assert.match(error.message, pattern);
  assert.match(error.message, /first page again/);
  return true;
};

/** The cursor's fields, as pageCursor.ts encodes them. */
const cursorFields = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8').split('|');
const cursorOf = (fields: string[]) => Buffer.from(fields.join('|'), 'utf8').toString('base64url');

describe('getPage', () => {
  it('pages through 45 items in pages of 20: newest first, no gaps, no duplicates, oldest first within a page', async () => {
    const session = fixture.session();
    await session.addItems(numbered(0, 45));
    const pages = await allPages(session, 20);
    assert.deepEqual(pages.map((page) => page.items.length), [20, 20, 5]);
    assert.deepEqual(texts(pages[0]!.items), names(25, 45));
    assert.deepEqual(texts(pages[1]!.items), names(5, 25));
    assert.deepEqual(texts(pages[2]!.items), names(0, 5));
    assert.equal(pages[2]!.cursor, null);
    assert.deepEqual(pages.reverse().flatMap((page) => texts(page.items)), names(0, 45), 'chronological order overall');
  });

  it('defaults to 20 items; an empty conversation and an exact fit end with a null cursor', async () => {
    const empty = fixture.session();
    assert.deepEqual(await empty.getPage(), { items: [], cursor: null });
    const twenty = fixture.session();
    await twenty.addItems(numbered(0, 20));
    const page = await twenty.getPage();
    assert.equal(page.items.length, 20);
    assert.equal(page.cursor, null, 'the first page already reaches the oldest item');
    const more = fixture.session();
    await more.addItems(numbered(0, 21));
    const first = await more.getPage();
    assert.deepEqual(texts(first.items), names(1, 21));
    assert.deepEqual(texts((await more.getPage({ before: first.cursor! })).items), ['m0']);
    assert.match(first.cursor!, /^[A-Za-z0-9_-]+$/, 'base64url');
  });

  it('appends between pages keep the cursor valid and do not shift the pages', async () => {
    const session = fixture.session();
    await session.addItems(numbered(0, 45));
    const first = await session.getPage({ limit: 20 });
    await session.addItems(numbered(45, 50));
    await session.applyHistoryTransaction({ operationId: 'append-1', transaction: { type: 'append_items', items: [user('m50')] } });
    const second = await session.getPage({ limit: 20, before: first.cursor! });
    assert.deepEqual(texts(second.items), names(5, 25));
    await session.addItems(numbered(51, 60));
    const third = await session.getPage({ limit: 20, before: second.cursor! });
    assert.deepEqual(texts(third.items), names(0, 5));
    assert.equal(third.cursor, null);
    assert.deepEqual(texts((await session.getPage({ limit: 5 })).items), names(55, 60), 'the first page sees the new items');
  });

  const rewrites: Array<[string, (session: RedisSession) => Promise<unknown>]> = [
    ['popItem', (session) => session.popItem()],
    ['a compaction', (session) => session.replaceHistoryWithCompaction(numbered(0, 30))],
    [
      'a replace_suffix transaction',
      (session) =>
        session.applyHistoryTransaction({
          operationId: 'rs-1',
          transaction: { type: 'replace_suffix', expectedSuffix: [user('m29')], replacement: [user('m29bis')] },
        }),
    ],
    [
      'a mutation',
      (session) => session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'c1', replacement: functionCall('c1', '{"x":2}') }] }),
    ],
    ['a clear', (session) => session.clearSession()],
    ['a clear and new items', async (session) => { await session.clearSession(); await session.addItems(numbered(0, 40)); }],
  ];
  for (const [what, rewrite] of rewrites) {
    it(`${what} invalidates cursors taken before it (RedisSessionCursorError), and the first page works again`, async () => {
      const session = fixture.session();
      await session.addItems([...numbered(0, 10), functionCall('c1'), functionResult('c1'), ...numbered(12, 30)]);
      const first = await session.getPage({ limit: 10 });
      await rewrite(session);
      await assert.rejects(session.getPage({ limit: 10, before: first.cursor! }), cursorError(/rewritten/));
      await session.getPage({ limit: 10 });
    });
  }

  it('a conversation cleared and written again within the same millisecond (same createdAt) is caught by the anchor item', async () => {
    const session = fixture.session();
    await session.addItems(numbered(0, 30));
    const first = await session.getPage({ limit: 10 });
    const createdAt = await fixture.redis.hGet(session.keys.meta, 'c');
    await session.clearSession();
    await session.addItems(Array.from({ length: 30 }, (_, i) => user(`other${i}`)));
    await fixture.redis.hSet(session.keys.meta, 'c', createdAt!);
    await assert.rejects(session.getPage({ limit: 10, before: first.cursor! }), cursorError(/rewritten/));
  });

  it('maxItems trimming while paging: a page holds what remains, never other items', async () => {
    const session = fixture.session({ maxItems: 30 });
    await session.addItems(numbered(0, 30));
    const first = await session.getPage({ limit: 10 });
    assert.deepEqual(texts(first.items), names(20, 30));
    await session.addItems(numbered(30, 45)); // trims m0..m14
    const second = await session.getPage({ limit: 10, before: first.cursor! });
    assert.deepEqual(texts(second.items), names(15, 20), 'only the items not trimmed');
    assert.equal(second.cursor, null);

    // The page's own first item trimmed away: nothing older is left.
    const newest = await session.getPage({ limit: 5 });
    assert.deepEqual(texts(newest.items), names(40, 45));
    await session.addItems(numbered(45, 80));
    assert.deepEqual(await session.getPage({ limit: 5, before: newest.cursor! }), { items: [], cursor: null });
  });

  it("a cursor of another conversation, or of the same id under another key prefix, is refused", async () => {
    const a = fixture.session();
    const b = fixture.session();
    const id = fixture.uniqueId('prefixed');
    const c = fixture.session({ conversationId: id, keyPrefix: 'other:' });
    const d = fixture.session({ conversationId: id });
    for (const session of [a, b, c, d]) await session.addItems(numbered(0, 30));
    const fromA = (await a.getPage({ limit: 10 })).cursor!;
    await assert.rejects(b.getPage({ before: fromA }), cursorError(/another conversation/));
    const fromC = (await c.getPage({ limit: 10 })).cursor!;
    await assert.rejects(d.getPage({ before: fromC }), cursorError(/another conversation/));
  });

  it('malformed or altered cursors are refused with RedisSessionCursorError', async () => {
    const session = fixture.session();
    await session.addItems(numbered(0, 30));
    const cursor = (await session.getPage({ limit: 10 })).cursor!;
    const fields = cursorFields(cursor);
    assert.equal(fields.length, 6);
    for (const bad of ['', 'garbage', '!!!', cursor.slice(0, -3), 'a'.repeat(500), cursorOf([...fields.slice(0, 4), '-1', fields[5]!])]) {
      await assert.rejects(session.getPage({ before: bad }), cursorError(/not a history page cursor/), JSON.stringify(bad));
    }
    // Well-formed, but pointing past the history or at another item.
    await assert.rejects(session.getPage({ before: cursorOf([...fields.slice(0, 4), '999', fields[5]!]) }), cursorError(/past the history/));
    await assert.rejects(session.getPage({ before: cursorOf([...fields.slice(0, 4), '7', fields[5]!]) }), cursorError(/rewritten/));
    await assert.rejects(session.getPage({ before: cursorOf([...fields.slice(0, 3), '5', ...fields.slice(4)]) }), cursorError(/rewritten/));
  });

  it('invalid options are refused with RedisSessionInputError before anything is sent', async () => {
    const session = fixture.session();
    for (const options of [null, [], 'x', { limit: 0 }, { limit: 1001 }, { limit: 1.5 }, { limit: '10' }, { limit: Number.NaN }, { before: null }, { before: 5 }, { after: 'x' }]) {
      await assert.rejects(session.getPage(options as never), RedisSessionInputError, JSON.stringify(options));
    }
    assert.equal((await session.getPage({ limit: 1000 })).items.length, 0);
  });

  it('pages an encrypted conversation (entries decoded with its codec)', async () => {
    const session = fixture.session({ encryption: { keys: { k1: randomBytes(32) }, currentKeyId: 'k1' } });
    await session.addItems(numbered(0, 25));
    const raw = await fixture.redis.lRange(session.keys.items, 0, -1);
    assert.ok(!raw.some((entry) => entry.includes('content')), 'stored encrypted');
    const pages = await allPages(session, 10);
    assert.deepEqual(pages.reverse().flatMap((page) => texts(page.items)), names(0, 25));
  });

  it('skips entries that are not valid items, with a warning, without shifting the pages', async () => {
    const warnings: string[] = [];
    const logger = { namespace: 'test', debug: () => {}, warn: (message: string) => warnings.push(message), error: () => {}, dontLogModelData: true, dontLogToolData: true };
    const session = fixture.session({ logger: logger as never });
    await session.addItems(numbered(0, 5));
    await fixture.redis.rPush(session.keys.items, 'not json');
    await session.addItems(numbered(5, 10));
    const first = await session.getPage({ limit: 5 });
    assert.deepEqual(texts(first.items), names(5, 10));
    const second = await session.getPage({ limit: 5, before: first.cursor! });
    assert.deepEqual(texts(second.items), names(1, 5));
    assert.match(warnings.join('\n'), /skipped 1 stored entry/);
    const third = await session.getPage({ limit: 5, before: second.cursor! });
    assert.deepEqual(texts(third.items), ['m0']);
  });

  it('with a TTL, a page read slides the expiry of both keys, as getItems does; without one, none is set', async () => {
    const session = fixture.session({ ttl: 600 });
    await session.addItems(numbered(0, 30));
    await fixture.redis.expire(session.keys.items, 100);
    await fixture.redis.expire(session.keys.meta, 100);
    const since = Date.now();
    const first = await session.getPage({ limit: 10 });
    assertTtlSince(await fixture.redis.ttl(session.keys.items), 600, since, 'items after the first page');
    assertTtlSince(await fixture.redis.ttl(session.keys.meta), 600, since, 'metadata after the first page');
    await fixture.redis.expire(session.keys.items, 100);
    const later = Date.now();
    await session.getPage({ limit: 10, before: first.cursor! });
    assertTtlSince(await fixture.redis.ttl(session.keys.items), 600, later, 'items after the next page');

    const forever = fixture.session();
    await forever.addItems(numbered(0, 3));
    await forever.getPage();
    assert.equal(await fixture.redis.ttl(forever.keys.items), -1);
  });
});

