import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationKeys } from '../../src/config/keys.js';
import { feedChannelOf } from '../../src/events/feedChannels.js';
import type { EvalArguments, RedisCommandTarget } from '../../src/connection/commandTarget.js';
import { RedisSessionConflictError, RedisSessionLimitError } from '../../src/errors.js';
import { ApplyTransaction } from '../../src/scripts/applyTransaction.js';
import { Clear } from '../../src/scripts/clear.js';
import { ExpireConversation } from '../../src/scripts/expireConversation.js';
import { ImportConversation } from '../../src/scripts/importConversation.js';
import { LuaScript } from '../../src/scripts/luaScript.js';
import { MutateHistory } from '../../src/scripts/mutateHistory.js';
import { PopItem } from '../../src/scripts/popItem.js';
import { PushItems } from '../../src/scripts/pushItems.js';
import { scriptContext, type ScriptContextSettings } from '../../src/scripts/scriptContext.js';
import { Touch } from '../../src/scripts/touch.js';

// Unit tests (no Redis) of the typed script wrappers: the ARGV each builds, the native command it sends
// instead when no script is needed (reads), and what it makes of the replies, against a fake command target.

const keys = conversationKeys('conv:', 'user-1');
const KEYS = ['conv:user-1', '{conv:user-1}:meta'];
const context = (more: Partial<ScriptContextSettings> = {}) => scriptContext({ conversationId: 'user-1', keyPrefix: 'conv:', keys, ...more });
const IDENTITY = '"conversationId":"user-1","keyPrefix":"conv:"';
/**
 * ARGV[1..11] of a session with a TTL of 60 s and change events on, and no owner, initial info or usage. The
 * context's default topology is a cluster: ARGV[4] is the feed channel of the conversation's slot.
 */
const EVENTS_ON = ['60', '1', IDENTITY, feedChannelOf('conv:', 'conv:user-1'), '0', 'trim', '', '', '', '', 'user-1'];
/** ARGV[1..11] of the defaults (no TTL, no events). */
const DEFAULTS = ['0', '0', '', '', '0', 'trim', '', '', '', '', 'user-1'];
const lua = (name: string) => new LuaScript(name, 2, 'return 1');

type Reply = unknown | Error;
/** A command target that records every command and answers each with the next queued reply. */
function fakeTarget(...replies: Reply[]) {
  const sent: Array<{ command: string; args: unknown[] }> = [];
  const answer = async (command: string, ...args: unknown[]) => {
    sent.push({ command, args });
    const reply = replies.shift();
    if (reply instanceof Error) throw reply;
    return reply;
  };
  const target = {
    evalSha: (sha1: string, options: EvalArguments) => answer('EVALSHA', sha1, options),
    eval: (script: string, options: EvalArguments) => answer('EVAL', script, options),
    lRange: (key: string, start: number, stop: number) => answer('LRANGE', key, start, stop),
    zScore: (key: string, member: string) => answer('ZSCORE', key, member),
    zAdd: (key: string, member: unknown, options: unknown) => answer('ZADD', key, member, options),
    del: (names: string[]) => answer('DEL', names),
    withCommandOptions: () => target,
  } as unknown as RedisCommandTarget;
  /** The ARGV of the only EVALSHA sent. */
  const argv = () => {
    assert.deepEqual(sent.map((call) => call.command), ['EVALSHA']);
    const options = sent[0]!.args[1] as EvalArguments;
    assert.deepEqual(options.keys, KEYS);
    return options.arguments;
  };
  return { target, sent, argv };
}

const replyError = (message: string) => Object.assign(new Error(message), { name: 'ErrorReply' });

