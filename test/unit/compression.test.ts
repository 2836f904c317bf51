import assert from 'node:assert/strict';
import { brotliCompressSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { AgentInputItem } from '@openai/agents';
import { COMPRESSED_PREFIX, contentFingerprint, decompressEntry } from '../../src/compression/compressedEntry.js';
import { DEFAULT_COMPRESSION_MIN_BYTES, validateCompression } from '../../src/config/compression.js';
import { DEFAULT_MAX_ITEM_BYTES } from '../../src/config/limits.js';
import { encryptedCodec } from '../../src/encryption/encryptedCodec.js';
import { validateEncryption } from '../../src/encryption/keyring.js';
import { RedisSessionConfigError, RedisSessionInputError, RedisSessionIntegrityError, RedisSessionLimitError } from '../../src/errors.js';
import { parseChangeEvent } from '../../src/events/changeEvent.js';
import { describeEntry } from '../../src/cli/entries.js';
import { canonicalJson, encodeItem } from '../../src/serialization/codec.js';
import { plainCodec } from '../../src/serialization/itemCodec.js';
import { assistant, functionCall, user } from '../support/items.js';

// Unit tests of compression at rest (src/compression/, docs/compression.md), without Redis.

const MB = 1024 * 1024;
const page = (words: number, seed = 'page'): string =>
  Array.from({ length: words }, (_, i) => `${seed} word${i % 97} of the document, line ${i % 13}.`).join(' ');
const toolResult = (callId: string, text: string): AgentInputItem =>
  ({ type: 'function_call_result', callId, name: 'fetch', status: 'completed', output: { type: 'text', text } }) as AgentInputItem;
const settings = { minBytes: DEFAULT_COMPRESSION_MIN_BYTES };
const compressing = plainCodec(16 * MB, settings);
const plain = plainCodec(16 * MB);
const keyring = validateEncryption({ keys: { k1: Buffer.alloc(32, 7) }, currentKeyId: 'k1', allowPlaintext: true });

describe('compressed entries', () => {
  it('items of at least minBytes are stored compressed and smaller; smaller items as plain JSON', () => {
    const big = toolResult('c1', page(400));
    const [small, large] = compressing.encode([user('hi'), big]);
    assert.equal(small, encodeItem(user('hi'), 'item'));
    assert.ok(large!.startsWith(COMPRESSED_PREFIX), large!.slice(0, 40));
    assert.ok(large!.length * 3 < encodeItem(big, 'item').length, `${large!.length} vs ${encodeItem(big, 'item').length}`);
    assert.deepEqual(compressing.decode(large!), big);
  });

  it('an item that does not compress (random base64) is stored as plain JSON', () => {
    const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 2654435761) % 251)).toString('base64');
    const item = toolResult('c2', noise);
    const [entry] = compressing.encode([item]);
    // Random-looking text of 64 characters compresses a little, never enough to pay for the envelope: either is fine, smaller only.
    assert.ok(entry!.length <= encodeItem(item, 'item').length);
    assert.deepEqual(compressing.decode(entry!), item);
  });

  it('every codec reads plain, compressed and (with the key) encrypted entries mixed in one list', () => {
    const items = [user('a'), toolResult('c1', page(300)), functionCall('c3', JSON.stringify({ q: page(100) })), assistant('done')];
    const encrypted = encryptedCodec(keyring, 'conv-1', 'conv:conv-1', 16 * MB, settings);
    const entries = [...plain.encode(items.slice(0, 1)), ...compressing.encode(items.slice(1, 3)), ...plain.encode(items.slice(3))];
    // Turning compression off keeps reading compressed entries; turning it on keeps reading plain ones.
    for (const codec of [plain, compressing, encrypted]) assert.deepEqual(entries.map((entry) => codec.decode(entry)), items);
    const sealed = encrypted.encode(items);
    assert.deepEqual(sealed.map((entry) => encrypted.decode(entry)), items);
  });

  it('a compressed function call keeps its type and call id in clear text, for the mutateHistory script', () => {
    const call = functionCall('call-"x"', JSON.stringify({ text: page(200) }));
    const [entry] = compressing.encode([call]);
    assert.ok(entry!.startsWith(COMPRESSED_PREFIX));
    const fields = JSON.parse(entry!) as Record<string, unknown>;
    assert.equal(fields.type, 'function_call');
    assert.equal(fields.callId, 'call-"x"');
    assert.ok(entry!.includes(JSON.stringify('call-"x"')));
  });

  it('carries the fingerprint of the canonical JSON, which expected items send with their JSON', () => {
    const item = toolResult('c1', page(300));
    const [entry] = compressing.encode([item]);
    const fp = contentFingerprint(canonicalJson(item, 'item'));
    assert.equal((JSON.parse(entry!) as { fp: string }).fp, fp);
    // The same item with its keys in another order has the same fingerprint.
    const reordered = { output: (item as { output: unknown }).output, type: 'function_call_result', status: 'completed', name: 'fetch', callId: 'c1' };
    for (const codec of [plain, compressing]) {
      assert.equal(codec.expected([reordered], 'expectedSuffix item')[0], `\u0002${fp}\u0002${encodeItem(reordered, 'item')}`);
    }
  });

  it('an item whose JSON would start as a compressed entry is refused by every codec', () => {
    const item = { $z: 'br', fp: 'AAAA', z: '', ...user('x') };
    for (const codec of [plain, compressing, encryptedCodec(keyring, 'c', 'conv:c', MB)]) assert.throws(() => codec.encode([item]), RedisSessionInputError);
    // Elsewhere, or with another value, "$z" is an ordinary key.
    assert.deepEqual(plain.decode(plain.encode([{ ...user('x'), $z: 'br' }])[0]!), { ...user('x'), $z: 'br' });
    assert.deepEqual(plain.decode(plain.encode([{ $z: 1, ...user('x') }])[0]!), { $z: 1, ...user('x') });
  });

  it('maxItemBytes applies to the JSON before compression', () => {
    const item = toolResult('c1', page(400));
    const json = encodeItem(item, 'item');
    const limited = plainCodec(Buffer.byteLength(json) - 1, settings);
    assert.throws(() => limited.encode([item]), RedisSessionLimitError);
    assert.throws(() => encryptedCodec(keyring, 'c', 'conv:c', Buffer.byteLength(json) - 1, settings).encode([item]), RedisSessionLimitError);
    assert.deepEqual(plainCodec(Buffer.byteLength(json), settings).decode(plainCodec(Buffer.byteLength(json), settings).encode([item])[0]!), item);
  });
});

