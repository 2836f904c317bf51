import type { AgentInputItem } from '@openai/agents';
import { configure } from 'safe-stable-stringify';
import { RedisSessionInputError } from '../errors.js';
import { assertStorable, BYTES_TAG, MAX_ITEM_DEPTH, Plain, plainKind } from './storable.js';

/*
 * Items are stored as JSON text. What an item may hold is decided in
 * storable.ts: exactly what JSON carries faithfully, plus Uint8Array (written
 * as {"__bytes_b64__": "<base64>"}, read back as a Uint8Array) and undefined
 * object properties (dropped). Everything else is refused before anything is sent.
 */

/** JSON with object keys sorted, for values already checked: equal values give equal text. */
const canonicalStringify = configure({ strict: true, deterministic: true, circularValue: Error });
/** The same, keys in their order: what JSON.stringify writes, faster than it when a replacer is needed. */
const orderedStringify = configure({ strict: true, deterministic: false, circularValue: Error });

function encodeBytes(this: unknown, key: string, value: unknown): unknown {
  // `value` has been through toJSON already (a Buffer arrives as {type, data}); the holder has the original.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) {
    return { [BYTES_TAG]: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64') };
  }
  return value;
}

function decodeBytes(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const bytes = record[BYTES_TAG];
    if (typeof bytes === 'string' && Object.keys(record).length === 1) {
      return new Uint8Array(Buffer.from(bytes, 'base64'));
    }
  }
  return value;
}

/**
 * Serializes one item for storage. Items of plain JSON values (nearly all)
 * are written by native `JSON.stringify` after one quick look; the others are
 * checked in full first (storable.ts) unless the quick look saw only plain values and bytes.
 *
 * @throws {RedisSessionInputError} when the item is not a plain object or holds
 * something JSON cannot carry faithfully. `position` names the item in the message.
 */
export function encodeItem(item: unknown, position: string): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new RedisSessionInputError(
      `${position} must be an AgentInputItem object (such as {role: 'user', content: 'hi'}); ` +
        `got ${item === null ? 'null' : Array.isArray(item) ? 'an array' : `a ${typeof item}`}. Nothing was written.`,
    );
  }
  let kind = plainKind(item, 0);
  if (kind === Plain.No) kind = assertStorable(item, position).hasBytes ? Plain.WithBytes : Plain.Json;
  // A replacer slows stringify down: only items holding bytes need it.
  return kind === Plain.Json ? JSON.stringify(item) : (orderedStringify(item, encodeBytes) as string);
}

/**
 * JSON of `value` with sorted keys and bytes encoded as stored, so that two
 * structurally equal values give the same text. `value` must follow the item
 * rule, nested at most `maxDepth` levels.
 *
 * @throws {RedisSessionInputError} when it does not; `what` names it in the message.
 */
export function canonicalJson(value: unknown, what: string, maxDepth = MAX_ITEM_DEPTH): string {
  assertStorable(value, what, maxDepth);
  return canonicalText(value);
}

/** {@link canonicalJson} of a value known to follow the rule: one just checked, or one read back by {@link decodeItem}. */
export function canonicalText(value: unknown): string {
  return canonicalStringify(value, encodeBytes) as string;
}

/**
 * Parses one stored entry. Returns `undefined` when the entry is not a JSON
 * object (for example, written to the key by something else); the caller
 * skips it and logs a warning.
 */
export function decodeItem(entry: string): AgentInputItem | undefined {
  let value: unknown;
  try {
    // A reviver slows parsing down, so it runs only on entries that may hold bytes. The bare tag is
    // searched, not `"tag"`: a pattern starting with `"` (in every JSON string) is ~8x slower to find.
    value = entry.includes(BYTES_TAG) ? JSON.parse(entry, decodeBytes) : JSON.parse(entry);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as AgentInputItem;
}
