import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_METADATA_BYTES, serializeMetadata, validateOwner, validateTitle } from '../../src/config/conversationInfo.js';
import { ownerIndexKey } from '../../src/config/keys.js';
import { conversationInfo, rawInfo } from '../../src/conversations/info.js';
import { checkUpdate, mergeMetadata } from '../../src/conversations/infoUpdate.js';
import { RedisSessionConfigError, RedisSessionInputError } from '../../src/errors.js';

// Unit tests (no Redis) of a conversation's info: option checks, the info script's reply, update's merge.

/** A reply of lua/conversationInfo-2.lua: the 16 fields (false when absent), then LLEN and PTTL. */
const reply = (fields: Record<string, string>, length: number, pttl: number) =>
  [...['c', 'u', 'o', 'ti', 'm', 'pc', 'pu', 'g', 'h', 'ur', 'ui', 'uo', 'ut', 'uc', 'ux', 'tn'].map((name) => fields[name] ?? false), length, pttl];

describe('owner, title and metadata checks', () => {
  it('owners are checked like ids; the index key uses the owner as its hash tag', () => {
    assert.equal(validateOwner('user-1'), 'user-1');
    for (const bad of ['', 'a{b', 'x}', 'tab\there', 'x'.repeat(257), 7, null, '\ud800']) assert.throws(() => validateOwner(bad), RedisSessionConfigError);
    assert.equal(ownerIndexKey('conv:', 'ada'), 'conv:__owner__:{ada}');
  });

  it('titles are one line of at most 1,000 characters; the error class follows where it came from', () => {
    assert.equal(validateTitle('Trip ✈', 'input'), 'Trip ✈');
    assert.throws(() => validateTitle('a\nb', 'option'), RedisSessionConfigError);
    assert.throws(() => validateTitle('', 'input'), (error: unknown) => error instanceof RedisSessionInputError && /Nothing was written/.test(error.message));
    assert.throws(() => validateTitle('x'.repeat(1001), 'input'), /1001 characters long; the maximum is 1000/);
  });

  it('metadata is a plain JSON object of at most 8 KiB, serialized once', () => {
    assert.equal(serializeMetadata({ a: [1, { b: null }] }, 'input'), '{"a":[1,{"b":null}]}');
    assert.throws(() => serializeMetadata([], 'option'), RedisSessionConfigError);
    assert.throws(() => serializeMetadata({ d: new Date(0) }, 'input'), /metadata cannot be stored: .*Date/);
    assert.throws(() => serializeMetadata({ n: Number.NaN }, 'input'), RedisSessionInputError);
    assert.throws(() => serializeMetadata({ b: new Uint8Array(2) }, 'input'), /base64/);
    assert.throws(() => serializeMetadata({ x: 'é'.repeat(MAX_METADATA_BYTES / 2) }, 'input'), /8200 bytes of JSON; the maximum is 8192/);
  });
});

describe('the info script reply', () => {
  it('parses every field, the item count and the TTL', () => {
    const raw = rawInfo(reply({ c: '1000', u: '2000', o: 'ada', ti: 'T', m: '{"k":1}', pc: 'src', pu: '3', ur: '2', ui: '20', uo: '10', ut: '30', uc: '4' }, 5, 61_500));
    assert.deepEqual(conversationInfo('id', raw), {
      conversationId: 'id',
      owner: 'ada',
      title: 'T',
      metadata: { k: 1 },
      createdAt: 1000,
      updatedAt: 2000,
      itemCount: 5,
      ttl: 62,
      parent: { conversationId: 'src', upTo: 3 },
      usage: { requests: 2, inputTokens: 20, outputTokens: 10, totalTokens: 30, inputTokensDetails: { cached_tokens: 4 }, outputTokensDetails: {} },
    });
  });

  it('a conversation without info reports null for what it lacks; one that does not exist is null', () => {
    const info = conversationInfo('old', rawInfo(reply({ m: 'not json', pu: 'x', pc: 'p' }, 2, -1)))!;
    assert.deepEqual([info.createdAt, info.owner, info.ttl, info.parent, info.metadata], [null, null, null, null, {}]);
    assert.equal(conversationInfo('gone', rawInfo(reply({}, 0, -2))), null);
    assert.throws(() => rawInfo(['short']), /unexpected reply/);
  });
});

describe('update', () => {
  it('merges metadata keys; null removes a key; an empty result removes the metadata', () => {
    assert.equal(mergeMetadata('{"a":1,"b":2}', { b: null, c: 3 }), '{"a":1,"c":3}');
    assert.equal(mergeMetadata(null, { a: 1 }), '{"a":1}');
    assert.equal(mergeMetadata('{"a":1}', { a: null }), null);
    assert.equal(mergeMetadata('{"a":1}', null), null);
    assert.equal(mergeMetadata('{"__proto__":{"x":1}}', { y: 2 }), '{"__proto__":{"x":1},"y":2}');
    assert.throws(() => mergeMetadata('{"big":"' + 'x'.repeat(8000) + '"}', { more: 'y'.repeat(300) }), RedisSessionInputError);
  });

  it('takes a title and/or metadata, nothing else', () => {
    assert.deepEqual(checkUpdate({ title: 'x' }), { title: 'x', metadata: undefined });
    assert.deepEqual(checkUpdate({ title: null, metadata: null }), { title: null, metadata: null });
    for (const bad of [null, 5, [], {}, { titel: 'x' }, { metadata: [] }, { metadata: 'x' }, { title: '' }]) {
      assert.throws(() => checkUpdate(bad), RedisSessionInputError, JSON.stringify(bad));
    }
  });
});
