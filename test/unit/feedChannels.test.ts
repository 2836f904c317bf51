/**
 * Unit tests (no Redis): the per-slot feed channels of the store-wide change feed on a Redis Cluster
 * (src/events/feedChannels.ts). Writers and watchers of different processes must compute the same channels.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { feedChannel, feedChannelOf, feedChannels, SLOT_COUNT, slotOf } from '../../src/events/feedChannels.js';

describe('feed channels', () => {
  it('one channel per slot, each hashing to its own slot, under the prefix channel', () => {
    const channels = feedChannels('conv:');
    assert.equal(channels.length, SLOT_COUNT);
    assert.equal(new Set(channels).size, SLOT_COUNT);
    channels.forEach((channel, slot) => {
      assert.equal(slotOf(channel), slot, channel);
      assert.match(channel, /^conv:__events__\{[0-9a-z]{1,4}\}$/);
    });
  });

  it('a conversation publishes to the channel of its items key slot', () => {
    for (const id of ['user-1', 'ada', 'é', 'x'.repeat(1024)]) {
      const key = `conv:${id}`;
      assert.equal(slotOf(feedChannelOf('conv:', key)), slotOf(key));
      assert.equal(feedChannelOf('conv:', key), feedChannel('conv:', slotOf(key)));
    }
  });

  it('tags are stable: the first base-36 number of each slot (a change breaks writers and watchers of other releases)', () => {
    // "1bz" is the first base-36 number in slot 0, "emj" in slot 1, "0" (the very first) in slot 13907
    // (test/events.clusterFeed.test.ts checks channels against CLUSTER KEYSLOT of a real server).
    assert.deepEqual(feedChannels('p:').slice(0, 3), ['p:__events__{1bz}', 'p:__events__{emj}', 'p:__events__{7lw}']);
    assert.equal(feedChannel('', 13907), '__events__{0}');
  });
});
