import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import type { AgentInputItem } from '@openai/agents';
import { encryptedCodec } from '../../src/encryption/encryptedCodec.js';
import { validateEncryption } from '../../src/encryption/keyring.js';
import { RedisSessionInputError } from '../../src/errors.js';
import { prepareMutations } from '../../src/history/mutations.js';
import { prepareTransaction } from '../../src/history/transactions.js';
import { canonicalJson, decodeItem, encodeItem } from '../../src/serialization/codec.js';
import { plainCodec } from '../../src/serialization/itemCodec.js';
import { MAX_ITEM_DEPTH } from '../../src/serialization/storable.js';

// Unit tests of the item rule (src/serialization/storable.ts), without Redis:
// refuse what JSON cannot carry faithfully, with two documented exceptions.

const withData = (providerData: unknown): AgentInputItem => ({ role: 'user', content: 'data', providerData }) as AgentInputItem;

/** What each refused kind is, built fresh, and a word its message must contain. */
const REFUSED: Array<[string, () => unknown, RegExp]> = [
  ['NaN', () => Number.NaN, /NaN/],
  ['Infinity', () => Number.POSITIVE_INFINITY, /Infinity/],
  ['-Infinity', () => Number.NEGATIVE_INFINITY, /-Infinity/],
  ['-0', () => -0, /-0 .*store 0/],
  ['a BigInt', () => 12n, /BigInt/],
  ['a function', () => () => 1, /function/],
  ['a symbol', () => Symbol('s'), /symbol/],
  ['undefined in an array', () => [1, undefined], /undefined inside an array/],
  ['a hole in an array', () => [1, , 3], /empty slot/], // eslint-disable-line no-sparse-arrays
  ['a Date', () => new Date(0), /Date.*toISOString/],
  ['an invalid Date', () => new Date(Number.NaN), /Date/],
  ['a RegExp', () => /a+/g, /RegExp/],
  ['a Map', () => new Map([['k', 'v']]), /Map.*Object\.fromEntries/],
  ['a Set', () => new Set([1]), /Set.*\[\.\.\.set\]/],
  ['a WeakMap', () => new WeakMap(), /WeakMap/],
  ['a Float32Array', () => new Float32Array([1.5]), /Float32Array.*Uint8Array/],
  ['a Float64Array', () => new Float64Array([1]), /Float64Array/],
  ['an Int8Array', () => new Int8Array([1]), /Int8Array/],
  ['a Uint16Array', () => new Uint16Array([1]), /Uint16Array/],
  ['a Uint8ClampedArray', () => new Uint8ClampedArray([1]), /Uint8ClampedArray/],
  ['a BigInt64Array', () => new BigInt64Array([1n]), /BigInt64Array/],
  ['a DataView', () => new DataView(new ArrayBuffer(2)), /DataView/],
  ['an ArrayBuffer', () => new ArrayBuffer(2), /ArrayBuffer.*new Uint8Array\(buffer\)/],
  ['a SharedArrayBuffer', () => new SharedArrayBuffer(2), /SharedArrayBuffer/],
  ['a boxed string', () => new String('x'), /boxed String.*valueOf/], // eslint-disable-line no-new-wrappers
  ['a boxed number', () => new Number(1), /boxed Number/], // eslint-disable-line no-new-wrappers
  ['a boxed boolean', () => new Boolean(false), /boxed Boolean/], // eslint-disable-line no-new-wrappers
  ['a boxed BigInt', () => Object(1n), /boxed BigInt/],
  ['a boxed symbol', () => Object(Symbol('s')), /boxed Symbol/],
  ['an Error', () => new TypeError('boom'), /TypeError/],
  ['a class instance', () => new (class Point { x = 1; y = 2; })(), /instance of Point/],
  ['a Promise', () => Promise.resolve(1), /instance of Promise/],
  ['an Array subclass', () => new (class List extends Array {})(), /Array subclass/],
  ['an object with toJSON', () => ({ toJSON: () => 'x' }), /toJSON/],
  ['an object that looks like stored bytes', () => ({ __bytes_b64__: 'AAAA' }), /__bytes_b64__.*rename/],
  ['a cycle', () => { const node: Record<string, unknown> = {}; node.self = { back: node }; return node; }, /cycle/],
];

function assertRefused(make: () => AgentInputItem, pattern: RegExp, path: string | undefined, position = 'item 0') {
  assert.throws(
    () => plainCodec(Number.MAX_SAFE_INTEGER).encode([{ role: 'user', content: 'fine' }, make()]).length,
    (error: unknown) => {
      assert.ok(error instanceof RedisSessionInputError, `not an input error: ${String(error)}`);
      assert.match(error.message, pattern);
      assert.match(error.message, new RegExp(`^${position.replace(/ 0$/, ' 1')} cannot be stored`));
      if (path !== undefined) assert.ok(error.message.includes(`: ${path}`), `${error.message} does not name ${path}`);
      assert.match(error.message, /Nothing was written\.$/);
      return true;
    },
  );
}

