import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvalArguments, RedisCommandTarget } from '../../src/connection/commandTarget.js';
import { NO_OWNER_INDEX, ownerIndexLink, IndexUse } from '../../src/conversations/ownerIndexLink.js';
import { decodeListCursor, encodeListCursor } from '../../src/conversations/ownerIndexCursor.js';
import { RedisSessionCursorError, RedisSessionLimitError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { scripts } from '../../src/scripts/index.js';
import { ownerIndexContext } from '../../src/scripts/ownerIndex.js';

// Unit tests (no Redis) of the owner index: the listing cursor, the ARGV and replies of its two scripts, and how a
// session's writes carry the index `add` (one round trip, failures remembered and retried), against a fake target.

describe('the listing cursor', () => {
  it('round-trips a score and an id, as an opaque URL-safe string', () => {
    for (const position of [
      { score: '1733140000000000', id: 'user-1' },
      { score: '0', id: 'a' },
      { score: '-inf', id: 'x"y\\z' },
      { score: '1.5e+20', id: 'émoji 🎉 and spaces' },
      { score: '12', id: 'x'.repeat(1024) },
    ]) {
      const cursor = encodeListCursor(position);
      assert.match(cursor, /^c1\.[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodeListCursor(cursor), position);
    }
  });

  it('refuses what it did not make, with a RedisSessionCursorError saying what to do', () => {
    const made = (json: string) => `c1.${Buffer.from(json).toString('base64url')}`;
    for (const cursor of [
      undefined, null, 42, {}, '', 'c1.', 'c2.WyIxIiwiYSJd', 'garbage', 'c1.a+b/', made('not json'), made('{"s":"1","m":"a"}'),
      made('["1"]'), made('[1,"a"]'), made('["1x","a"]'), made('["1",""]'), made('["1",2]'), `c1.${'A'.repeat(9000)}`,
    ]) {
      assert.throws(() => decodeListCursor(cursor), (error: unknown) => {
        assert.ok(error instanceof RedisSessionCursorError, String(cursor));
        assert.match(error.message, /RedisConversations\.list/);
        assert.match(error.message, /omit (it|cursor)/);
        return true;
      });
    }
  });
});

describe('the owner index scripts', () => {
  const context = ownerIndexContext('conv:', 'ada');

  it('the index key is the owner wrapped in a hash tag', () => {
    assert.deepEqual(context.keys.all, ['conv:__owner__:{ada}']);
  });

  it('ownerIndex takes the action, the id and its bound', () => {
    const script = scripts.ownerIndex;
    assert.deepEqual(script.args(context, { action: 'check' }), ['check']);
    assert.deepEqual(script.args(context, { action: 'count' }), ['count']);
    assert.deepEqual(script.args(context, { action: 'add', conversationId: 'c1' }), ['add', 'c1']);
    assert.deepEqual(script.args(context, { action: 'remove', conversationId: 'c1', fenceMicros: 1733140000123456 }), ['remove', 'c1', '1733140000123456']);
    assert.deepEqual(script.args(context, { action: 'prune', conversationId: 'c1', score: '1733140000123456' }), ['prune', 'c1', '1733140000123456']);
    assert.equal(script.reply(1733140000123456), 1733140000123456);
    assert.equal(script.lua.numberOfKeys, 1);
  });

  it('listOwner takes a count and the position to start after; replies the server time and the entries', () => {
    const script = scripts.listOwner;
    assert.deepEqual(script.args(context, { count: 21 }), ['21', '', '']);
    assert.deepEqual(script.args(context, { count: 5, after: { score: '17', id: 'c9' } }), ['5', '17', 'c9']);
    assert.deepEqual(script.reply(['1733140000000000', 'c2', '20', 'c1', '10']), {
      nowMicros: 1733140000000000,
      entries: [{ id: 'c2', score: '20' }, { id: 'c1', score: '10' }],
    });
    assert.deepEqual(script.reply(['5']), { nowMicros: 5, entries: [] });
    assert.throws(() => script.reply(['5', 'c1']), /unexpected reply/);
    assert.throws(() => script.reply('OK'), /unexpected reply/);
  });
});

type Reply = unknown | Error;
const replyError = (message: string) => Object.assign(new Error(message), { name: 'ErrorReply' });

/**
 * A command target whose EVALSHA answers by script, and ZSCORE and ZADD as `zscore` and `zadd`: `replies[name]` lists
 * the replies of its calls, in order. `sent` records each call's name and arguments when it is SENT (before any reply
 * is awaited).
 */
function fakeTarget(replies: Record<string, Reply[]>) {
  const names = new Map(Object.entries(scripts).map(([name, script]) => [script.lua.sha1, name]));
  const sent: Array<{ name: string; args: string[]; tick: number }> = [];
  let tick = 0;
  const answer = async (sha1: string, options: EvalArguments) => {
    const name = names.get(sha1) ?? 'unknown';
    sent.push({ name, args: options.arguments, tick });
    await Promise.resolve();
    tick += 1;
    const reply = replies[name]?.shift();
    if (reply instanceof Error) throw reply;
    return reply;
  };
  const native = (name: string) => async (...args: unknown[]) => {
    sent.push({ name, args: args.slice(1).map((arg) => (typeof arg === 'object' ? JSON.stringify(arg) : String(arg))), tick });
    await Promise.resolve();
    tick += 1;
    const reply = replies[name]?.shift();
    if (reply instanceof Error) throw reply;
    return reply;
  };
  const target = { evalSha: answer, eval: answer, zScore: native('zscore'), zAdd: native('zadd'), withCommandOptions: () => target } as unknown as RedisCommandTarget;
  return { target, sent };
}

function warnings(): { logger: Logger; warned: string[] } {
  const warned: string[] = [];
  const logger = { namespace: 't', debug: () => {}, error: () => {}, warn: (message: string) => warned.push(message), dontLogModelData: true, dontLogToolData: true };
  return { logger: logger as Logger, warned };
}

describe('a session’s writes and its owner index', () => {
  const write = (redis: RedisCommandTarget) => scripts.touch.lua.run(redis, ['conv:c1', '{conv:c1}:meta'], []);
  let owner = 0;
  const link = (logger: Logger) => ownerIndexLink('conv:', `owner-${(owner += 1)}`, 'c1', logger);

  it('checks the index type before the first write only, then sends the write and the add together (one round trip)', async () => {
    const { logger, warned } = warnings();
    const session = link(logger);
    const redis = fakeTarget({ ownerIndex: [1], zscore: [null, 1733140000000000], zadd: [1, 0], touch: ['first', 'second'] });
    assert.equal(await session.around(redis.target, IndexUse.Write, write), 'first');
    assert.deepEqual(redis.sent.map((call) => [call.name, call.args[0] ?? '']), [['ownerIndex', 'check'], ['touch', ''], ['zscore', 'c1'], ['zadd', redis.sent[3]!.args[0]!]]);
    assert.equal(redis.sent[1]!.tick, redis.sent[3]!.tick, 'the index update is sent before the write’s reply is awaited');
    const [member, options] = redis.sent[3]!.args.map((arg) => JSON.parse(arg) as Record<string, unknown>);
    assert.equal(member!.value, 'c1');
    assert.ok(Number.isSafeInteger(member!.score) && Math.abs((member!.score as number) / 1000 - Date.now()) < 60_000, 'scored by this clock, in µs');
    assert.deepEqual(options, { comparison: 'GT' });
    redis.sent.length = 0;
    assert.equal(await session.around(redis.target, IndexUse.Write, write), 'second');
    assert.deepEqual(redis.sent.map((call) => call.name), ['touch', 'zscore', 'zadd'], 'no second check on this connection');
    redis.sent.length = 0;
    await session.around(redis.target, IndexUse.Read, async () => 'read');
    assert.deepEqual(redis.sent, [], 'a read sends nothing more');
    assert.deepEqual(warned, []);
  });

  it('a foreign key at the index refuses the write before it is sent', async () => {
    const session = link(warnings().logger);
    const redis = fakeTarget({ ownerIndex: [replyError('WRONGTYPE conv:__owner__:{x} holds a string')] });
    await assert.rejects(session.around(redis.target, IndexUse.Write, write), /WRONGTYPE/);
    assert.deepEqual(redis.sent.map((call) => call.name), ['ownerIndex']);
  });

  it('when only the add fails, the write succeeds; one warning; the next operation, even a read, sends the add again until it passes', async () => {
    const { logger, warned } = warnings();
    const session = link(logger);
    const redis = fakeTarget({ ownerIndex: [1], zadd: [replyError('NOPERM no'), new Error('Socket closed'), 1], touch: ['done'] });
    assert.equal(await session.around(redis.target, IndexUse.Write, write), 'done');
    assert.equal(warned.length, 1);
    assert.match(warned[0]!, /c1 was written, but its owner index conv:__owner__:\{owner-\d+\} was not updated \(NOPERM no\)/);
    redis.sent.length = 0;
    assert.equal(await session.around(redis.target, IndexUse.Read, async () => 'read 1'), 'read 1');
    assert.equal(await session.around(redis.target, IndexUse.Read, async () => 'read 2'), 'read 2');
    assert.equal(warned.length, 1, 'no warning for a failing retry');
    assert.deepEqual(redis.sent.map((call) => call.name), ['zscore', 'zadd', 'zscore', 'zadd']);
    redis.sent.length = 0;
    await session.around(redis.target, IndexUse.Read, async () => 'read 3');
    assert.deepEqual(redis.sent, [], 'repaired: reads send nothing again');
  });

  it('a write the server refused leaves nothing pending; its own error is thrown', async () => {
    const { logger, warned } = warnings();
    const session = link(logger);
    const redis = fakeTarget({ ownerIndex: [1], zadd: [replyError('NOPERM no')] });
    const refused = new RedisSessionLimitError('full.');
    await assert.rejects(session.around(redis.target, IndexUse.Write, async (target) => { await write(target); throw refused; }), refused);
    assert.deepEqual(warned, []);
    redis.sent.length = 0;
    await session.around(redis.target, IndexUse.Read, async () => 'read');
    assert.deepEqual(redis.sent, []);
  });

  it('a write whose outcome is unknown (no reply) with a failed add leaves the add pending', async () => {
    const { logger, warned } = warnings();
    const session = link(logger);
    const redis = fakeTarget({ ownerIndex: [1], zadd: [new Error('Socket closed'), 1] });
    await assert.rejects(session.around(redis.target, IndexUse.Write, async () => { throw new Error('deadline'); }), /deadline/);
    assert.equal(warned.length, 1);
    redis.sent.length = 0;
    await session.around(redis.target, IndexUse.Read, async () => 'read');
    assert.deepEqual(redis.sent.map((call) => call.name), ['zscore', 'zadd']);
  });

  it('a clear removes the entry, fenced by the clear’s time, and drops a pending add; a failed removal only warns', async () => {
    const { logger, warned } = warnings();
    const session = link(logger);
    const redis = fakeTarget({ ownerIndex: [1, 1, new Error('Socket closed')], zadd: [new Error('Socket closed')] });
    await session.around(redis.target, IndexUse.Write, write);
    redis.sent.length = 0;
    assert.deepEqual(await session.clear(redis.target, async () => ({ deleted: 2, atMicros: 1733140000123456 })), { deleted: 2, atMicros: 1733140000123456 });
    assert.deepEqual(redis.sent.map((call) => call.args), [['remove', 'c1', '1733140000123456']]);
    redis.sent.length = 0;
    await session.around(redis.target, IndexUse.Read, async () => 'read');
    assert.deepEqual(redis.sent, [], 'nothing pending after a clear');
    await session.clear(redis.target, async () => ({ deleted: 0, atMicros: 5 }));
    assert.match(warned.at(-1)!, /was cleared, but its entry .* was not removed \(Socket closed\)/);
  });

  it('a write the server refused takes its index update back: the score before, or no entry', async () => {
    const session = link(warnings().logger);
    const redis = fakeTarget({ ownerIndex: [1, 1, 1], zscore: ['1733140000000005', null], zadd: [0, 1] });
    const refused = new RedisSessionLimitError('full.');
    const refusing = async () => {
      throw refused;
    };
    await assert.rejects(session.around(redis.target, IndexUse.Write, refusing), refused);
    const undo = redis.sent.at(-1)!;
    assert.equal(undo.name, 'ownerIndex');
    assert.deepEqual([undo.args[0], undo.args[1], undo.args[3]], ['undo', 'c1', '1733140000000005']);
    assert.equal(undo.args[2], String(JSON.parse(redis.sent.at(-2)!.args[0]!).score), 'only if the score is still the one it wrote');
    await assert.rejects(session.around(redis.target, IndexUse.Write, refusing), refused);
    assert.equal(redis.sent.at(-1)!.args[3], '', 'no entry before: the undo removes it');
  });

  it('without an owner, only the commands run', async () => {
    const redis = fakeTarget({ touch: ['x'] });
    assert.equal(await NO_OWNER_INDEX.around(redis.target, IndexUse.Write, write), 'x');
    assert.deepEqual(await NO_OWNER_INDEX.clear(redis.target, async () => ({ deleted: 1, atMicros: 1 })), { deleted: 1, atMicros: 1 });
    assert.deepEqual(redis.sent.map((call) => call.name), ['touch']);
  });
});
