import { RedisSessionInputError } from '../errors.js';

/*
 * What an item may hold: exactly what JSON carries faithfully, so that an item
 * reads back deep-equal to what was written, and the Lua scripts (which decode
 * stored items with cjson) see what the SDK's MemorySession sees.
 *
 *   - strings (any UTF-16, lone surrogates included: JSON.stringify escapes them),
 *     finite numbers other than -0, booleans, null;
 *   - arrays (Array itself, without holes or undefined) and plain objects
 *     (prototype Object.prototype or null, no toJSON) of those;
 *   - two documented exceptions: a Uint8Array (or Buffer) is stored as
 *     {"__bytes_b64__": "<base64>"} and read back as a Uint8Array; an object
 *     property whose value is undefined is dropped (the SDK's items routinely carry them);
 *   - at most MAX_ITEM_DEPTH levels of nesting, the item itself being level 1.
 *
 * Anything else is refused, naming where it is and what to store instead:
 * NaN and ±Infinity (JSON writes null), -0 (0), BigInt, functions, symbols,
 * undefined or holes in arrays (null), Date (a string), RegExp, Map, Set,
 * ArrayBuffer, DataView, other typed arrays (all {} or {"0":...}), boxed
 * primitives, Errors, other class instances and objects with toJSON, cycles.
 * As with structuredClone (MemorySession's copy), symbol-keyed and
 * non-enumerable properties are not part of an item.
 */

/**
 * The deepest nesting an item may have, counting the item itself as level 1
 * and a Uint8Array (stored as an object) as a level: cjson, which Redis's Lua
 * scripts decode items with, refuses "too many nested data structures" from
 * 1,001 levels (its decode_max_depth; checked on Redis 7.0, 7.4 and Valkey 8.0).
 */
export const MAX_ITEM_DEPTH = 1000;

/** The key of the object a Uint8Array is stored as: `{"__bytes_b64__": "<base64>"}`. */
export const BYTES_TAG = '__bytes_b64__';

/** How deep {@link plainKind} looks before leaving a value to {@link assertStorable}. */
const MAX_PLAIN_DEPTH = 64;

/** What {@link plainKind} found. */
export enum Plain {
  /** Not certainly storable: check with {@link assertStorable}. */
  No = 0,
  /** Only JSON values: native JSON.stringify writes it. */
  Json = 1,
  /** JSON values and Uint8Arrays (which need the bytes replacer). */
  WithBytes = 2,
}

/**
 * Whether `value` certainly follows the rule, quickly: strings, finite numbers
 * other than -0, booleans, null, Uint8Arrays, arrays and plain objects of
 * those (undefined properties allowed, no key named like the bytes tag), at
 * most 64 levels deep. {@link Plain.No} means "check with {@link assertStorable}", not "refused".
 */
export function plainKind(value: unknown, depth: number): Plain {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return Plain.Json;
    case 'number':
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0) ? Plain.Json : Plain.No;
    case 'object': {
      if (value === null) return Plain.Json;
      if (depth >= MAX_PLAIN_DEPTH) return Plain.No;
      const prototype = Object.getPrototypeOf(value);
      let kind = Plain.Json;
      if (prototype === Array.prototype) {
        const array = value as unknown[];
        for (let i = 0; i < array.length; i++) {
          const element = plainKind(array[i], depth + 1);
          if (element === Plain.No) return Plain.No;
          kind |= element;
        }
        return kind;
      }
      if (prototype !== Object.prototype && prototype !== null) return value instanceof Uint8Array ? Plain.WithBytes : Plain.No;
      if ('toJSON' in value) return Plain.No;
      for (const key in value) {
        // A key of its own named like the bytes tag is left to the full check (it may look like stored bytes).
        if (key === BYTES_TAG) return Plain.No;
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined) continue;
        const fieldKind = plainKind(field, depth + 1);
        if (fieldKind === Plain.No) return Plain.No;
        kind |= fieldKind;
      }
      return kind;
    }
    default:
      return Plain.No;
  }
}

/** Why a value cannot be stored, and what to store instead. */
interface Refusal {
  readonly what: string;
  readonly instead: string;
}

const TYPED_ARRAY_ADVICE = 'store bytes as a Uint8Array (new Uint8Array(view.buffer, view.byteOffset, view.byteLength)) or numbers as a plain array (Array.from(view))';

/** Why an object that is not a plain object, an Array or a Uint8Array is refused. */
function refuseInstance(value: object): Refusal {
  if (value instanceof Date) return { what: 'a Date (JSON writes it as a string)', instead: 'store date.toISOString() or date.getTime()' };
  if (value instanceof RegExp) return { what: 'a RegExp (JSON writes it as {})', instead: 'store regexp.source and regexp.flags as strings' };
  if (value instanceof Map) return { what: 'a Map (JSON writes it as {})', instead: 'store Object.fromEntries(map) or [...map] instead' };
  if (value instanceof Set) return { what: 'a Set (JSON writes it as {})', instead: 'store [...set] instead' };
  if (ArrayBuffer.isView(value)) return { what: `a ${value.constructor.name} (JSON writes it as an object)`, instead: TYPED_ARRAY_ADVICE };
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)) {
    return { what: `an ${value.constructor.name} (JSON writes it as {})`, instead: 'wrap it in a Uint8Array: new Uint8Array(buffer)' };
  }
  for (const boxed of [String, Number, Boolean, BigInt, Symbol] as const) {
    if (value instanceof boxed) return { what: `a boxed ${boxed.name} (new ${boxed.name}(...))`, instead: 'store the primitive value: value.valueOf()' };
  }
  if (value instanceof Error) return { what: `an ${value.constructor.name} (JSON writes it as {})`, instead: 'store its name and message as strings' };
  if (Array.isArray(value)) return { what: 'an Array subclass (it would come back as a plain Array)', instead: 'store Array.from(value)' };
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return {
    what: `an instance of ${typeof name === 'string' && name !== '' ? name : 'a class'} (it would come back as a plain object, without its prototype)`,
    instead: 'store a plain object with the fields you need',
  };
}

