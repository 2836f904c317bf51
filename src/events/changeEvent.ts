import type { AgentInputItem } from '@openai/agents';
import { DEFAULT_MAX_ITEM_BYTES } from '../config/limits.js';
import { COMPRESSED_PREFIX, decompressFields } from '../compression/compressedEntry.js';
import { decodeItem } from '../serialization/codec.js';

/** What changed in a conversation: its items, or (`info`) its title or metadata (`update()`). */
export type ChangeEventType = 'add' | 'pop' | 'clear' | 'transaction' | 'compaction' | 'mutation' | 'info';

/**
 * One change of a conversation, published by the Lua script that made it,
 * atomically with the change.
 */
export interface ChangeEvent {
  type: ChangeEventType;
  conversationId: string;
  keyPrefix: string;
  /**
   * Rises by 1 with every change of the conversation (HINCRBY on its metadata
   * hash, in the same script as the change). A `clear` event carries the next
   * version, and the count restarts at 1 with the next write.
   */
  version: number;
  /** Server time of the change, in ms since the epoch. */
  at: number;
  /**
   * The items appended (`add`), or the replacement (`transaction`, `compaction`),
   * oldest first; absent when their stored JSON is larger than 64 KiB, or the conversation
   * is encrypted at rest: then reload with `getItems`. Items stored compressed
   * (the `compression` option) arrive decompressed.
   */
  items?: AgentInputItem[];
  /** How many items were appended (`add`, `transaction`, `compaction`), removed (`pop`, `clear`) or rewritten (`mutation`); 0 for `info`. */
  count: number;
  /** `transaction` only: how many items at the end of the history the replacement took the place of. */
  removed?: number;
  /** `add`, `transaction`, `compaction` only, when `maxItems` is set: how many of the oldest items were dropped to stay within it. */
  trimmed?: number;
}

/** Receives change events. An exception it throws (or a promise it rejects) is logged, never propagated. */
export type ChangeListener = (event: ChangeEvent) => unknown;

/** Versions a subscriber expected and received, when events were missed. */
export interface GapInfo {
  expected: number;
  received: number;
}

/** Options of `RedisSession.subscribe`. */
export interface SubscribeOptions {
  /**
   * Called before an event whose version is not the one expected: events were
   * missed (pub/sub delivers at most once, for example not during a reconnect).
   * Reload the history with `getItems()` to resync.
   */
  onGap?: (info: GapInfo) => void;
}

/** Largest total JSON size of the items an event carries; beyond it, events carry only their count. */
export const MAX_EVENT_ITEMS_BYTES = 64 * 1024;

const EVENT_TYPES: ReadonlySet<string> = new Set<ChangeEventType>(['add', 'pop', 'clear', 'transaction', 'compaction', 'mutation', 'info']);

/** The sharded channel of one conversation: `{<prefix><id>}:events`, in the slot of its keys. */
export function conversationChannel(itemsKey: string): string {
  return `{${itemsKey}}:events`;
}

/** The channel of every conversation under a key prefix: `<prefix>__events__`. */
export function prefixChannel(keyPrefix: string): string {
  return `${keyPrefix}__events__`;
}

/**
 * Whether a change event can carry these serialized items: their JSON, joined
 * by commas, is at most {@link MAX_EVENT_ITEMS_BYTES}; else it carries their count only.
 */
export function eventCanCarry(entries: readonly string[]): boolean {
  let units = 0;
  for (const entry of entries) units += entry.length;
  // A UTF-16 code unit takes at most 3 bytes in UTF-8; count exactly only when that bound is exceeded.
  if (units * 3 <= MAX_EVENT_ITEMS_BYTES) return true;
  if (units > MAX_EVENT_ITEMS_BYTES) return false;
  let bytes = entries.length - 1; // the commas between items
  for (const entry of entries) bytes += Buffer.byteLength(entry);
  return bytes <= MAX_EVENT_ITEMS_BYTES;
}

/** Parses a published event; `undefined` when the message is not one. Bytes in items come back as `Uint8Array`. */
export function parseChangeEvent(message: string): ChangeEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const event = value as ChangeEvent;
  if (!EVENT_TYPES.has(event.type) || typeof event.version !== 'number' || typeof event.conversationId !== 'string') {
    return undefined;
  }
  if (Array.isArray(event.items) && message.includes(COMPRESSED_PREFIX)) {
    event.items = decompressItems(event.items);
  }
  if (Array.isArray(event.items) && message.includes('__bytes_b64__')) {
    // Rare: decode again the items that hold bytes, as getItems does.
    event.items = event.items.map((item) => decodeItem(JSON.stringify(item)) ?? item);
  }
  return event;
}

/** Most item JSON one event's compressed items may expand to: beyond it, or when one is corrupt, the event carries its count only. */
export const MAX_EVENT_DECOMPRESSED_BYTES = DEFAULT_MAX_ITEM_BYTES;

/**
 * The items of an event with its compressed entries (compression/compressedEntry.ts) decompressed, or `undefined`
 * (count only: reload with `getItems`) when one is corrupt or they expand past {@link MAX_EVENT_DECOMPRESSED_BYTES}.
 */
function decompressItems(items: AgentInputItem[]): AgentInputItem[] | undefined {
  let budget = MAX_EVENT_DECOMPRESSED_BYTES;
  const decoded: AgentInputItem[] = [];
  for (const item of items) {
    const fields = item as { $z?: unknown };
    // A compressed entry starts with "$z" (a plain item cannot: serialization/itemCodec.ts refuses it); JSON.parse keeps the order.
    if (fields === null || typeof fields !== 'object' || typeof fields.$z !== 'string' || Object.keys(fields)[0] !== '$z') {
      decoded.push(item);
      continue;
    }
    const json = budget > 0 ? decompressFields(fields, budget) : undefined;
    const value = json === undefined ? undefined : decodeItem(json);
    if (value === undefined) return undefined;
    budget -= Buffer.byteLength(json!);
    decoded.push(value);
  }
  return decoded;
}
