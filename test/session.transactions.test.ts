import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applySessionHistoryMutations,
  MemorySession,
  UserError,
  type AgentInputItem,
  type SessionHistoryMutation,
  type SessionHistoryTransactionArgs,
} from '@openai/agents';
import {
  RedisSession,
  RedisSessionCommandError,
  RedisSessionConflictError,
  RedisSessionInputError,
} from 'agents-redis-session';
import { useSessionFixture } from './support/sessionFixture.js';
import { assistant, functionCall, functionResult, user } from './support/items.js';

const fixture = useSessionFixture();

const append = (operationId: string, items: AgentInputItem[]): SessionHistoryTransactionArgs => ({
  operationId,
  transaction: { type: 'append_items', items },
});
const replaceSuffix = (operationId: string, expectedSuffix: AgentInputItem[], replacement: AgentInputItem[]): SessionHistoryTransactionArgs => ({
  operationId,
  transaction: { type: 'replace_suffix', expectedSuffix, replacement },
});

/** A RedisSession (new conversation) and the SDK's MemorySession, both starting with `initial`. */
async function sessionPair(initial: AgentInputItem[] = [], options: { ttl?: number } = {}) {
  const redis = fixture.session(options);
  if (initial.length > 0) await redis.addItems(initial);
  return { redis, memory: new MemorySession({ initialItems: initial }) };
}
type SessionPair = Awaited<ReturnType<typeof sessionPair>>;

/** What a call did: 'ok' or the error it threw. */
async function settle(promise: Promise<void>): Promise<unknown> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error;
  }
}

/** Runs one transaction on both sessions, asserts they end with equal histories, and returns both outcomes. */
async function applyBoth(pair: SessionPair, args: SessionHistoryTransactionArgs) {
  const outcomes = {
    redis: await settle(pair.redis.applyHistoryTransaction(args)),
    memory: await settle(pair.memory.applyHistoryTransaction(args)),
  };
  assert.deepEqual(await pair.redis.getItems(), await pair.memory.getItems());
  return outcomes;
}

/** Raw contents of both keys, to prove that a call changed nothing. */
async function snapshot(session: RedisSession) {
  return {
    items: await fixture.redis.lRange(session.keys.items, 0, -1),
    meta: await fixture.redis.hGetAll(session.keys.meta),
  };
}