describe('pushItems', () => {
  const script = new PushItems(lua('pushItems'));

  it('appends with ARGV[11] "0" and the entries after the session arguments; replies the new length', async () => {
    const redis = fakeTarget(7);
    assert.equal(await script.run(redis.target, context({ ttl: 60, changeEvents: true }), { entries: ['a', 'b'], replace: false }), 7);
    assert.deepEqual(redis.argv(), [...EVENTS_ON, '0', 'a', 'b']);
  });

  it('replaces the history with ARGV[11] "1"; with no TTL, events or limit an append is still the script (it stamps the info)', async () => {
    const redis = fakeTarget(1);
    await script.run(redis.target, context(), { entries: ['a'], replace: true });
    assert.deepEqual(redis.argv(), [...DEFAULTS, '1', 'a']);
    const plain = fakeTarget(3);
    assert.equal(await script.run(plain.target, context(), { entries: ['a', 'b'], replace: false }), 3);
    assert.deepEqual(plain.argv(), [...DEFAULTS, '0', 'a', 'b']);
  });

  it('the usage of the write is ARGV[10]', async () => {
    const redis = fakeTarget(1);
    await script.run(redis.target, context(), { entries: ['a'], replace: false, usage: '1,10,5,15,0,0' });
    assert.deepEqual(redis.argv(), [...DEFAULTS.slice(0, 9), '1,10,5,15,0,0', 'user-1', '0', 'a']);
  });

  it('a HISTORYFULL reply becomes a RedisSessionLimitError naming the session method', async () => {
    const full = () => replyError('HISTORYFULL the history would hold 4 items; maxItems is 3');
    const limited = context({ maxItems: 3, overflow: 'reject' });
    await assert.rejects(script.run(fakeTarget(full()).target, limited, { entries: ['a'], replace: false }), (error: unknown) => {
      assert.ok(error instanceof RedisSessionLimitError);
      assert.match(error.message, /^addItems refused: the history would hold 4 items; maxItems is 3 \(overflow: 'reject'\)\. Compact/);
      return true;
    });
    await assert.rejects(script.run(fakeTarget(full()).target, limited, { entries: ['a'], replace: true }), /^.*replaceHistoryWithCompaction refused:/);
  });

  it('other script errors pass through as they are', async () => {
    const error = replyError('NOPERM this user may not run RPUSH');
    await assert.rejects(script.run(fakeTarget(error).target, context({ ttl: 5 }), { entries: ['a'], replace: false }), (thrown) => thrown === error);
  });

  it("Redis's anonymous NOPERM for a key is rewritten to name the conversation's keys and what to grant", async () => {
    const redis = fakeTarget(replyError('NOPERM No permissions to access a key'));
    await assert.rejects(
      script.run(redis.target, context({ ttl: 5 }), { entries: ['a'], replace: false }),
      /^Error: NOPERM this user may not read and write every key of this conversation \(conv:user-1, \{conv:user-1\}:meta\)/,
    );
  });

  it('falls back to EVAL (the full source) when the server does not know the script', async () => {
    const redis = fakeTarget(replyError('NOSCRIPT No matching script'), 1);
    await script.run(redis.target, context({ ttl: 5 }), { entries: ['a'], replace: false });
    assert.deepEqual(redis.sent.map((call) => call.command), ['EVALSHA', 'EVAL']);
    assert.equal(redis.sent[1]!.args[0], 'return 1');
  });
});

describe('popItem', () => {
  const script = new PopItem(lua('popItem'));

  it('sends the session arguments and returns the entry, or null for an empty history', async () => {
    const redis = fakeTarget('entry');
    assert.equal(await script.run(redis.target, context({ ttl: 60, changeEvents: true })), 'entry');
    assert.deepEqual(redis.argv(), EVENTS_ON);
    assert.equal(await script.run(fakeTarget(null).target, context({ ttl: 60 })), null);
  });

  it('with no TTL and no events, is still the script (a pop stamps the info and starts a new generation)', async () => {
    const redis = fakeTarget(null);
    assert.equal(await script.run(redis.target, context({ maxItems: 5 })), null);
    assert.deepEqual(redis.argv(), ['0', '0', '', '', '5', 'trim', '', '', '', '', 'user-1']);
  });
});

describe('clear', () => {
  it('is always the script, with the session arguments; replies the number of keys deleted and the server time in µs', async () => {
    const script = new Clear(lua('clear'));
    const redis = fakeTarget([2, '1764672000123456']);
    assert.deepEqual(await script.run(redis.target, context()), { deleted: 2, atMicros: 1764672000123456 });
    assert.deepEqual(redis.argv(), DEFAULTS);
  });

  it("the CLI's delete builds the same context, with events on (on a cluster: the feed channel of the slot)", async () => {
    const script = new Clear(lua('clear'));
    const redis = fakeTarget([1, '1']);
    await script.run(redis.target, context({ changeEvents: true, owner: 'ada', cluster: true }));
    assert.deepEqual(redis.argv(), ['0', '1', IDENTITY, feedChannelOf('conv:', 'conv:user-1'), '0', 'trim', 'ada', '', '', '', 'user-1']);
  });
});

describe('touch (reads of getItems)', () => {
  const script = new Touch(lua('touch'));

  it('without a TTL, or when the read does not slide the expiry, is one LRANGE', async () => {
    const plain = fakeTarget(['a']);
    assert.deepEqual(await script.readItems(plain.target, context(), { start: -5, slideExpiry: true }), ['a']);
    assert.deepEqual(plain.sent, [{ command: 'LRANGE', args: ['conv:user-1', -5, -1] }]);
    const again = fakeTarget(['b']);
    await script.readItems(again.target, context({ ttl: 60 }), { start: 0, slideExpiry: false });
    assert.deepEqual(again.sent.map((call) => call.command), ['LRANGE']);
  });

  it('with a TTL, sends LRANGE and the touch script (ARGV: the TTL) together', async () => {
    const redis = fakeTarget(['a', 'b'], 1);
    assert.deepEqual(await script.readItems(redis.target, context({ ttl: 60 }), { start: 0, slideExpiry: true }), ['a', 'b']);
    assert.deepEqual(redis.sent.map((call) => call.command), ['LRANGE', 'EVALSHA']);
    assert.deepEqual((redis.sent[1]!.args[1] as EvalArguments).arguments, ['60']);
  });

  it("the touch script's error wins over LRANGE's (it names the key)", async () => {
    const named = replyError('WRONGTYPE {conv:user-1}:meta holds a string, not a hash');
    const redis = fakeTarget(replyError('WRONGTYPE Operation against a key holding the wrong kind of value'), named);
    await assert.rejects(script.readItems(redis.target, context({ ttl: 60 }), { start: 0, slideExpiry: true }), (thrown) => thrown === named);
  });
});

