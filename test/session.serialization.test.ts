import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MemorySession, type AgentInputItem, type SessionHistoryMutation } from '@openai/agents';
import { RedisSessionInputError, type Logger } from 'agents-redis-session';
import { configure } from 'safe-stable-stringify';
import { useSessionFixture } from './support/sessionFixture.js';
import { user } from './support/items.js';

const fixture = useSessionFixture();

const withData = (providerData: Record<string, unknown>): AgentInputItem =>
  ({ role: 'user', content: 'data', providerData }) as AgentInputItem;

/** A logger in the SDK's shape that records every warning. */
function capturingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    namespace: 'test:redis-session',
    debug: () => {},
    warn: (message: string, ...args: unknown[]) => warnings.push([message, ...args].join(' ')),
    error: () => {},
    dontLogModelData: true,
    dontLogToolData: true,
    warnings,
  };
}

/** Writes `items`, then checks that getItems and popItem both give them back deep-equal. */
async function assertRoundTrip(items: AgentInputItem[], expected: AgentInputItem[] = items): Promise<AgentInputItem[]> {
  const session = fixture.session({ ttl: 600 });
  await session.addItems(items);
  const read = await session.getItems();
  assert.deepEqual(read, expected);
  assert.deepEqual(await session.popItem(), expected.at(-1));
  return read;
}

function bytesOf(item: AgentInputItem | undefined, key: string): Uint8Array {
  const value = (item as { providerData: Record<string, unknown> }).providerData[key];
  assert.ok(value instanceof Uint8Array, `${key} is not a Uint8Array`);
  assert.equal(Object.getPrototypeOf(value), Uint8Array.prototype, `${key} is not a plain Uint8Array`);
  return value;
}

describe('binary data', () => {
  it('Uint8Array and Buffer values (including views with an offset) come back as Uint8Array with the same bytes', async () => {
    const random = new Uint8Array(randomBytes(1000));
    const pooled = Buffer.from('hello, bytes'); // a slice of Node's shared pool: byteOffset is usually not 0
    const view = random.subarray(10, 20);
    const item = withData({ random, pooled, view, empty: new Uint8Array(0), nested: { list: [new Uint8Array([0, 255])] } });
    const [read] = await assertRoundTrip([item], [
      withData({
        random,
        pooled: new Uint8Array(pooled),
        view: new Uint8Array(view),
        empty: new Uint8Array(0),
        nested: { list: [new Uint8Array([0, 255])] },
      }),
    ]);
    assert.deepEqual([...bytesOf(read, 'pooled')], [...Buffer.from('hello, bytes')]);
    assert.deepEqual([...bytesOf(read, 'view')], [...random.subarray(10, 20)]);
    assert.equal(bytesOf(read, 'empty').length, 0);
  });

  it('an expectedSuffix holding bytes matches the stored item, as in MemorySession', async () => {
    const stored = withData({ b: new Uint8Array([1, 2, 3]), a: 1 });
    const session = fixture.session();
    const memory = new MemorySession({ initialItems: [stored] });
    await session.addItems([stored]);
    const args = {
      operationId: 'op-bytes',
      transaction: { type: 'replace_suffix' as const, expectedSuffix: [withData({ a: 1, b: Buffer.from([1, 2, 3]) })], replacement: [user('r')] },
    };
    await session.applyHistoryTransaction(args);
    await memory.applyHistoryTransaction(args);
    assert.deepEqual(await session.getItems(), await memory.getItems());
  });
});

describe('large and unusual strings', () => {
  it('a 5 MB base64 string round-trips', async () => {
    const base64 = randomBytes(3_750_000).toString('base64');
    assert.equal(base64.length, 5_000_000);
    const item = { role: 'user', content: [{ type: 'input_image', image: `data:image/png;base64,${base64}` }] } as AgentInputItem;
    await assertRoundTrip([user('before'), item]);
  });

  it('any Unicode round-trips exactly: emoji, astral plane, RTL, combining marks, NUL and control characters', async () => {
    const texts = [
      '😀👩‍👩‍👧‍👦🏳️‍🌈',
      '𝌆 𠜎 𝄞 \u{10FFFF}',
      'مرحبا بالعالم \u200f שלום \u202bembedded\u202c',
      'e\u0301 n\u0303 Z\u0351\u0352\u0357\u0300',
      'before\u0000after',
      '\u0001\u001f\u007f \t\r\n \u2028\u2029 \ufeff',
      '"quotes" \\backslashes\\ {"json":"inside"} [] {}',
    ];
    const items = texts.map(user);
    items.push(withData(Object.fromEntries(texts.map((text, i) => [text, i]))));
    await assertRoundTrip(items);
  });

  it('lone surrogates round-trip unchanged (JSON.stringify escapes them as \\udXXX)', async () => {
    const items = [user('\ud800'), user('a\udc00b'), user('\udbff\ud800'), withData({ '\ud83d': '\ude00' })];
    const read = await assertRoundTrip(items);
    assert.equal((read[0] as { content: string }).content.charCodeAt(0), 0xd800);
    assert.equal((read[2] as { content: string }).content, '\udbff\ud800');
  });
});

