import type { AgentInputItem } from '@openai/agents';
import { configure } from 'safe-stable-stringify';
import { RedisSessionInputError } from '../errors.js';

/**
 * How a `Uint8Array` (or `Buffer`) is written inside an item's JSON:
 * `{"__bytes_b64__": "<base64>"}`. Reading turns it back into a `Uint8Array`.
 */
const BYTES_TAG = '__bytes_b64__';

/** JSON that refuses what it cannot round-trip: functions, symbols, BigInt, NaN, Infinity and cycles. */
const strictStringify = configure({ strict: true, deterministic: false, circularValue: Error });
/** The same, with object keys sorted: equal values give equal text. */
const canonicalStringify = configure({ strict: true, deterministic: true, circularValue: Error });

function encodeSpecialValues(this: unknown, key: string, value: unknown): unknown {
  // `value` has been through toJSON already (a Buffer arrives as {type, data}); the holder has the original.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) {
    return { [BYTES_TAG]: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64') };
  }
  if (original instanceof Map || original instanceof Set) {
    throw new TypeError(`a ${original.constructor.name} cannot be stored as JSON; convert it to an array or object`);
  }
  return value;
}

function decodeSpecialValues(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const bytes = record[BYTES_TAG];
    if (typeof bytes === 'string' && Object.keys(record).length === 1) {
      return new Uint8Array(Buffer.from(bytes, 'base64'));
    }
  }
  return value;
}

/** How deep {@link isPlainJson} looks before leaving a value to the strict serializer (which also finds cycles). */
const MAX_PLAIN_DEPTH = 64;

/**
 * Whether `value` holds only what native `JSON.stringify` writes exactly as the
 * strict serializer does: strings, finite numbers, booleans, null, arrays of
 * those and plain objects (undefined properties are dropped by both). Anything
 * else — bytes, Maps, Dates and other classes, `toJSON`, non-finite numbers,
 * BigInt, functions, undefined in arrays, cycles — takes the strict path.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_PLAIN_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return false;
      for (const key in value) {
        const field = (value as Record<string, unknown>)[key];
        if (field !== undefined && !isPlainJson(field, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * Serializes one item for storage. Items of plain JSON values (nearly all) go
 * through native `JSON.stringify`, which writes the same text faster.
 *
 * @throws {RedisSessionInputError} when the item is not a plain object or holds
 * something JSON cannot represent faithfully. `position` names the item in the message.
 */
export function encodeItem(item: unknown, position: string): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new RedisSessionInputError(
      `${position} must be an AgentInputItem object (such as {role: 'user', content: 'hi'}); ` +
        `got ${item === null ? 'null' : Array.isArray(item) ? 'an array' : `a ${typeof item}`}. Nothing was written.`,
    );
  }
  return isPlainJson(item, 0) ? JSON.stringify(item) : stringifyOrThrow(strictStringify, item, position);
}

/** Serializes items for storage; every item is checked before anything is written. */
export function encodeItems(items: readonly unknown[], what = 'item'): string[] {
  return items.map((item, index) => encodeItem(item, `${what} ${index}`));
}

/**
 * JSON of `value` with sorted keys and bytes encoded as stored, so that two
 * structurally equal values give the same text.
 */
export function canonicalJson(value: unknown, what: string): string {
  return stringifyOrThrow(canonicalStringify, value, what);
}

function stringifyOrThrow(stringify: typeof strictStringify, value: unknown, position: string): string {
  let text: string | undefined;
  try {
    text = stringify(value, encodeSpecialValues);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RedisSessionInputError(
      `${position} cannot be stored as JSON: ${reason}. Items must hold only JSON values ` +
        '(strings, finite numbers, booleans, null, arrays, plain objects) and Uint8Array. Nothing was written.',
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new RedisSessionInputError(`${position} cannot be stored as JSON. Nothing was written.`);
  }
  return text;
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
    value = entry.includes(BYTES_TAG) ? JSON.parse(entry, decodeSpecialValues) : JSON.parse(entry);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as AgentInputItem;
}