describe('refused values', () => {
  for (const [what, make, pattern] of REFUSED) {
    it(`${what}, anywhere in an item, is refused naming its path and what to store instead`, () => {
      assertRefused(() => withData({ nested: [{ value: make() }] }), pattern, 'providerData.nested[0].value');
      assertRefused(() => ({ ...withData(null), [`odd "key"`]: make() }) as unknown as AgentInputItem, pattern, '["odd \\"key\\""]');
      assert.throws(() => canonicalJson(withData({ value: make() }), 'value'), RedisSessionInputError);
    });
  }

  it('a class instance as the item itself is refused', () => {
    class Message {
      role = 'user';
      content = 'hi';
    }
    assert.throws(() => encodeItem(new Message(), 'item 0'), /item 0 cannot be stored: it is an instance of Message/);
  });
});

describe('accepted values and their round trip', () => {
  const roundTrip = (item: AgentInputItem) => decodeItem(encodeItem(item, 'item 0'));

  it('strings (lone surrogates written escaped), finite numbers, booleans, null, arrays and plain objects come back deep-equal', () => {
    const item = withData({
      text: ['', 'é😀', '\ud800', 'a\udc00b', '\u0000\u2028'],
      numbers: [0, 1, -1, 1.5, 5e-324, Number.MAX_VALUE, -Number.MAX_SAFE_INTEGER],
      flags: [true, false, null],
      deep: { a: [[{ b: {} }]], e: [] },
      toJSON: 'a field named toJSON that is not a function',
    });
    const json = encodeItem(item, 'item 0');
    assert.ok(json.includes('\\ud800') && json.includes('\\udc00'), 'lone surrogates are escaped in the stored text');
    assert.deepEqual(decodeItem(json), item);
  });

  it('Uint8Array and Buffer (documented exception) come back as Uint8Array', () => {
    const read = roundTrip(withData({ bytes: new Uint8Array([0, 255]), buffer: Buffer.from('hi'), view: new Uint8Array([1, 2, 3]).subarray(1) }));
    assert.deepEqual(read, withData({ bytes: new Uint8Array([0, 255]), buffer: new Uint8Array(Buffer.from('hi')), view: new Uint8Array([2, 3]) }));
  });

  it('undefined object properties (documented exception) are dropped', () => {
    const read = roundTrip({ role: 'user', content: 'x', providerData: undefined, nested: { gone: undefined, kept: 1 } } as unknown as AgentInputItem);
    assert.deepEqual(read, { role: 'user', content: 'x', nested: { kept: 1 } });
  });

  it('null-prototype objects and objects from another realm (vm) are plain objects', () => {
    const bare = Object.assign(Object.create(null) as object, { role: 'user', content: 'no prototype' });
    assert.deepEqual(roundTrip(bare as AgentInputItem), { role: 'user', content: 'no prototype' });
    const foreign = runInNewContext('({ role: "user", content: "other realm", list: [1, { a: 2 }] })') as AgentInputItem;
    assert.equal(encodeItem(foreign, 'item 0'), '{"role":"user","content":"other realm","list":[1,{"a":2}]}');
  });

  it('a value shared by two fields (not a cycle) is written twice', () => {
    const shared = { a: 1 };
    assert.deepEqual(roundTrip(withData({ x: shared, y: shared })), withData({ x: { a: 1 }, y: { a: 1 } }));
  });

  it('the stored text is native JSON.stringify, whichever path the item takes', () => {
    const items = [
      { type: 'message', role: 'user', content: 'plain', extra: undefined },
      { type: 'function_call', callId: 'c', name: 'f', arguments: '{}', meta: { big: 1e21, small: 5e-324, list: [[], {}, [null, true, 'x']] } },
      { role: 'user', content: 'deep', providerData: nest(100, { leaf: 'x' }) },
      { role: 'user', content: 'lone \ud800', key: { toJSON: 'string' } },
    ];
    for (const item of items) assert.equal(encodeItem(item, 'item 0'), JSON.stringify(item));
    // With bytes, the same text with each Uint8Array as its tagged base64 object.
    const tagged = (bytes: Uint8Array) => ({ __bytes_b64__: Buffer.from(bytes).toString('base64') });
    const text = 'lone \ud800 \udfff, "quotes", \\, \u0000, \u2028, 😀';
    const withBytes = { role: 'user', content: text, providerData: { b: Buffer.from('hi'), list: [new Uint8Array([1]), 1.5e300, text], gone: undefined } };
    const expected = { role: 'user', content: text, providerData: { b: tagged(Buffer.from('hi')), list: [tagged(new Uint8Array([1])), 1.5e300, text] } };
    assert.equal(encodeItem(withBytes, 'item 0'), JSON.stringify(expected));
  });
});

