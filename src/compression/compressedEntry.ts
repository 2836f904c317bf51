import { createHash } from 'node:crypto';
import type { CompressionSettings } from '../config/compression.js';
import { DEFAULT_MAX_ITEM_BYTES } from '../config/limits.js';
import { canonicalText } from '../serialization/codec.js';
import { clearFields } from '../serialization/clearFields.js';
import { CODEC_NAME, compress, decompress } from './brotli.js';

/*
 * A compressed entry is one JSON object, so that it can travel inside a change event and the scripts can read it:
 *
 *   {"$z":"br","fp":"<16 bytes>","z":"<compressed JSON>"[,"type":"function_call","callId":"<call id>"]}
 *
 * (bytes in base64). `$z` names the codec (brotli). `fp` is SHA-256 of the item's canonical JSON: the
 * `applyTransaction` script compares it with the expected item's (see itemCodec.ts) without decompressing. A function
 * call's type and call id stay in clear text for the `mutateHistory` script (serialization/clearFields.ts). The field
 * order is fixed: the scripts match it. An item whose own JSON starts with `{"$z":"` would be read as a compressed
 * entry: that first key is reserved, as `__bytes_b64__` is.
 */

/** How every compressed entry starts; plain JSON items start with `{"` and another key, encrypted ones with `{"$enc":`. */
export const COMPRESSED_PREFIX = '{"$z":"';

const FINGERPRINT_BYTES = 16;

/** The content fingerprint of an item, from its canonical JSON: equal items have equal fingerprints. */
export function contentFingerprint(canonical: string): string {
  return createHash('sha256').update(canonical).digest().subarray(0, FINGERPRINT_BYTES).toString('base64');
}

/** Whether `entry` is a compressed entry (by its prefix alone). */
export function isCompressed(entry: string): boolean {
  return entry.startsWith(COMPRESSED_PREFIX);
}

/**
 * The compressed entry of `item`, whose JSON `json` was checked already (serialization/itemCodec.ts), or `json`
 * itself when it is shorter than `minBytes` or compressing would not make it smaller.
 */
export function compressEntry(item: unknown, json: string, settings: CompressionSettings): string {
  // A UTF-16 code unit is at most three UTF-8 bytes: most small items are skipped without counting.
  if (json.length < settings.minBytes / 3) return json;
  const bytes = Buffer.from(json, 'utf8');
  if (bytes.length < settings.minBytes) return json;
  const compressed = compress(bytes);
  // The entry is ~45 bytes of fields plus base64 (4 characters per 3 bytes): stored so only when smaller.
  if (Math.ceil(compressed.length / 3) * 4 + 48 >= bytes.length) return json;
  const entry = `${COMPRESSED_PREFIX}${CODEC_NAME}","fp":"${contentFingerprint(canonicalText(item))}","z":"${compressed.toString('base64')}"${clearFields(item)}}`;
  return Buffer.byteLength(entry) < bytes.length ? entry : json;
}

/** The fields of a compressed entry, parsed (from its text, or from a change event's item). */
interface CompressedFields {
  $z?: unknown;
  z?: unknown;
  type?: unknown;
  callId?: unknown;
}

/**
 * The item JSON a compressed entry holds, or `undefined` when the entry is corrupt: not valid JSON, an unknown
 * codec, data that does not decompress (or to more than `maxBytes`), or clear-text fields that do not match.
 */
export function decompressFields(fields: CompressedFields, maxBytes: number): string | undefined {
  if (fields.$z !== CODEC_NAME || typeof fields.z !== 'string') return undefined;
  let json: string;
  try {
    json = decompress(Buffer.from(fields.z, 'base64'), maxBytes);
  } catch {
    return undefined;
  }
  if (fields.type !== undefined || fields.callId !== undefined) {
    // A function call keeps its type and call id in clear text: they must be the item's.
    let item: unknown;
    try {
      item = JSON.parse(json);
    } catch {
      return undefined;
    }
    if (item === null || typeof item !== 'object' || clearFields(item) !== clearFields(fields)) return undefined;
  }
  return json;
}

/** The item JSON of the compressed entry `entry`; `undefined` when it is corrupt (see {@link decompressFields}). */
export function decompressEntry(entry: string, maxBytes: number): string | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(entry);
  } catch {
    return undefined;
  }
  if (fields === null || typeof fields !== 'object') return undefined;
  return decompressFields(fields as CompressedFields, maxBytes);
}

/**
 * The most a reader decompresses from one entry: its `maxItemBytes`, but at least the default (16 MiB), so that a
 * session with a small limit still reads what sessions with the default wrote.
 */
export function decompressionLimit(maxItemBytes: number): number {
  return Math.max(maxItemBytes, DEFAULT_MAX_ITEM_BYTES);
}