/** Why a primitive is refused, or `undefined` when it is a JSON value. */
function refusePrimitive(value: unknown): Refusal | undefined {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return { what: `${value} (JSON writes it as null)`, instead: 'store null or a string' };
      if (value === 0 && 1 / value < 0) return { what: '-0 (JSON writes it as 0)', instead: 'store 0' };
      return undefined;
    case 'bigint':
      return { what: 'a BigInt', instead: 'store value.toString() or a Number' };
    case 'function':
      return { what: 'a function', instead: 'remove it: items hold data only' };
    case 'symbol':
      return { what: 'a symbol', instead: 'store a string' };
    case 'undefined':
      return { what: 'undefined inside an array (JSON writes it as null)', instead: 'store null or remove the element' };
    default:
      return undefined;
  }
}

/** Object.prototype, of this realm or another (a `vm` context), or null. */
function isObjectPrototype(prototype: object | null): boolean {
  if (prototype === Object.prototype || prototype === null) return true;
  const constructor = (prototype as { constructor?: unknown }).constructor;
  return Object.getPrototypeOf(prototype) === null && typeof constructor === 'function' && constructor.name === 'Object';
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `providerData.list[0]["odd key"]`, shortened in the middle when very deep. */
function formatPath(path: readonly (string | number)[]): string {
  const step = (part: string | number, index: number) =>
    typeof part === 'number'
      ? `[${part}]`
      : IDENTIFIER.test(part)
        ? `${index === 0 ? '' : '.'}${part}`
        : `[${JSON.stringify(part.length > 40 ? `${part.slice(0, 40)}…` : part)}]`;
  if (path.length <= 10) return path.map(step).join('');
  return `${path.slice(0, 4).map(step).join('')}…(${path.length - 7} levels)…${path.slice(-3).map((part) => step(part, 1)).join('')}`;
}

/**
 * Checks that `value` follows the rule above (see {@link MAX_ITEM_DEPTH} for
 * depth, `value` being level 1). Returns whether it holds a Uint8Array.
 *
 * @throws {RedisSessionInputError} naming `position`, the path inside the value,
 * what was found and what to store instead.
 */
export function assertStorable(value: unknown, position: string, maxDepth = MAX_ITEM_DEPTH): { hasBytes: boolean } {
  const path: (string | number)[] = [];
  const ancestors = new Set<object>();
  let hasBytes = false;

  const refuse = (refusal: Refusal): never => {
    const where = path.length === 0 ? 'it' : formatPath(path);
    throw new RedisSessionInputError(
      `${position} cannot be stored: ${where} is ${refusal.what}; ${refusal.instead}. Items hold only what JSON carries ` +
        'faithfully (strings, finite numbers, booleans, null, arrays, plain objects) and Uint8Array. Nothing was written.',
    );
  };

  const visit = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== 'object') {
      const refusal = refusePrimitive(node);
      if (refusal) refuse(refusal);
      return;
    }
    if (depth > maxDepth) {
      refuse({
        what: `nested more than ${maxDepth} levels deep, which Redis's Lua JSON decoder (cjson) cannot read`,
        instead: 'flatten the structure, or store the deep part as a JSON string',
      });
    }
    if (node instanceof Uint8Array) {
      hasBytes = true;
      return;
    }
    if (ancestors.has(node)) refuse({ what: 'a reference to an enclosing object (a cycle)', instead: 'remove the cycle' });
    const prototype = Object.getPrototypeOf(node) as object | null;
    ancestors.add(node);
    if (prototype === Array.prototype || (Array.isArray(node) && Array.isArray(prototype))) {
      const array = node as unknown[];
      for (let i = 0; i < array.length; i++) {
        path.push(i);
        if (!(i in array)) refuse({ what: 'an empty slot in an array (JSON writes it as null)', instead: 'store null or remove the slot' });
        visit(array[i], depth + 1);
        path.pop();
      }
    } else {
      if (!isObjectPrototype(prototype)) refuse(refuseInstance(node));
      if (typeof (node as { toJSON?: unknown }).toJSON === 'function') refuse({ what: 'an object with a toJSON method', instead: 'store the result of toJSON() instead' });
      const record = node as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && keys[0] === BYTES_TAG && typeof record[BYTES_TAG] === 'string') {
        refuse({ what: `an object whose only key is "${BYTES_TAG}" (how bytes are stored: it would come back as a Uint8Array)`, instead: 'rename the key' });
      }
      for (const key of keys) {
        const field = record[key];
        if (field === undefined) continue; // dropped, as documented
        path.push(key);
        visit(field, depth + 1);
        path.pop();
      }
    }
    ancestors.delete(node);
  };

  visit(value, 1);
  return { hasBytes };
}