describe('JSON values', () => {
  it('nested arrays, objects, null, booleans and numbers round-trip deep-equal', async () => {
    const value = {
      nothing: null,
      yes: true,
      no: false,
      numbers: [0, 1, -1, 1.5, -2.25e-7, 1e21, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE],
      deep: { a: [[[{ b: [null, { c: [] }] }]]], d: {}, e: [{}, [], ''] },
      '': 'empty key',
      'key with spaces and "quotes"': 1,
      __proto__x: 'not a prototype',
    };
    await assertRoundTrip([withData(value), { type: 'function_call', callId: 'c1', name: 'f', arguments: JSON.stringify(value) }]);
  });

  it('undefined object properties disappear (a documented exception); -0 and undefined in arrays are refused, not converted', async () => {
    const session = fixture.session();
    await session.addItems([withData({ missing: undefined, kept: 1 })]);
    const [read] = await session.getItems();
    assert.deepEqual(read, withData({ kept: 1 }));
    assert.ok(!Object.hasOwn((read as { providerData: object }).providerData, 'missing'));
    await assert.rejects(session.addItems([withData({ zero: -0 })]), /providerData\.zero is -0/);
    await assert.rejects(session.addItems([withData({ list: [undefined] })]), /providerData\.list\[0\] is undefined inside an array/);
    assert.equal(await fixture.redis.lLen(session.keys.items), 1);
  });
});

describe(`nesting: cjson in Redis's Lua decodes 1,000 levels`, () => {
  /** An item nested `depth` levels deep, the item itself being level 1. */
  const deepItem = (depth: number, base: Record<string, unknown> = { role: 'user', content: 'deep' }): AgentInputItem => {
    let value: unknown = 'leaf';
    for (let level = 2; level < depth; level++) value = { a: value };
    return { ...base, providerData: { a: value } } as unknown as AgentInputItem;
  };

  it('an item of 1,000 levels is stored, read back, matched by replace_suffix and found by mutations, as in MemorySession', async () => {
    const session = fixture.session({ ttl: 600 });
    const memory = new MemorySession();
    const deepCall = deepItem(1000, { type: 'function_call', callId: 'deep', name: 'f', arguments: '{}' });
    for (const target of [session, memory]) {
      await target.addItems([user('a'), deepItem(1000), deepCall]);
      await target.applyHistoryTransaction({
        operationId: 'op-deep',
        transaction: { type: 'replace_suffix', expectedSuffix: [deepItem(1000), deepCall], replacement: [deepCall, user('replaced')] },
      });
      await target.applyHistoryMutations({
        mutations: [{ type: 'replace_function_call', callId: 'deep', replacement: { type: 'function_call', callId: 'deep', name: 'g', arguments: '{}' } }],
      });
    }
    assert.deepEqual(await session.getItems(), await memory.getItems());
    assert.equal((await session.getItems())[1]?.type, 'function_call');
    assert.equal(((await session.getItems())[1] as { name: string }).name, 'g');
  });

  it('an item of 1,001 levels is refused by every write, including an expectedSuffix, and nothing is written', async () => {
    const session = fixture.session({ ttl: 600 });
    const deep = deepItem(1001);
    await assert.rejects(session.addItems([user('ok'), deep]), /item 1 cannot be stored: providerData.* is nested more than 1000 levels deep/);
    await assert.rejects(session.replaceHistoryWithCompaction([deep]), RedisSessionInputError);
    await assert.rejects(
      session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'replace_suffix', expectedSuffix: [deep], replacement: [user('r')] } }),
      /expectedSuffix item 0 cannot be stored/,
    );
    const replacement = deepItem(1001, { type: 'function_call', callId: 'c', name: 'f', arguments: '{}' });
    await assert.rejects(
      session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'c', replacement } as SessionHistoryMutation] }),
      RedisSessionInputError,
    );
    assert.equal(await fixture.redis.exists([...session.keys.all]), 0);
  });
});

describe('the stored text', () => {
  it('is the same whether an item takes the native fast path or the strict serializer', async () => {
    const strict = configure({ strict: true, deterministic: false, circularValue: Error });
    const nullPrototype = Object.assign(Object.create(null) as object, { type: 'message', role: 'user', content: 'no prototype' });
    const items = [
      { type: 'message', role: 'user', content: 'plain', extra: undefined },
      { type: 'message', role: 'user', content: 'lone \ud800 surrogate, "quotes", \\ backslash, \u0000 NUL, 😀, \u2028' },
      { type: 'function_call', callId: 'c', name: 'f', arguments: '{}', meta: { n: 0, big: 1e21, small: 5e-324, list: [[], {}, [null, true, 'x']] } },
      nullPrototype,
    ] as unknown as AgentInputItem[];
    const session = fixture.session({ changeEvents: false });
    await session.addItems(items);
    assert.deepEqual(await fixture.redis.lRange(session.keys.items, 0, -1), items.map((item) => strict(item)));
  });
});

