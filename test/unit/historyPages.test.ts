import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationKeys } from '../../src/config/keys.js';
import type { EvalArguments, RedisCommandTarget } from '../../src/connection/commandTarget.js';
import { forkRequest } from '../../src/conversations/fork.js';
import { pageRequest } from '../../src/conversations/historyPage.js';
import { conversationDigest, decodeCursor, encodeCursor, type PageCursor } from '../../src/conversations/pageCursor.js';
import { RedisSessionConflictError, RedisSessionCursorError, RedisSessionInputError, RedisSessionLimitError } from '../../src/errors.js';
import { CreateFork } from '../../src/scripts/createFork.js';
import { ForkSource } from '../../src/scripts/forkSource.js';
import { LuaScript } from '../../src/scripts/luaScript.js';
import { ReadPage } from '../../src/scripts/readPage.js';
import { scriptContext } from '../../src/scripts/scriptContext.js';

// Unit tests (no Redis) of history page cursors, the checks of getPage and fork options, and the wrappers of
// readPage-2.lua, forkSource-2.lua and createFork-2.lua.

const KEY = 'conv:user-1';
const cursor = (more: Partial<PageCursor> = {}): PageCursor => ({
  conversation: conversationDigest(KEY),
  createdAt: '1764672000123',
  generation: '0',
  position: 40,
  anchor: '0123456789abcdef',
  ...more,
});
const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('page cursors', () => {
  it('round-trip, as an opaque base64url string', () => {
    for (const value of [cursor(), cursor({ createdAt: '', generation: '17', position: 0 }), cursor({ position: Number.MAX_SAFE_INTEGER })]) {
      const encoded = encodeCursor(value);
      assert.match(encoded, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodeCursor(encoded, KEY), value);
    }
  });

  it('a cursor of another conversation, or of the same id under another prefix, is refused', () => {
    const encoded = encodeCursor(cursor());
    for (const other of ['conv:user-2', 'other:user-1']) {
      assert.throws(() => decodeCursor(encoded, other), (error: unknown) => {
        assert.ok(error instanceof RedisSessionCursorError);
        assert.match(error.message, /another conversation/);
        return true;
      });
    }
  });

  it('malformed cursors are refused with RedisSessionCursorError', () => {
    const digest = conversationDigest(KEY);
    for (const bad of [
      '',
      'not a cursor',
      '====',
      'x'.repeat(300),
      raw(''),
      raw(`h2|${digest}|1|0|4|0123456789abcdef`),
      raw(`h1|${digest}|1|0|-4|0123456789abcdef`),
      raw(`h1|${digest}|1|0|4.5|0123456789abcdef`),
      raw(`h1|${digest}|1|0|99999999999999999|0123456789abcdef`),
      raw(`h1|${digest}|1|0|4|0123456789ABCDEF`),
      raw(`h1|${digest}|1|0|4|0123456789abcdef|more`),
      raw(`h1|${digest}|1||4|0123456789abcdef`),
      raw(`h1|${digest}|x|0|4|0123456789abcdef`),
    ]) {
      assert.throws(() => decodeCursor(bad, KEY), RedisSessionCursorError, JSON.stringify(bad));
    }
  });

  it('encodeCursor refuses fields it did not read from a page', () => {
    assert.throws(() => encodeCursor(cursor({ position: -1 })));
    assert.throws(() => encodeCursor(cursor({ anchor: 'short' })));
  });
});

describe('getPage options', () => {
  it('default to the newest 20 items; limit 1..1000', () => {
    assert.deepEqual(pageRequest(undefined, KEY), { limit: 20 });
    assert.deepEqual(pageRequest({}, KEY), { limit: 20 });
    assert.deepEqual(pageRequest({ limit: 1000 }, KEY), { limit: 1000 });
    assert.deepEqual(pageRequest({ limit: 5, before: encodeCursor(cursor()) }, KEY), { limit: 5, before: cursor() });
  });

  it('refuse malformed options with RedisSessionInputError, and a string that is no cursor with RedisSessionCursorError', () => {
    for (const bad of [null, 'x', [], { limit: 0 }, { limit: 1001 }, { limit: 2.5 }, { limit: '5' }, { before: null }, { before: 4 }, { page: 1 }]) {
      assert.throws(() => pageRequest(bad, KEY), RedisSessionInputError, JSON.stringify(bad));
    }
    assert.throws(() => pageRequest({ before: 'nope' }, KEY), RedisSessionCursorError);
  });
});