/** `{ a: { a: ... leaf } }` with `levels` objects around `leaf`. */
function nest(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}
function nestArrays(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}
/** The nesting depth of JSON text as cjson counts it: objects and arrays, the outermost being 1. */
function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') max = Math.max(max, ++depth);
    else if (char === '}' || char === ']') depth--;
  }
  return max;
}

describe(`nesting (cjson in Redis's Lua decodes at most ${MAX_ITEM_DEPTH} levels)`, () => {
  // The item is level 1, providerData level 2, make(n) inside it levels 3 to n + 2; bytes (an object when stored) count as a level.
  const itemOfDepth = (depth: number, make = nest, leaf: unknown = 'leaf') => withData({ l: make(depth - 2, leaf) });
  const bytesAtDepth = (depth: number) => withData({ l: nest(depth - 3, new Uint8Array([1])) });

  it('1,000 levels (objects, arrays, or bytes as the innermost level) are stored; the stored text has that depth', () => {
    for (const item of [itemOfDepth(1000), itemOfDepth(1000, nestArrays), bytesAtDepth(1000)]) {
      const json = encodeItem(item, 'item 0');
      assert.equal(jsonDepth(json), 1000);
      assert.deepEqual(decodeItem(json), item);
    }
  });

  it('1,001 levels are refused by every write path, naming the limit', () => {
    const deep = [itemOfDepth(1001), itemOfDepth(1001, nestArrays), bytesAtDepth(1001)];
    for (const item of deep) {
      assert.throws(() => encodeItem(item, 'item 0'), /item 0 cannot be stored: providerData.*is nested more than 1000 levels deep.*cjson/);
      const codec = plainCodec(64 * 1024 * 1024);
      assert.throws(() => codec.encode([item]), RedisSessionInputError);
      assert.throws(() => codec.expected([item], 'expectedSuffix item'), RedisSessionInputError);
      assert.throws(
        () => prepareTransaction({ operationId: 'op', transaction: { type: 'replace_suffix', expectedSuffix: [item], replacement: [] } }, codec),
        /expectedSuffix item 0 cannot be stored/,
      );
      assert.throws(
        () => prepareTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [item] } }, codec),
        /replacement item 0 cannot be stored/,
      );
      const replacement = { type: 'function_call', callId: 'c', name: 'f', arguments: '{}', providerData: (item as { providerData: unknown }).providerData };
      assert.throws(
        () => prepareMutations({ mutations: [{ type: 'replace_function_call', callId: 'c', replacement } as never] }, codec),
        /mutations\[0\]\.replacement 0 cannot be stored/,
      );
    }
  });

  it('a transaction of items at the limit is accepted (its own two levels do not count)', () => {
    const item = itemOfDepth(1000);
    const prepared = prepareTransaction({ operationId: 'op', transaction: { type: 'replace_suffix', expectedSuffix: [item], replacement: [item] } }, plainCodec(64 * 1024 * 1024));
    assert.equal(prepared.replacement.length, 1);
  });

  it('a value nested far deeper (100,000 levels) is refused without overflowing the stack', () => {
    assert.throws(() => encodeItem(itemOfDepth(100_000), 'item 0'), /nested more than 1000 levels/);
  });
});

describe('the encrypted codec follows the same rule', () => {
  const keyring = validateEncryption({ keys: { k: Buffer.alloc(32, 7) }, currentKeyId: 'k' });
  const codec = encryptedCodec(keyring, 'conv-1', 'conv:conv-1', 64 * 1024 * 1024);

  for (const [what, make, pattern] of REFUSED) {
    it(`refuses ${what} in encode and expected`, () => {
      assert.throws(() => codec.encode([withData({ value: make() })]), pattern);
      assert.throws(() => codec.expected([withData({ value: make() })], 'expectedSuffix item'), pattern);
    });
  }

  it('refuses 1,001 levels and round-trips 1,000', () => {
    assert.throws(() => codec.encode([withData(nest(1000, 'x'))]), /nested more than 1000 levels/);
    const item = withData(nest(998, new Uint8Array([1]))); // bytes at level 1000
    const [entry] = codec.encode([item]);
    assert.deepEqual(codec.decode(entry as string), item);
  });
});
