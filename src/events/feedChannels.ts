import calculateSlot from 'cluster-key-slot';
import { prefixChannel } from './changeEvent.js';

/**
 * The store-wide change feed on a Redis Cluster: one sharded channel per hash slot.
 *
 * A plain PUBLISH on a cluster is broadcast to every node over the cluster bus, so one write would cost a message
 * per node. Instead, a write SPUBLISHes its store-wide event to the feed channel of its conversation's slot,
 * `<prefix>__events__{<tag>}`, which only the nodes of that slot's shard see; a watcher SSUBSCRIBEs to the feed
 * channels of all 16384 slots (each on the master that serves it). A script may only publish to a channel of its
 * keys' slot, hence one channel per slot rather than per master.
 *
 * `<tag>` is the first string of the sequence `0, 1, 2, …` written in base 36 (lowercase) whose CRC16 hash slot is
 * the slot. Writers and watchers must agree on it: changing how tags are chosen is an incompatible change of the
 * event format.
 */

/** How many hash slots a Redis Cluster has. */
export const SLOT_COUNT = 16384;

/** tags[slot]: the short hash tag of each slot, built once per process (about 160,000 CRC16s, a few ms). */
let tags: readonly string[] | undefined;

function slotTags(): readonly string[] {
  if (tags) return tags;
  const table = new Array<string | undefined>(SLOT_COUNT);
  let missing = SLOT_COUNT;
  // Bounded: every slot is reached after about 160,000 candidates; the bound is far above (and never hit).
  for (let candidate = 0; missing > 0 && candidate < 100 * SLOT_COUNT * 16; candidate++) {
    const tag = candidate.toString(36);
    const slot = calculateSlot(tag);
    if (table[slot] === undefined) {
      table[slot] = tag;
      missing--;
    }
  }
  if (missing > 0) throw new Error(`feed channels: no tag found for ${missing} hash slots`);
  tags = table as string[];
  return tags;
}

/** The hash slot of a key (of a conversation's items key: its keys hold no braces, so it is hashed whole). */
export function slotOf(key: string): number {
  return calculateSlot(key);
}

/** The feed channel of one hash slot under a key prefix: `<prefix>__events__{<tag>}`, in that slot. */
export function feedChannel(keyPrefix: string, slot: number): string {
  return `${prefixChannel(keyPrefix)}{${slotTags()[slot]}}`;
}

/** The feed channel a conversation's writes publish to on a cluster: the one in the slot of its items key. */
export function feedChannelOf(keyPrefix: string, itemsKey: string): string {
  return feedChannel(keyPrefix, slotOf(itemsKey));
}

/** The feed channels of every slot under a key prefix, slot 0 first: what a watcher subscribes to on a cluster. */
export function feedChannels(keyPrefix: string): string[] {
  return slotTags().map((tag) => `${prefixChannel(keyPrefix)}{${tag}}`);
}
