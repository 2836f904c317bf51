/**
 * applyHistoryMutations on items that Redis's cjson cannot read as written
 * (the Lua part): lone surrogates (JSON.stringify writes
 * them as `\ud800` escapes, which cjson refuses), empty arrays and objects,
 * escapes in the callId. The SDK's MemorySession is the oracle: after the
 * same mutations, both sessions hold the same history. Plain and encrypted
 * sessions, on a real redis-server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemorySession, type AgentInputItem, type SessionHistoryMutation } from '@openai/agents';
import type { RedisSessionOptions } from 'agents-redis-session';
import { useSessionFixture } from './support/sessionFixture.js';
import { functionCall, functionResult, user } from './support/items.js';

const fixture = useSessionFixture();

const replace = (callId: string, args = '{"replaced":true}'): SessionHistoryMutation => ({
  type: 'replace_function_call',
  callId,
  replacement: functionCall(callId, args) as SessionHistoryMutation['replacement'],
});

const CASES: ReadonlyArray<readonly [string, AgentInputItem[], SessionHistoryMutation[]]> = [
  ['a call whose arguments hold a lone surrogate', [user('q'), functionCall('c1', '{"s":"\ud800"}'), functionResult('c1')], [replace('c1')]],
  ['a call beside items holding lone surrogates and empty arrays', [user('\udc00 []'), functionCall('c1', '{}', { providerData: { a: [], b: {}, c: [[]], s: 'x\udbffy' } }), user('\ud800')], [replace('c1')]],
  ['calls whose callIds differ only in their lone surrogate', [functionCall('id-\ud800'), functionCall('id-\udbff'), functionCall('id-\ud800', '{"dup":1}')], [replace('id-\ud800')]],
  ['the other one of those', [functionCall('id-\ud800'), functionCall('id-\udbff')], [replace('id-\udbff')]],
  ['a lone surrogate against the same character escaped in text', [functionCall('\\ud800'), functionCall('\ud800')], [replace('\ud800')]],
  ['a callId with quotes, backslashes and an emoji', [functionCall('a"b\\c😀'), functionCall('a"b\\c'), functionResult('a"b\\c😀')], [replace('a"b\\c😀')]],
  ['a callId of a lone surrogate with no match', [functionCall('\ud800x'), user('\ud800')], [replace('\ud800')]],
  ['several mutations, one with a lone surrogate', [functionCall('A'), functionCall('B\udfff'), functionCall('A')], [replace('B\udfff'), replace('A', '{"a":2}')]],
];

const CONFIGURATIONS: ReadonlyArray<readonly [string, Omit<RedisSessionOptions, 'redisUrl' | 'client'>]> = [
  ['plain', {}],
  ['encrypted', { encryption: { keys: { k: Buffer.alloc(32, 7) }, currentKeyId: 'k' } }],
];

describe('applyHistoryMutations matches MemorySession on items cjson cannot read as written', () => {
  for (const [configuration, options] of CONFIGURATIONS) {
    for (const [what, history, mutations] of CASES) {
      it(`${what} (${configuration})`, async () => {
        const redis = fixture.session(options);
        await redis.addItems(history);
        const memory = new MemorySession({ initialItems: history });
        await redis.applyHistoryMutations({ mutations });
        await memory.applyHistoryMutations({ mutations });
        assert.deepEqual(await redis.getItems(), await memory.getItems());
      });
    }
  }
});
