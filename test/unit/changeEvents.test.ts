/**
 * Unit tests (no Redis): reading a published change event (parseChangeEvent), the channel names, and the version
 * tracking that reports missed events (VersionTracker).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationChannel, parseChangeEvent, prefixChannel, type ChangeEvent } from '../../src/events/changeEvent.js';
import { VersionTracker } from '../../src/events/versionTracker.js';
import { encodeItem } from '../../src/serialization/codec.js';
import { user } from '../support/items.js';

const BASE = { conversationId: 'user-1', keyPrefix: 'conv:', at: 1_700_000_000_000, count: 1 };

/** An event as a script publishes it, as JSON text. */
const published = (fields: object): string => JSON.stringify({ ...BASE, ...fields });

describe('parseChangeEvent', () => {
  it('reads every event type, with its fields as published', () => {
    for (const type of ['add', 'pop', 'clear', 'transaction', 'compaction', 'mutation'] as const) {
      const event = parseChangeEvent(published({ type, version: 7 }));
      assert.deepEqual(event, { ...BASE, type, version: 7 });
    }
    const add = parseChangeEvent(published({ type: 'add', version: 2, count: 2, items: [user('a'), user('b')], trimmed: 1 }));
    assert.deepEqual(add?.items, [user('a'), user('b')]);
    assert.equal(add?.trimmed, 1);
    const transaction = parseChangeEvent(published({ type: 'transaction', version: 3, removed: 2 }));
    assert.equal(transaction?.removed, 2);
  });

  it('gives bytes in items back as Uint8Array, as getItems does', () => {
    const item = { ...user('with bytes'), providerData: { blob: new Uint8Array([0, 1, 254, 255]) } };
    const message = `{"type":"add","conversationId":"user-1","keyPrefix":"conv:","version":1,"at":1,"count":1,"items":[${encodeItem(item, 'item 0')}]}`;
    const event = parseChangeEvent(message);
    const blob = (event?.items?.[0] as unknown as { providerData: { blob: unknown } }).providerData.blob;
    assert.ok(blob instanceof Uint8Array, String(blob));
    assert.deepEqual([...blob], [0, 1, 254, 255]);
  });

  it('answers undefined for a message that is not an event', () => {
    for (const message of [
      'not json',
      '',
      'null',
      '42',
      '"add"',
      '[]',
      published({ type: 'rename', version: 1 }),
      published({ type: 'add', version: '1' }),
      JSON.stringify({ type: 'add', version: 1, keyPrefix: 'conv:' }),
      JSON.stringify({ type: 'add', version: 1, conversationId: 7 }),
    ]) {
      assert.equal(parseChangeEvent(message), undefined, message);
    }
  });
});

describe('channel names', () => {
  it('a conversation publishes in the slot of its keys; a prefix has one channel for all', () => {
    assert.equal(conversationChannel('conv:user-1'), '{conv:user-1}:events');
    assert.equal(prefixChannel('conv:'), 'conv:__events__');
    assert.equal(prefixChannel(''), '__events__');
  });
});

describe('VersionTracker', () => {
  const event = (type: ChangeEvent['type'], version: number): ChangeEvent => ({ ...BASE, type, version });

  it('takes the first event as the baseline, whatever its version', () => {
    assert.equal(new VersionTracker().check(event('add', 41)), undefined);
  });

  it('reports nothing while versions follow one another', () => {
    const tracker = new VersionTracker();
    for (let version = 1; version <= 5; version++) assert.equal(tracker.check(event('add', version)), undefined);
  });

  it('reports a gap with the version expected and the one received, then follows on from the received one', () => {
    const tracker = new VersionTracker();
    tracker.check(event('add', 1));
    assert.deepEqual(tracker.check(event('add', 4)), { expected: 2, received: 4 });
    assert.equal(tracker.check(event('pop', 5)), undefined);
    assert.deepEqual(tracker.check(event('add', 5)), { expected: 6, received: 5 }, 'a repeated or older version is a gap too');
  });

  it('expects version 1 after a clear, whatever the clear event carried', () => {
    const tracker = new VersionTracker();
    tracker.check(event('add', 9));
    assert.equal(tracker.check(event('clear', 10)), undefined);
    assert.equal(tracker.check(event('add', 1)), undefined);
    const missed = new VersionTracker();
    missed.check(event('clear', 3));
    assert.deepEqual(missed.check(event('add', 2)), { expected: 1, received: 2 });
  });
});
