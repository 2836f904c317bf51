import type { AgentInputItem } from '@openai/agents';
import { RedisSessionInputError, RedisSessionLimitError } from '../errors.js';
import { COMPRESSED_PREFIX, compressEntry, contentFingerprint, decompressEntry, decompressionLimit } from '../compression/compressedEntry.js';
import type { CompressionSettings } from '../config/compression.js';
import { canonicalJson, decodeItem, encodeItem } from './codec.js';

/**
 * How a session turns items into stored entries and back: plain JSON (compressed when large, with the `compression`
 * option), or JSON encrypted at rest (src/encryption/encryptedCodec.ts). Both check the `maxItemBytes` limit on the
 * JSON, before compression, before anything is sent.
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
 * @throws {RedisSessionInputError} when the item cannot be stored, or its JSON starts as a compressed entry does.
 * @throws {RedisSessionLimitError} when the JSON is larger than `maxItemBytes`.
 */
export function encodeWithinLimit(item: unknown, position: string, maxItemBytes: number): string {
  const json = encodeItem(item, position);
  if (json.startsWith(COMPRESSED_PREFIX)) {
    throw new RedisSessionInputError(
      `${position} has "$z" as its first key, with a string value: that is how compressed entries are stored, so it would be ` +
        'read back as one. Rename the field or move it after another. Nothing was written.',
    );
  }
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

/**
 * Parses one stored entry that is not encrypted: plain JSON, or compressed (compression/compressedEntry.ts), whatever
 * the session's own `compression` option, so that turning compression on or off never hides items. A compressed
 * entry that is corrupt, or expands past `maxBytes`, is not an item: `undefined`, as for any corrupt entry.
 */
export function decodePlainEntry(entry: string, maxBytes: number): AgentInputItem | undefined {
  if (!entry.startsWith(COMPRESSED_PREFIX)) return decodeItem(entry);
  const json = decompressEntry(entry, maxBytes);
  return json === undefined ? undefined : decodeItem(json);
}

/**
 * Items stored as plain JSON text; with `compression`, those of at least `compression.minBytes` are stored compressed
 * when that makes them smaller.
 */
export function plainCodec(maxItemBytes: number, compression?: CompressionSettings): ItemCodec {
  const maxBytes = decompressionLimit(maxItemBytes);
  const store = (item: unknown, position: string): string => {
    const json = encodeWithinLimit(item, position, maxItemBytes);
    return compression === undefined ? json : compressEntry(item, json, compression);
  };
  return {
    encode: (items, what = 'item') => items.map((item, index) => store(item, `${what} ${index}`)),
    // Expected items were stored before, perhaps under another limit, perhaps compressed: "\2<fingerprint>\2<JSON>".
    // The script compares a compressed entry's fingerprint, a plain entry's text, then JSON value.
    expected: (items, what) =>
      items.map((item, index) => {
        const position = `${what} ${index}`;
        return `\u0002${contentFingerprint(canonicalJson(item, position))}\u0002${encodeItem(item, position)}`;
      }),
    decode: (entry) => decodePlainEntry(entry, maxBytes),
    eventsCarryItems: true,
  };
}
