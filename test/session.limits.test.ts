/**
 * The maxItemBytes, maxItems and overflow options against a real Redis: a
 * limit is a typed error with nothing written, or a documented trim, and the
 * conversation is never corrupted, also with concurrent writers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentInputItem } from '@openai/agents';
import { RedisSession, RedisSessionConfigError, RedisSessionLimitError, type ChangeEvent } from 'agents-redis-session';
import { waitUntil } from './harness/index.js';
import { useSessionFixture } from './support/sessionFixture.js';
import { userMessage } from './support/items.js';

const fixture = useSessionFixture();
const texts = (items: AgentInputItem[]) => items.map((item) => (item as { content: string }).content);
const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => userMessage(String(from + i)));

async function assertUntouched(session: RedisSession, expectedLength: number) {
  assert.equal(await fixture.redis.lLen(session.keys.items), expectedLength);
}

describe('maxItemBytes', () => {
  it('refuses an item larger than the limit, in UTF-8 bytes, and writes nothing', async () => {
    const session = fixture.session({ maxItemBytes: 100, changeEvents: false });
    await session.addItems([userMessage('kept')]);
    const fits = userMessage('x'.repeat(100 - JSON.stringify(userMessage('')).length));
    await session.addItems([fits]); // exactly 100 bytes
    // 40 two-byte characters: 80 UTF-16 units but more than 100 bytes with the JSON around them.
    const wide = userMessage('é'.repeat(40));
    for (const attempt of [
      () => session.addItems([userMessage('fine'), wide]),
      () => session.replaceHistoryWithCompaction([wide]),
      () => session.applyHistoryTransaction({ operationId: 'too-big', transaction: { type: 'append_items', items: [wide] } }),
    ]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof RedisSessionLimitError);
        assert.equal(error.code, 'ERR_REDIS_SESSION_LIMIT');
        assert.match(error.message, /is 1\d\d bytes as JSON; the session's maxItemBytes is 100.*Nothing was written/);
        return true;
      });
    }
    assert.deepEqual(texts(await session.getItems()), ['kept', (fits as { content: string }).content]);
    assert.equal(await fixture.redis.hExists(session.keys.meta, 'op:too-big'), 0, 'no operation id was recorded');
  });

  it('rejects a nonsensical limit before connecting', () => {
    for (const maxItemBytes of [0, -1, 1.5, '100', 600 * 1024 * 1024]) {
      assert.throws(() => new RedisSession({ maxItemBytes: maxItemBytes as number }), RedisSessionConfigError);
    }
  });
});

describe('maxItems with overflow "trim" (the default)', () => {
  it('keeps the newest maxItems items, in the same atomic step, and says so in the event', async () => {
    const session = fixture.session({ maxItems: 10 });
    const events: ChangeEvent[] = [];
    const stop = await session.subscribe((event) => void events.push(event));
    await session.addItems(numbered(1, 8));
    await session.addItems(numbered(9, 13));
    assert.deepEqual(texts(await session.getItems()), texts(numbered(4, 13)));
    await session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: numbered(14, 15) } });
    await session.replaceHistoryWithCompaction(numbered(100, 112));
    assert.deepEqual(texts(await session.getItems()), texts(numbered(103, 112)));
    await waitUntil(() => events.length === 4, { timeoutMs: 30_000, description: 'four change events' });
    assert.deepEqual(
      events.map((event) => [event.type, event.count, event.trimmed]),
      [['add', 8, undefined], ['add', 5, 3], ['transaction', 2, 2], ['compaction', 13, 3]],
    );
    await stop();
  });

  it('never lets getItems() start with a tool result whose call was trimmed away', async () => {
    const session = fixture.session({ maxItems: 3, changeEvents: false });
    await session.addItems([
      userMessage('question'),
      { type: 'function_call', callId: 'c1', name: 'lookup', arguments: '{}' },
      { type: 'function_call_result', callId: 'c1', name: 'lookup', status: 'completed', output: { type: 'text', text: 'ok' } },
      userMessage('next'),
      userMessage('last'),
    ]);
    assert.equal(await fixture.redis.lLen(session.keys.items), 3);
    assert.deepEqual(texts(await session.getItems()), ['next', 'last']);
    assert.equal((await session.getItems(3)).length, 3, 'an explicit limit returns exactly what is stored');
  });

  it('stays within the limit with many concurrent writers, losing none of the newest items', async () => {
    const id = fixture.uniqueId('trim-concurrent');
    const writers = Array.from({ length: 8 }, () => fixture.session({ conversationId: id, maxItems: 50, changeEvents: false }));
    await Promise.all(writers.map((writer, w) => Promise.all(Array.from({ length: 25 }, (_, i) => writer.addItems([userMessage(`${w}-${i}`)])))));
    const stored = texts(await writers[0]!.getItems());
    assert.equal(stored.length, 50);
    assert.equal(new Set(stored).size, 50, 'no duplicates');
  });
});

describe('maxItems with overflow "reject"', () => {
  it('refuses a write that would exceed the limit, writing nothing and recording no operation id', async () => {
    const session = fixture.session({ maxItems: 5, overflow: 'reject' });
    await session.addItems(numbered(1, 4));
    const refused = [
      () => session.addItems(numbered(5, 6)),
      () => session.applyHistoryTransaction({ operationId: 'grow', transaction: { type: 'append_items', items: numbered(5, 6) } }),
      () => session.replaceHistoryWithCompaction(numbered(1, 6)),
    ];
    for (const attempt of refused) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof RedisSessionLimitError, String(error));
        assert.match(error.message, /would hold 6 items; maxItems is 5 \(overflow: 'reject'\).*Nothing was written/);
        return true;
      });
    }
    await assertUntouched(session, 4);
    assert.equal(await fixture.redis.hExists(session.keys.meta, 'op:grow'), 0);
    // A suffix replacement that keeps the length within the limit is fine.
    await session.applyHistoryTransaction({
      operationId: 'swap',
      transaction: { type: 'replace_suffix', expectedSuffix: numbered(3, 4), replacement: numbered(30, 32) },
    });
    assert.deepEqual(texts(await session.getItems()), ['1', '2', '30', '31', '32']);
    await session.popItem();
    await session.addItems([userMessage('fits')]);
    assert.equal(await fixture.redis.lLen(session.keys.items), 5);
  });

  it('accepts exactly maxItems items from concurrent writers and refuses the rest', async () => {
    const id = fixture.uniqueId('reject-concurrent');
    const writers = Array.from({ length: 6 }, () => fixture.session({ conversationId: id, maxItems: 40, overflow: 'reject', changeEvents: false }));
    const outcomes = await Promise.allSettled(
      writers.flatMap((writer, w) => Array.from({ length: 10 }, (_, i) => writer.addItems([userMessage(`${w}-${i}`)]))),
    );
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    assert.equal(accepted, 40);
    assert.ok(outcomes.every((outcome) => outcome.status === 'fulfilled' || outcome.reason instanceof RedisSessionLimitError));
    assert.equal(await fixture.redis.lLen(`conv:${id}`), 40);
  });

  it('rejects invalid maxItems and overflow values before connecting', () => {
    for (const options of [{ maxItems: 0 }, { maxItems: -3 }, { maxItems: 2.5 }, { overflow: 'drop' }, { maxItems: 5, overflow: null }]) {
      assert.throws(() => new RedisSession(options as never), RedisSessionConfigError, JSON.stringify(options));
    }
  });
});