describe('entries that are not valid items', () => {
  const corrupt = ['not json', '{"unterminated": ', '42', '"a string"', 'null', '[1,2]', 'true', ''];

  it('getItems skips stored entries that are not JSON objects, with one warning, and never throws', async () => {
    const logger = capturingLogger();
    const session = fixture.session({ logger });
    await session.addItems([user('first')]);
    await fixture.redis.rPush(session.keys.items, corrupt);
    await session.addItems([user('last')]);
    assert.deepEqual(await session.getItems(), [user('first'), user('last')]);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0] ?? '', new RegExp(`skipped ${corrupt.length} stored entries`));
    // A window counts stored entries, so a corrupt entry inside it leaves a gap.
    assert.deepEqual(await session.getItems(2), [user('last')]);
    assert.equal(logger.warnings.length, 2);
    assert.equal(await fixture.redis.lLen(session.keys.items), corrupt.length + 2);
  });

  for (const ttl of [undefined, 600]) {
    it(`popItem drops corrupt entries with a warning and returns the newest valid item (ttl ${ttl ?? 'none'})`, async () => {
      const logger = capturingLogger();
      const session = fixture.session({ logger, ttl });
      await session.addItems([user('valid')]);
      await fixture.redis.rPush(session.keys.items, corrupt);
      assert.deepEqual(await session.popItem(), user('valid'));
      assert.equal(logger.warnings.length, corrupt.length);
      await fixture.redis.rPush(session.keys.items, corrupt.slice(0, 2));
      assert.equal(await session.popItem(), undefined);
      assert.equal(await fixture.redis.exists(session.keys.items), 0);
    });
  }
});

describe('unserializable input', () => {
  const cyclic = (): Record<string, unknown> => {
    const node: Record<string, unknown> = { name: 'loop' };
    node.self = { parent: node };
    return node;
  };
  const cases: Array<[string, () => unknown]> = [
    ['a cycle', cyclic],
    ['a function', () => () => 'x'],
    ['a BigInt', () => 12n],
    ['a Symbol value', () => Symbol('s')],
    ['a Map', () => new Map([['k', 'v']])],
    ['a Set', () => new Set([1])],
    ['NaN', () => Number.NaN],
    ['Infinity', () => Number.POSITIVE_INFINITY],
    // Once converted silently; refused now, as JSON cannot carry them faithfully.
    ['a Date', () => new Date(0)],
    ['a Float32Array', () => new Float32Array([1.5])],
    ['an ArrayBuffer', () => new ArrayBuffer(4)],
    ['a RegExp', () => /a+/g],
    ['a boxed string', () => Object('x')],
    ['-0', () => -0],
    ['a class instance', () => new URL('https://example.com')],
    ['undefined in an array', () => [undefined]],
    ['1,001 levels of nesting', () => JSON.parse(`${'['.repeat(1001)}${']'.repeat(1001)}`)],
  ];

  for (const [what, make] of cases) {
    it(`an item holding ${what} is refused with RedisSessionInputError by every write, and nothing is written`, async () => {
      const session = fixture.session({ ttl: 600 });
      const bad = (): AgentInputItem => withData({ nested: [{ value: make() }] });
      await assert.rejects(session.addItems([user('ok'), bad()]), RedisSessionInputError);
      await assert.rejects(session.replaceHistoryWithCompaction([bad()]), RedisSessionInputError);
      await assert.rejects(
        session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [bad()] } }),
        RedisSessionInputError,
      );
      await assert.rejects(
        session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'replace_suffix', expectedSuffix: [bad()], replacement: [] } }),
        RedisSessionInputError,
      );
      const replacement = { type: 'function_call', callId: 'c', name: 'f', arguments: '{}', providerData: { value: make() } };
      await assert.rejects(
        session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'c', replacement } as SessionHistoryMutation] }),
        RedisSessionInputError,
      );
      assert.equal(await fixture.redis.exists([...session.keys.all]), 0);
    });
  }

  it('items that are not objects are refused', async () => {
    const session = fixture.session();
    for (const item of [null, 'text', 42, [user('x')]]) {
      await assert.rejects(session.addItems([item as unknown as AgentInputItem]), RedisSessionInputError);
    }
    assert.equal(await fixture.redis.exists([...session.keys.all]), 0);
  });
});
