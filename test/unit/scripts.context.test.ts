import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationKeys } from '../../src/config/keys.js';
import { MAX_EVENT_ITEMS_BYTES } from '../../src/events/changeEvent.js';
import { feedChannel, slotOf } from '../../src/events/feedChannels.js';
import {
  EventMode,
  scriptContext,
  sessionArgsFor,
  type ScriptContextSettings,
} from '../../src/scripts/scriptContext.js';

// Unit tests (no Redis) of the per-conversation script context: the ARGV[1..11] every writing script takes
// (named in src/scripts/lua/lib/sessionArgs.lua), with the per-call ARGV[10] (usage), and its KEYS.

const keys = conversationKeys('conv:', 'user-1');
const settings = (more: Partial<ScriptContextSettings> = {}) => scriptContext({ conversationId: 'user-1', keyPrefix: 'conv:', keys, ...more });
const IDENTITY = '"conversationId":"user-1","keyPrefix":"conv:"';

describe('script context', () => {
  it('defaults: no TTL, events off (empty identity and channel), no limit, overflow trim', () => {
    const context = settings();
    assert.deepEqual(context.sessionArgs, ['0', '0', '', '', '0', 'trim', '', '', '']);
    assert.equal(context.events, EventMode.Off);
    assert.equal(context.keys, keys);
  });

  it('with events on, they carry items; the identity is a JSON fragment and the channel is the prefix channel', () => {
    const context = settings({ ttl: 3600, changeEvents: true, maxItems: 50, overflow: 'reject', cluster: false });
    assert.deepEqual(context.sessionArgs, ['3600', '1', IDENTITY, 'conv:__events__', '50', 'reject', '', '', '']);
    assert.equal(context.events, EventMode.WithItems);
  });

  it('on a cluster, the store-wide channel is the feed channel of the conversation slot (sharded: it ends in "}")', () => {
    const channel = settings({ changeEvents: true }).sessionArgs[3];
    assert.equal(channel, feedChannel('conv:', slotOf('conv:user-1')));
    assert.match(channel, /^conv:__events__\{[0-9a-z]+\}$/);
    assert.equal(settings({ changeEvents: true, cluster: true }).sessionArgs[3], channel);
    assert.equal(settings({ cluster: true }).sessionArgs[3], '', 'no channel with events off');
  });

  it('the identity escapes the id and prefix as JSON', () => {
    const context = scriptContext({ conversationId: 'a"b\\c', keyPrefix: 'p"', keys, changeEvents: true });
    assert.equal(context.sessionArgs[2], '"conversationId":"a\\"b\\\\c","keyPrefix":"p\\""');
    assert.equal(JSON.parse(`{${context.sessionArgs[2]}}`).conversationId, 'a"b\\c');
  });

  it('an encrypted conversation (events cannot carry items) publishes counts only', () => {
    const context = settings({ changeEvents: true, eventsCarryItems: false });
    assert.equal(context.events, EventMode.CountOnly);
    assert.equal(context.sessionArgs[1], '2');
    // Events off stay off, whatever the codec.
    assert.equal(settings({ changeEvents: false, eventsCarryItems: false }).events, EventMode.Off);
  });

  it('a write whose items are too large for an event sends it count-only; small ones keep the items', () => {
    const context = settings({ ttl: 60, changeEvents: true, cluster: false });
    const large = ['x'.repeat(MAX_EVENT_ITEMS_BYTES + 1)];
    assert.equal(sessionArgsFor(context, ['x'.repeat(MAX_EVENT_ITEMS_BYTES)])[1], EventMode.WithItems, 'exactly the limit fits');
    assert.deepEqual(sessionArgsFor(context, ['{"a":1}']), [...context.sessionArgs, '', 'user-1']);
    assert.deepEqual(sessionArgsFor(context, large), ['60', '2', IDENTITY, 'conv:__events__', '0', 'trim', '', '', '', '', 'user-1']);
    // Exactly at the limit counts the commas between items: two items of half the limit do not fit.
    const half = 'y'.repeat(MAX_EVENT_ITEMS_BYTES / 2);
    assert.equal(sessionArgsFor(context, [half, half])[1], EventMode.CountOnly);
    assert.equal(sessionArgsFor(context, [half.slice(1), half])[1], EventMode.WithItems);
    // Multi-byte characters count as their UTF-8 bytes.
    assert.equal(sessionArgsFor(context, ['é'.repeat(MAX_EVENT_ITEMS_BYTES / 2 + 1)])[1], EventMode.CountOnly);
    // Off and count-only stay as they are.
    assert.deepEqual(sessionArgsFor(settings(), large), [...settings().sessionArgs, '', 'user-1']);
    assert.equal(sessionArgsFor(settings({ changeEvents: true, eventsCarryItems: false }), ['{}'])[1], EventMode.CountOnly);
  });

  it('the argument array of a call is a copy: calls cannot change the context', () => {
    const context = settings({ changeEvents: true });
    const args = sessionArgsFor(context, []);
    args[0] = 'changed';
    assert.equal(context.sessionArgs[0], '0');
  });

  it('owner, initial title and metadata are ARGV[7..9]; the usage of one write is ARGV[10]; the id ARGV[11]', () => {
    const context = settings({ owner: 'ada', title: 'Trip', metadataJson: '{"tag":1}' });
    assert.deepEqual(context.sessionArgs.slice(6), ['ada', 'Trip', '{"tag":1}']);
    assert.equal(context.owner, 'ada');
    assert.deepEqual(sessionArgsFor(context, ['{}'], '1,10,5,15,0,0').slice(6), ['ada', 'Trip', '{"tag":1}', '1,10,5,15,0,0', 'user-1']);
  });

  it('a write keeps the owner index in its script only with an owner on a single server (KEYS[3])', () => {
    const two = ['conv:user-1', '{conv:user-1}:meta'];
    assert.deepEqual(settings({ owner: 'ada', cluster: false }).writeKeys, [...two, 'conv:__owner__:{ada}']);
    assert.equal(settings({ owner: 'ada', cluster: false }).indexesInScript, true);
    assert.deepEqual(settings({ owner: 'ada', cluster: true }).writeKeys, two);
    assert.deepEqual(settings({ owner: 'ada' }).writeKeys, two, 'unknown topology: the pipelined index, right everywhere');
    assert.deepEqual(settings({ cluster: false }).writeKeys, two, 'no owner, no index');
    assert.equal(settings({ cluster: false }).indexesInScript, false);
  });
});