describe('applyHistoryTransaction, side by side with MemorySession', () => {
  it('append_items appends the items', async () => {
    const pair = await sessionPair([user('q')]);
    assert.deepEqual(await applyBoth(pair, append('op-1', [assistant('a'), user('q2')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('q'), assistant('a'), user('q2')]);
  });

  it('append_items on a new conversation creates it', async () => {
    const pair = await sessionPair([], { ttl: 600 });
    assert.deepEqual(await applyBoth(pair, append('op-1', [user('first')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('first')]);
    for (const key of pair.redis.keys.all) assert.ok((await fixture.redis.ttl(key)) > 0, `${key} has no expiry`);
  });

  it('replace_suffix replaces exactly the expected suffix', async () => {
    const pair = await sessionPair([user('q'), functionCall('A'), functionResult('A'), assistant('draft')]);
    const outcome = await applyBoth(pair, replaceSuffix('op-1', [functionResult('A'), assistant('draft')], [functionResult('A'), assistant('final'), user('more')]));
    assert.deepEqual(outcome, { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('q'), functionCall('A'), functionResult('A'), assistant('final'), user('more')]);
  });

  it('replace_suffix with an empty expected suffix appends, and with an empty replacement removes the suffix', async () => {
    const pair = await sessionPair([user('a'), user('b')]);
    assert.deepEqual(await applyBoth(pair, replaceSuffix('op-1', [], [user('c')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await applyBoth(pair, replaceSuffix('op-2', [user('b'), user('c')], [])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('a')]);
    assert.deepEqual(await applyBoth(pair, replaceSuffix('op-3', [user('a')], [])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), []);
  });

  it('repeating an operationId with the same transaction applies it once', async () => {
    const pair = await sessionPair([user('q')]);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await applyBoth(pair, append('op-once', [assistant('a')])), { redis: 'ok', memory: 'ok' });
    }
    // The same transaction written with another key order is still the same transaction.
    const reordered = { transaction: { items: [{ content: 'q', role: 'user' }], type: 'append_items' }, operationId: 'op-twice' };
    await applyBoth(pair, { operationId: 'op-twice', transaction: { type: 'append_items', items: [user('q')] } });
    assert.deepEqual(await applyBoth(pair, reordered as SessionHistoryTransactionArgs), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('q'), assistant('a'), user('q')]);
  });

  it('repeating a replace_suffix after it applied is a no-op, not a conflict', async () => {
    const pair = await sessionPair([user('q'), assistant('draft')]);
    const args = replaceSuffix('op-1', [assistant('draft')], [assistant('final')]);
    assert.deepEqual(await applyBoth(pair, args), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await applyBoth(pair, args), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('q'), assistant('final')]);
  });

  it('the same operationId with a different transaction is a conflict and changes nothing', async () => {
    const pair = await sessionPair([user('q')]);
    await applyBoth(pair, append('op-1', [assistant('a')]));
    const before = await snapshot(pair.redis);
    for (const args of [append('op-1', [assistant('b')]), replaceSuffix('op-1', [assistant('a')], [assistant('b')])]) {
      const outcome = await applyBoth(pair, args);
      assert.ok(outcome.redis instanceof RedisSessionConflictError, String(outcome.redis));
      assert.ok(outcome.memory instanceof UserError);
    }
    assert.deepEqual(await snapshot(pair.redis), before);
  });

  it('a suffix mismatch is a conflict, changes nothing, and does not use up the operationId', async () => {
    const pair = await sessionPair([user('q'), assistant('a')]);
    const before = await snapshot(pair.redis);
    const outcome = await applyBoth(pair, replaceSuffix('op-1', [assistant('other')], [assistant('b')]));
    assert.ok(outcome.redis instanceof RedisSessionConflictError, String(outcome.redis));
    assert.ok(outcome.memory instanceof UserError);
    assert.deepEqual(await snapshot(pair.redis), before);
    assert.deepEqual(await applyBoth(pair, replaceSuffix('op-1', [assistant('a')], [assistant('b')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('q'), assistant('b')]);
  });

  it('an expectedSuffix longer than the history is a conflict and changes nothing', async () => {
    const pair = await sessionPair([user('q')]);
    const before = await snapshot(pair.redis);
    const outcome = await applyBoth(pair, replaceSuffix('op-1', [user('older'), user('q')], []));
    assert.ok(outcome.redis instanceof RedisSessionConflictError);
    assert.ok(outcome.memory instanceof UserError);
    assert.deepEqual(await snapshot(pair.redis), before);

    const empty = await sessionPair();
    assert.ok((await applyBoth(empty, replaceSuffix('op-1', [user('q')], [user('r')]))).redis instanceof RedisSessionConflictError);
    assert.equal(await fixture.redis.exists([...empty.redis.keys.all]), 0);
  });

  it('an expectedSuffix equal as JSON but with a different key order matches', async () => {
    const stored = [
      { type: 'function_call', callId: 'A', name: 'lookup', arguments: '{"q":1}', providerData: { a: 1, b: { c: [1, { d: 2, e: 3 }] } } },
      { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hi', annotations: [] }] },
    ] as AgentInputItem[];
    const reordered = [
      { providerData: { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }, arguments: '{"q":1}', name: 'lookup', callId: 'A', type: 'function_call' },
      { content: [{ annotations: [], text: 'hi', type: 'output_text' }], status: 'completed', role: 'assistant' },
    ] as AgentInputItem[];
    const pair = await sessionPair([user('q'), ...stored]);
    assert.deepEqual(await applyBoth(pair, replaceSuffix('op-1', reordered, [assistant('new')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('q'), assistant('new')]);
  });

  it('an expectedSuffix with empty arrays and objects, lone surrogates and escapes, in another key order, matches', async () => {
    const data = { a: [], b: {}, c: [[], {}, [[]]], s: 'x\ud800y"[]\\u0041', t: '\udc00', u: '[]{}"\\' };
    const reversed = Object.fromEntries(Object.entries(data).reverse());
    const pair = await sessionPair([{ role: 'user', content: 'q', providerData: data } as AgentInputItem]);
    const expected = { providerData: reversed, content: 'q', role: 'user' } as AgentInputItem;
    assert.deepEqual(await applyBoth(pair, replaceSuffix('op-1', [expected], [user('r')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await pair.redis.getItems(), [user('r')]);
  });

  const nearMisses: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['a string "1" against the number 1', { n: 1 }, { n: '1' }],
    ['null against a missing key', { n: null }, {}],
    ['an extra key', { n: 1 }, { n: 1, m: 2 }],
    ['arrays in another order', { n: [1, 2] }, { n: [2, 1] }],
    ['an array with an extra null', { n: [1] }, { n: [1, null] }],
    ['an empty array against an empty object', { n: [] }, { n: {} }],
    ['a nested empty array against an empty object', { n: [[], 1] }, { n: [{}, 1] }],
    ['the text "[]" against an empty array', { n: '[]' }, { n: [] }],
    ['a lone surrogate against the text of its escape', { n: '\ud800' }, { n: '\\ud800' }],
    ['one lone surrogate against another', { n: '\ud800' }, { n: '\udbff' }],
    ['false against 0', { n: false }, { n: 0 }],
  ];
  for (const [what, storedData, expectedData] of nearMisses) {
    it(`an expectedSuffix that differs by ${what} does not match`, async () => {
      const stored = { role: 'user', content: 'q', providerData: storedData } as AgentInputItem;
      const expected = { role: 'user', content: 'q', providerData: expectedData } as AgentInputItem;
      const pair = await sessionPair([stored]);
      const outcome = await applyBoth(pair, replaceSuffix('op-1', [expected], [user('r')]));
      assert.ok(outcome.memory instanceof UserError, 'MemorySession, the oracle, accepted it');
      assert.ok(outcome.redis instanceof RedisSessionConflictError, `RedisSession answered ${String(outcome.redis)}`);
    });
  }

  it('operation ids are per conversation, and clearSession forgets them', async () => {
    const first = await sessionPair();
    const second = await sessionPair();
    assert.deepEqual(await applyBoth(first, append('shared-op', [user('1')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await applyBoth(second, append('shared-op', [user('2')])), { redis: 'ok', memory: 'ok' });
    await first.redis.clearSession();
    await first.memory.clearSession();
    assert.deepEqual(await applyBoth(first, append('shared-op', [user('1')])), { redis: 'ok', memory: 'ok' });
    assert.deepEqual(await first.redis.getItems(), [user('1')]);
  });

  const invalidArguments: Array<[string, unknown]> = [
    ['an empty operationId', { operationId: '', transaction: { type: 'append_items', items: [] } }],
    ['a blank operationId', { operationId: '   ', transaction: { type: 'append_items', items: [] } }],
    ['a non-string operationId', { operationId: 7, transaction: { type: 'append_items', items: [] } }],
    ['no arguments object', null],
    ['a missing transaction', { operationId: 'op-bad' }],
    ['an unknown transaction type', { operationId: 'op-bad', transaction: { type: 'append', items: [] } }],
    ['an extra field on append_items', { operationId: 'op-bad', transaction: { type: 'append_items', items: [], extra: 1 } }],
    ['an extra field on replace_suffix', { operationId: 'op-bad', transaction: { type: 'replace_suffix', expectedSuffix: [], replacement: [], extra: 1 } }],
    ['a missing replacement', { operationId: 'op-bad', transaction: { type: 'replace_suffix', expectedSuffix: [] } }],
    ['items that are not an array', { operationId: 'op-bad', transaction: { type: 'append_items', items: { role: 'user', content: 'x' } } }],
    ['an invalid item', { operationId: 'op-bad', transaction: { type: 'append_items', items: [user('ok'), { foo: 1 }] } }],
    ['an invalid expectedSuffix item', { operationId: 'op-bad', transaction: { type: 'replace_suffix', expectedSuffix: [42], replacement: [] } }],
    ['an item holding a BigInt', { operationId: 'op-bad', transaction: { type: 'append_items', items: [{ role: 'user', content: 'x', providerData: { n: 1n } }] } }],
  ];
  for (const [what, args] of invalidArguments) {
    it(`${what} throws RedisSessionInputError and records neither history nor the operation id`, async () => {
      const pair = await sessionPair([user('q')]);
      await applyBoth(pair, append('op-earlier', [assistant('a')]));
      const before = await snapshot(pair.redis);
      const outcome = await applyBoth(pair, args as SessionHistoryTransactionArgs);
      assert.ok(outcome.redis instanceof RedisSessionInputError, `RedisSession answered ${String(outcome.redis)}`);
      assert.ok(outcome.memory instanceof UserError, 'MemorySession, the oracle, accepted it');
      assert.deepEqual(await snapshot(pair.redis), before);
      // The id of the rejected call is still free: a valid call with it applies.
      assert.deepEqual(await applyBoth(pair, append('op-bad', [user('valid')])), { redis: 'ok', memory: 'ok' });
      assert.deepEqual(await pair.redis.getItems(), [user('q'), assistant('a'), user('valid')]);
    });
  }

  it('the operation id is recorded with the change: a write that fails records no id', async () => {
    const session = fixture.session({ ttl: 600 });
    await fixture.redis.set(session.keys.items, 'not a list');
    await assert.rejects(session.applyHistoryTransaction(append('op-1', [user('x')])), RedisSessionCommandError);
    await assert.rejects(session.applyHistoryTransaction(replaceSuffix('op-2', [user('x')], [])), RedisSessionCommandError);
    assert.equal(await fixture.redis.exists(session.keys.meta), 0);

    await fixture.redis.del(session.keys.items);
    await session.applyHistoryTransaction(append('op-1', [user('x')]));
    assert.deepEqual(await session.getItems(), [user('x')]);
    // The one operation id that applied, beside the change-event version and the info (createdAt, updatedAt).
    assert.deepEqual(Object.keys(await fixture.redis.hGetAll(session.keys.meta)).sort(), ['c', 'op:op-1', 'u', 'v']);
    await assert.rejects(session.applyHistoryTransaction(append('op-1', [user('y')])), RedisSessionConflictError);
  });
});

describe('replaceHistoryWithCompaction', () => {
  it('replaces the whole history with the given items', async () => {
    const session = fixture.session({ ttl: 600 });
    await session.addItems([user('a'), assistant('b'), user('c')]);
    const compacted = [{ type: 'compaction', encrypted_content: 'summary' } as unknown as AgentInputItem, user('c')];
    await session.replaceHistoryWithCompaction(compacted);
    assert.deepEqual(await session.getItems(), compacted);
    await session.replaceHistoryWithCompaction([]);
    assert.deepEqual(await session.getItems(), []);
  });

  it('rejects invalid input and keeps the history', async () => {
    const session = fixture.session();
    await session.addItems([user('a')]);
    const before = await snapshot(session);
    await assert.rejects(session.replaceHistoryWithCompaction(user('x') as unknown as AgentInputItem[]), RedisSessionInputError);
    await assert.rejects(
      session.replaceHistoryWithCompaction([user('x'), { role: 'user', content: 'y', providerData: { n: 1n } } as AgentInputItem]),
      RedisSessionInputError,
    );
    assert.deepEqual(await snapshot(session), before);
  });

  it('is an atomic swap: a concurrent reader only ever sees one whole history (50 swaps)', async () => {
    const historyA = Array.from({ length: 30 }, (_, i) => user(`a${i}`));
    const historyB = [assistant('summary'), ...Array.from({ length: 12 }, (_, i) => user(`b${i}`))];
    const writer = fixture.session();
    await writer.replaceHistoryWithCompaction(historyA);
    // A separate connection, so that reads really interleave with the swaps on the server.
    const reader = new RedisSession({ client: fixture.redis, conversationId: writer.conversationId });
    const expected = new Set([JSON.stringify(historyA), JSON.stringify(historyB)]);
    let writing = true;
    const reads: string[] = [];
    const readLoop = (async () => {
      while (writing && reads.length < 5000) reads.push(JSON.stringify(await reader.getItems()));
    })();
    try {
      for (let swap = 0; swap < 50; swap++) await writer.replaceHistoryWithCompaction(swap % 2 === 0 ? historyB : historyA);
    } finally {
      writing = false;
      await readLoop;
      await reader.close();
    }
    assert.ok(reads.length > 0);
    for (const read of reads) assert.ok(expected.has(read), `a reader saw a mixed history: ${read.slice(0, 200)}`);
    assert.deepEqual(await writer.getItems(), historyA);
  });
});

describe('applyHistoryMutations replace_function_call, against applySessionHistoryMutations', () => {
  const replacement = (callId: string, args: string): SessionHistoryMutation => ({
    type: 'replace_function_call',
    callId,
    replacement: functionCall(callId, args) as SessionHistoryMutation['replacement'],
  });

  async function mutateBoth(history: AgentInputItem[], mutations: SessionHistoryMutation[]): Promise<AgentInputItem[]> {
    const session = fixture.session();
    await session.addItems(history);
    await session.applyHistoryMutations({ mutations });
    const stored = await session.getItems();
    assert.deepEqual(stored, applySessionHistoryMutations(history, mutations));
    return stored;
  }

  it('replaces the first matching function_call and removes later duplicates with the same callId', async () => {
    const history = [user('q'), functionCall('A', '{"v":1}'), functionResult('A'), functionCall('A', '{"v":2}'), functionCall('B'), functionResult('B'), functionCall('A', '{"v":3}')];
    const stored = await mutateBoth(history, [replacement('A', '{"v":"new"}')]);
    assert.deepEqual(stored, [user('q'), functionCall('A', '{"v":"new"}'), functionResult('A'), functionCall('B'), functionResult('B')]);
  });

  it('changes nothing when no function_call has the callId (results and look-alike text are not calls)', async () => {
    const history = [user('"callId":"A" and "A"'), functionResult('A'), functionCall('AB'), functionCall('a')];
    assert.deepEqual(await mutateBoth(history, [replacement('A', '{}')]), history);
  });

  it('applies several mutations in order, like the SDK', async () => {
    const history = [functionCall('A'), functionCall('B'), functionCall('A'), functionCall('C')];
    const renamed: SessionHistoryMutation = { type: 'replace_function_call', callId: 'A', replacement: functionCall('C', '{"from":"A"}') as SessionHistoryMutation['replacement'] };
    await mutateBoth(history, [replacement('B', '{"b":1}'), renamed, replacement('C', '{"c":1}'), replacement('missing', '{}')]);
  });

  it('an empty mutation list writes nothing', async () => {
    const session = fixture.session({ ttl: 60 });
    await session.applyHistoryMutations({ mutations: [] });
    assert.equal(await fixture.redis.exists([...session.keys.all]), 0);
  });

  it('an unknown mutation type is rejected and nothing is written', async () => {
    const session = fixture.session();
    await session.addItems([functionCall('A'), functionCall('B')]);
    const before = await snapshot(session);
    const mutations = [replacement('A', '{"x":1}'), { type: 'drop_function_call', callId: 'B' }] as unknown as SessionHistoryMutation[];
    await assert.rejects(session.applyHistoryMutations({ mutations }), RedisSessionInputError);
    await assert.rejects(
      session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'A', replacement: user('x') }] as unknown as SessionHistoryMutation[] }),
      RedisSessionInputError,
    );
    assert.deepEqual(await snapshot(session), before);
  });
});