describe('applyTransaction', () => {
  const script = new ApplyTransaction(lua('applyTransaction'));
  const prepared = { operationField: 'op:1', fingerprint: 'f1', expectedSuffix: ['x', 'y'], replacement: ['z'] };

  it('sends the session arguments, the operation field, the fingerprint, the suffix with its length, then the replacement', async () => {
    const redis = fakeTarget('applied');
    assert.equal(await script.run(redis.target, context({ ttl: 60, changeEvents: true }), prepared), 'applied');
    assert.deepEqual(redis.argv(), [...EVENTS_ON, 'op:1', 'f1', '2', 'x', 'y', 'z']);
    assert.equal(await script.run(fakeTarget('duplicate').target, context(), prepared), 'duplicate');
  });

  it('a replacement too large for an event is published count-only', async () => {
    const redis = fakeTarget('applied');
    await script.run(redis.target, context({ changeEvents: true }), { ...prepared, replacement: ['z'.repeat(70_000)] });
    assert.equal(redis.argv()[1], '2');
  });

  it("'reused' and 'mismatch' become RedisSessionConflictErrors that say what to do", async () => {
    await assert.rejects(script.run(fakeTarget('reused').target, context(), prepared), (error: unknown) => {
      assert.ok(error instanceof RedisSessionConflictError);
      assert.match(error.message, /already applied with a different transaction\. Use a new operationId/);
      return true;
    });
    await assert.rejects(script.run(fakeTarget('mismatch').target, context(), prepared), (error: unknown) => {
      assert.ok(error instanceof RedisSessionConflictError);
      assert.match(error.message, /suffix no longer matches.*Reload it and retry/);
      return true;
    });
  });

  it('a HISTORYFULL reply becomes a RedisSessionLimitError of applyHistoryTransaction', async () => {
    const redis = fakeTarget(replyError('HISTORYFULL the history would hold 9 items; maxItems is 2'));
    await assert.rejects(script.run(redis.target, context({ maxItems: 2, overflow: 'reject' }), prepared), (error: unknown) => {
      assert.ok(error instanceof RedisSessionLimitError);
      assert.match(error.message, /^applyHistoryTransaction refused: the history would hold 9 items/);
      return true;
    });
  });
});

describe('mutateHistory', () => {
  it('sends three arguments per mutation after the session arguments; replies the count changed', async () => {
    const script = new MutateHistory(lua('mutateHistory'));
    const redis = fakeTarget(3);
    const mutations = [
      { needle: '"c1"', callId: 'c1', replacement: 'r1' },
      { needle: '"c2"', callId: 'c2', replacement: 'r2' },
    ];
    assert.equal(await script.run(redis.target, context({ ttl: 60, changeEvents: true }), mutations), 3);
    assert.deepEqual(redis.argv(), [...EVENTS_ON, '"c1"', 'c1', 'r1', '"c2"', 'c2', 'r2']);
  });
});

describe("the CLI's scripts", () => {
  it('expire sends the seconds (0 to persist) and types the codes', async () => {
    const script = new ExpireConversation(lua('expireConversation'));
    const redis = fakeTarget(2);
    assert.deepEqual(await script.run(redis.target, { keys }, { seconds: 3600 }), { status: 'set', keys: 2 });
    assert.deepEqual(redis.argv(), ['3600']);
    assert.deepEqual(await script.run(fakeTarget(-1).target, { keys }, { seconds: 0 }), { status: 'missing' });
    assert.deepEqual(await script.run(fakeTarget(-2).target, { keys }, { seconds: 0 }), { status: 'wrongType' });
  });

  it('import sends the overwrite flag, the expiry, the item count, the items, then the metadata pairs', async () => {
    const script = new ImportConversation(lua('importConversation'));
    const redis = fakeTarget('imported');
    const input = { overwrite: true, expiresAt: 1_700_000_000_000, items: ['a', 'b'], meta: { v: '3', 'op:x': 'f' } };
    assert.equal(await script.run(redis.target, { keys }, input), 'imported');
    assert.deepEqual(redis.argv(), ['1', '1700000000000', '2', 'a', 'b', 'v', '3', 'op:x', 'f']);
    assert.deepEqual(script.args({ keys }, { overwrite: false, expiresAt: 0, items: ['a'], meta: {} }), ['0', '0', '1', 'a']);
  });

  it('import passes its verdicts through and refuses a reply it does not know', async () => {
    const script = new ImportConversation(lua('importConversation'));
    const input = { overwrite: false, expiresAt: 0, items: ['a'], meta: {} };
    for (const verdict of ['unchanged', 'expired', 'refused', 'wrongtype']) {
      assert.equal(await script.run(fakeTarget(verdict).target, { keys }, input), verdict);
    }
    await assert.rejects(script.run(fakeTarget('surprise').target, { keys }, input), /importConversation replied "surprise"/);
  });
});
