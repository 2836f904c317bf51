import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationKeys } from '../../src/config/keys.js';
import { MAX_EVENT_ITEMS_BYTES } from '../../src/events/changeEvent.js';
import {
  appendNeedsNoScript,
  EventMode,
  popNeedsNoScript,
  scriptContext,
  sessionArgsFor,
  type ScriptContextSettings,
} from '../../src/scripts/scriptContext.js';

// Unit tests (no Redis) of the per-conversation script context: the ARGV[1..6] every writing script takes
// (named in src/scripts/lua/lib/sessionArgs.lua), and when a write needs no script at all.

const keys = conversationKeys('conv:', 'user-1');
const settings = (more: Partial<ScriptContextSettings> = {}) => scriptContext({ conversationId: 'user-1', keyPrefix: 'conv:', keys, ...more });
const IDENTITY = '"conversationId":"user-1","keyPrefix":"conv:"';

describe('script context', () => {
  it('defaults: no TTL, events off (empty identity and channel), no limit, overflow trim', () => {
    const context = settings();
    assert.deepEqual(context.sessionArgs, ['0', '0', '', '', '0', 'trim']);
    assert.equal(context.events, EventMode.Off);
    assert.equal(context.keys, keys);
  });

  it('with events on, they carry items; the identity is a JSON fragment and the channel is the prefix channel', () => {
    const context = settings({ ttl: 3600, changeEvents: true, maxItems: 50, overflow: 'reject' });
    assert.deepEqual(context.sessionArgs, ['3600', '1', IDENTITY, 'conv:__events__', '50', 'reject']);
    assert.equal(context.events, EventMode.WithItems);
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
    const context = settings({ ttl: 60, changeEvents: true });
    const large = ['x'.repeat(MAX_EVENT_ITEMS_BYTES + 1)];
    assert.equal(sessionArgsFor(context, ['x'.repeat(MAX_EVENT_ITEMS_BYTES)])[1], EventMode.WithItems, 'exactly the limit fits');
    assert.deepEqual(sessionArgsFor(context, ['{"a":1}']), [...context.sessionArgs]);
    assert.deepEqual(sessionArgsFor(context, large), ['60', '2', IDENTITY, 'conv:__events__', '0', 'trim']);
    // Exactly at the limit counts the commas between items: two items of half the limit do not fit.
    const half = 'y'.repeat(MAX_EVENT_ITEMS_BYTES / 2);
    assert.equal(sessionArgsFor(context, [half, half])[1], EventMode.CountOnly);
    assert.equal(sessionArgsFor(context, [half.slice(1), half])[1], EventMode.WithItems);
    // Multi-byte characters count as their UTF-8 bytes.
    assert.equal(sessionArgsFor(context, ['é'.repeat(MAX_EVENT_ITEMS_BYTES / 2 + 1)])[1], EventMode.CountOnly);
    // Off and count-only stay as they are.
    assert.deepEqual(sessionArgsFor(settings(), large), [...settings().sessionArgs]);
    assert.equal(sessionArgsFor(settings({ changeEvents: true, eventsCarryItems: false }), ['{}'])[1], EventMode.CountOnly);
  });

  it('the argument array of a call is a copy: calls cannot change the context', () => {
    const context = settings({ changeEvents: true });
    const args = sessionArgsFor(context, []);
    args[0] = 'changed';
    assert.equal(context.sessionArgs[0], '0');
  });

  it('appends are a plain RPUSH only with no TTL, no events and no limit; pops only with no TTL and no events', () => {
    assert.equal(appendNeedsNoScript(settings()), true);
    assert.equal(appendNeedsNoScript(settings({ ttl: 1 })), false);
    assert.equal(appendNeedsNoScript(settings({ changeEvents: true })), false);
    assert.equal(appendNeedsNoScript(settings({ maxItems: 10 })), false);
    assert.equal(popNeedsNoScript(settings()), true);
    assert.equal(popNeedsNoScript(settings({ maxItems: 10 })), true);
    assert.equal(popNeedsNoScript(settings({ ttl: 1 })), false);
    assert.equal(popNeedsNoScript(settings({ changeEvents: true })), false);
  });
});