describe('corrupt compressed entries are corrupt entries, not crashes', () => {
  const [good] = compressing.encode([toolResult('c1', page(300))]);
  const corrupt = [
    ['truncated JSON', good!.slice(0, 60)],
    ['data that is not brotli', `${COMPRESSED_PREFIX}br","fp":"AAAA","z":"${Buffer.from('not brotli at all').toString('base64')}"}`],
    ['an unknown codec', good!.replace('{"$z":"br"', '{"$z":"xz"')],
    ['flipped data', good!.replace(/"z":"(.{20})/, (_, head: string) => `"z":"${[...head].reverse().join('')}`)],
    ['compressed text that is not an item', `${COMPRESSED_PREFIX}br","fp":"AAAA","z":"${brotliCompressSync('[1,2,3]').toString('base64')}"}`],
    ['clear fields that do not match', `${COMPRESSED_PREFIX}br","fp":"AAAA","z":"${brotliCompressSync(JSON.stringify(functionCall('a'))).toString('base64')}","type":"function_call","callId":"b"}`],
  ] as const;
  for (const [what, entry] of corrupt) {
    it(`${what}: decode gives undefined (skipped with a warning), show reports it corrupt`, () => {
      assert.equal(plain.decode(entry), undefined);
      assert.equal(compressing.decode(entry), undefined);
      assert.equal(describeEntry(entry).status, 'corrupt');
    });
  }

  it('a decompression bomb stops at the limit (the reader\'s maxItemBytes, at least 16 MiB)', () => {
    const bomb = `${COMPRESSED_PREFIX}br","fp":"AAAA","z":"${brotliCompressSync(Buffer.alloc(DEFAULT_MAX_ITEM_BYTES + 1, 0x20)).toString('base64')}"}`;
    assert.ok(bomb.length < 2000, String(bomb.length));
    assert.equal(decompressEntry(bomb, DEFAULT_MAX_ITEM_BYTES), undefined);
    assert.equal(plain.decode(bomb), undefined);
    assert.equal(describeEntry(bomb).status, 'corrupt');
    const item = toolResult('c1', 'x'.repeat(20 * MB));
    const [large] = plainCodec(32 * MB, settings).encode([item]);
    assert.equal(plain.decode(large!), undefined, 'a default reader refuses 20 MiB');
    assert.deepEqual(plainCodec(32 * MB).decode(large!), item, 'a reader with a larger maxItemBytes reads it');
  });

  it('an encrypted entry whose "z" field was removed or added fails authentication', () => {
    const codec = encryptedCodec(keyring, 'c', 'conv:c', 16 * MB, settings);
    const [compressed, small] = codec.encode([toolResult('c1', page(300)), user('hi')]);
    assert.ok(compressed!.includes(',"z":"br"') && !small!.includes('"z"'));
    const stripped = compressed!.replace(',"z":"br"', '');
    const added = small!.replace(/("fp":"[^"]*")/, '$1,"z":"br"');
    for (const entry of [stripped, added]) assert.throws(() => codec.decode(entry), /failed authentication/);
    assert.throws(() => codec.decode(compressed!.replace('"z":"br"', '"z":"xz"')), /compression codec/);
  });

  it('an encrypted entry whose compressed plaintext expands past the limit is an integrity error', () => {
    const writer = encryptedCodec(keyring, 'c', 'conv:c', 32 * MB, settings);
    const [entry] = writer.encode([toolResult('c1', 'y'.repeat(20 * MB))]);
    assert.ok(entry!.includes('"z":"br"'));
    assert.throws(() => encryptedCodec(keyring, 'c', 'conv:c', 16 * MB).decode(entry!), RedisSessionIntegrityError);
  });
});

describe('change events carry compressed entries, and subscribers get the items', () => {
  const event = (entries: string[]) =>
    `{"type":"add","conversationId":"c","keyPrefix":"conv:","version":1,"at":1,"count":${entries.length},"items":[${entries.join(',')}]}`;

  it('decompresses them, in order, with plain items around them', () => {
    const items = [user('q'), toolResult('c1', page(300)), assistant('a')];
    assert.deepEqual(parseChangeEvent(event(compressing.encode(items)))?.items, items);
  });

  it('a plain item with a "$z" key after its first one is an ordinary item', () => {
    const items = [{ ...user('q'), $z: 'br' }, toolResult('c1', page(300))] as AgentInputItem[];
    assert.deepEqual(parseChangeEvent(event(compressing.encode(items)))?.items, items);
  });

  it('an event with a corrupt compressed item carries its count only (reload with getItems)', () => {
    const [good] = compressing.encode([toolResult('c1', page(300))]);
    const parsed = parseChangeEvent(event([encodeItem(user('q'), 'item'), good!.replace('{"$z":"br"', '{"$z":"xz"')]));
    assert.equal(parsed?.count, 2);
    assert.equal(parsed?.items, undefined);
  });
});

describe('the compression option', () => {
  it('accepts true, false, undefined and { minBytes }', () => {
    assert.deepEqual(validateCompression(true), { minBytes: 1024 });
    assert.deepEqual(validateCompression({}), { minBytes: 1024 });
    assert.deepEqual(validateCompression({ minBytes: 1 }), { minBytes: 1 });
    assert.equal(validateCompression(false), undefined);
    assert.equal(validateCompression(undefined), undefined);
  });

  for (const bad of [null, 'yes', 1, [], { minBytes: 0 }, { minBytes: 1.5 }, { minBytes: '1024' }, { minBytes: 2 ** 30 }]) {
    it(`refuses ${JSON.stringify(bad)} with a config error`, () => {
      assert.throws(() => validateCompression(bad), (error: unknown) => error instanceof RedisSessionConfigError && /compression/.test(error.message));
    });
  }
});

