import type { AgentInputItem } from '@openai/agents';
import { RedisSessionLimitError } from '../errors.js';
import { decodeItem, encodeItem } from './codec.js';

/**
 * How a session turns items into stored entries and back: plain JSON, or
 * JSON encrypted at rest (src/encryption/encryptedCodec.ts). Both check the
 * `maxItemBytes` limit on the JSON before anything is sent.
 */
export interface ItemCodec {
  /**
   * Serializes items for storage, checking every one first.
   * @throws {RedisSessionInputError} when an item cannot be stored as JSON.
   * @throws {RedisSessionLimitError} when an item is larger than `maxItemBytes`.
   */
  encode(items: readonly unknown[], what?: string): string[];
  /** What the `applyTransaction` script compares stored entries with, one per expected item. */
  expected(items: readonly unknown[], what: string): string[];
  /**
   * Parses one stored entry. Returns `undefined` for an entry that is not an
   * item (skipped with a warning); throws `RedisSessionIntegrityError` for one
   * that must not be trusted (encrypted sessions only).
   */
  decode(entry: string): AgentInputItem | undefined;
  /** Whether change events may carry the stored entries (not when they are ciphertext). */
  readonly eventsCarryItems: boolean;
}

/**
 * Serializes one item and checks its size in UTF-8 bytes. `position` names the item in messages.
 *
 * @throws {RedisSessionLimitError} when the JSON is larger than `maxItemBytes`.
 */
export function encodeWithinLimit(item: unknown, position: string, maxItemBytes: number): string {
  const json = encodeItem(item, position);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: count exactly only when that bound is over the limit.
  if (json.length * 3 > maxItemBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxItemBytes) {
      throw new RedisSessionLimitError(
        `${position} is ${bytes} bytes as JSON; the session's maxItemBytes is ${maxItemBytes}. ` +
          'Store large content (files, images) elsewhere and keep a reference in the item, or raise maxItemBytes.',
      );
    }
  }
  return json;
}

/** Items stored as plain JSON text. */
export function plainCodec(maxItemBytes: number): ItemCodec {
  return {
    encode: (items, what = 'item') => items.map((item, index) => encodeWithinLimit(item, `${what} ${index}`, maxItemBytes)),
    // Expected items were stored before, perhaps under another limit: only their JSON matters.
    expected: (items, what) => items.map((item, index) => encodeItem(item, `${what} ${index}`)),
    decode: decodeItem,
    eventsCarryItems: true,
  };
}