describe('fork options', () => {
  it('default to a random UUID and all items', () => {
    const request = forkRequest(undefined, 'source');
    assert.match(request.conversationId, /^[0-9a-f-]{36}$/);
    assert.equal(request.upTo, undefined);
    assert.deepEqual(forkRequest({ conversationId: 'copy', upTo: 0 }, 'source'), { conversationId: 'copy', upTo: 0 });
  });

  it('refuse malformed options, a negative or fractional upTo, an invalid id or the source id with RedisSessionInputError', () => {
    for (const bad of [null, 3, [], { upTo: -1 }, { upTo: 0.5 }, { upTo: '2' }, { upTo: Infinity }, { conversationId: 'a}b' }, { conversationId: 7 }, { conversationId: 'source' }, { to: 1 }]) {
      assert.throws(() => forkRequest(bad, 'source'), RedisSessionInputError, JSON.stringify(bad));
    }
  });
});

/** A command target whose EVALSHA answers `reply` and records the ARGV. */
function fakeTarget(reply: unknown) {
  const calls: EvalArguments[] = [];
  const target = {
    evalSha: async (_sha1: string, options: EvalArguments) => {
      calls.push(options);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  } as unknown as RedisCommandTarget;
  return { target, calls };
}
const keys = conversationKeys('conv:', 'user-1');
const context = scriptContext({ conversationId: 'user-1', keyPrefix: 'conv:', keys, ttl: 60, changeEvents: true });
const lua = (name: string) => new LuaScript(name, 2, 'return 1');
const replyError = (message: string) => Object.assign(new Error(message), { name: 'ErrorReply' });

describe('readPage wrapper', () => {
  const script = new ReadPage(lua('readPage'));

  it("sends 'first', or the cursor's fields; types the reply", async () => {
    const first = fakeTarget(['page', ['a', 'b'], '17', '0', 3, 'abcdefabcdefabcd']);
    assert.deepEqual(await script.run(first.target, context, { limit: 2 }), {
      status: 'page',
      entries: ['a', 'b'],
      createdAt: '17',
      generation: '0',
      position: 3,
      anchor: 'abcdefabcdefabcd',
    });
    assert.deepEqual(first.calls[0]!.arguments, ['2', 'first']);
    assert.deepEqual(first.calls[0]!.keys, ['conv:user-1', '{conv:user-1}:meta']);
    const next = fakeTarget(['changed']);
    assert.deepEqual(await script.run(next.target, context, { limit: 5, before: cursor() }), { status: 'changed' });
    assert.deepEqual(next.calls[0]!.arguments, ['5', 'before', '1764672000123', '0', '40', '0123456789abcdef']);
    assert.deepEqual(await script.run(fakeTarget(['beyond']).target, context, { limit: 5, before: cursor() }), { status: 'beyond' });
    await assert.rejects(script.run(fakeTarget('odd').target, context, { limit: 5 }), /unexpected reply/);
  });
});

describe('forkSource wrapper', () => {
  const script = new ForkSource(lua('forkSource'));

  it("sends upTo ('' for all) and types the snapshot; 'outside' is a RedisSessionInputError", async () => {
    const all = fakeTarget(['copy', 2, ['a', 'b'], 'ada', null, '{"x":1}']);
    assert.deepEqual(await script.run(all.target, context, undefined), { length: 2, entries: ['a', 'b'], owner: 'ada', title: null, metadataJson: '{"x":1}' });
    assert.deepEqual(all.calls[0]!.arguments, ['']);
    const outside = fakeTarget(['outside', 4]);
    await assert.rejects(script.run(outside.target, context, 9), (error: unknown) => {
      assert.ok(error instanceof RedisSessionInputError);
      assert.match(error.message, /upTo 9 is outside the history, which holds 4 items/);
      return true;
    });
    assert.deepEqual(outside.calls[0]!.arguments, ['9']);
  });
});

describe('createFork wrapper', () => {
  const script = new CreateFork(lua('createFork'));
  const input = { parentId: 'src', upTo: 2, title: null, metadataJson: '{"a":1}', entries: ['e1', 'e2'] };

  it("sends the copy's session arguments, then parent, upTo, title, metadata and the entries", async () => {
    const redis = fakeTarget(2);
    assert.equal(await script.run(redis.target, context, input), 2);
    assert.deepEqual(redis.calls[0]!.arguments, [...context.sessionArgs, '', 'user-1', 'src', '2', '', '{"a":1}', 'e1', 'e2']);
  });

  it('EXISTS is a RedisSessionConflictError, HISTORYFULL a RedisSessionLimitError', async () => {
    await assert.rejects(
      script.run(fakeTarget(replyError('EXISTS conversation conv:x already exists. Nothing was written.')).target, context, input),
      (error: unknown) => error instanceof RedisSessionConflictError && /^RedisSession\.fork refused: conversation conv:x already exists/.test(error.message),
    );
    await assert.rejects(
      script.run(fakeTarget(replyError('HISTORYFULL the history would hold 9 items; maxItems is 3')).target, context, input),
      (error: unknown) => error instanceof RedisSessionLimitError && /^fork refused/.test(error.message),
    );
  });
});
