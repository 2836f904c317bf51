import { RedisSessionConfigError, RedisSessionInputError } from '../errors.js';
import { assertStorable } from '../serialization/storable.js';
import { describe } from './describeValue.js';
import { checkCharacters } from './keys.js';

/** Longest owner accepted, in characters. */
export const MAX_OWNER_LENGTH = 256;
/** Longest title accepted, in characters. */
export const MAX_TITLE_LENGTH = 1000;
/** The largest page of `RedisConversations.list`. */
export const MAX_LIST_LIMIT = 1000;
/** Largest metadata accepted, in bytes of its JSON (UTF-8). */
export const MAX_METADATA_BYTES = 8192;
/** Deepest metadata accepted, the object itself being level 1. */
const MAX_METADATA_DEPTH = 32;

/** A conversation's metadata: a plain JSON object. */
export type ConversationMetadata = Record<string, unknown>;

/**
 * Checks an owner (for example a user id): like a conversation id, a non-empty
 * string without braces or control characters, at most {@link MAX_OWNER_LENGTH} characters.
 *
 * @throws {RedisSessionConfigError} naming what is wrong.
 */
export function validateOwner(owner: unknown, name = 'owner'): string {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new RedisSessionConfigError(`${name} must be a non-empty string such as a user id; got ${describe(owner)}.`);
  }
  if (owner.length > MAX_OWNER_LENGTH) {
    throw new RedisSessionConfigError(`${name} is ${owner.length} characters long; the maximum is ${MAX_OWNER_LENGTH}.`);
  }
  checkCharacters(name, owner);
  return owner;
}

/** Whether `value` is a valid owner (see {@link validateOwner}). */
export function isOwner(value: unknown): value is string {
  try {
    validateOwner(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a title: a non-empty, single-line string of at most {@link MAX_TITLE_LENGTH} characters.
 *
 * @throws {RedisSessionInputError} (or, for the `title` option, RedisSessionConfigError) naming what is wrong.
 */
export function validateTitle(title: unknown, where: 'option' | 'input'): string {
  const fail = (message: string): never => {
    throw where === 'option' ? new RedisSessionConfigError(message) : new RedisSessionInputError(`${message} Nothing was written.`);
  };
  if (typeof title !== 'string' || title.length === 0) return fail(`title must be a non-empty string; got ${describe(title)}.`);
  if (title.length > MAX_TITLE_LENGTH) return fail(`title is ${title.length} characters long; the maximum is ${MAX_TITLE_LENGTH}.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(title)) return fail('title must not contain control characters (newlines, tabs, NUL): it is one line.');
  if (/\p{Cs}/u.test(title)) return fail('title must be well-formed Unicode: it contains a lone surrogate (half of an emoji).');
  return title;
}

/**
 * Checks metadata and returns its JSON: a plain object of what JSON carries
 * faithfully (no Uint8Array), at most {@link MAX_METADATA_BYTES} bytes.
 *
 * @throws {RedisSessionInputError} (or, for the `metadata` option, RedisSessionConfigError) naming what is wrong.
 */
export function serializeMetadata(metadata: unknown, where: 'option' | 'input'): string {
  const fail = (message: string): never => {
    throw where === 'option' ? new RedisSessionConfigError(message) : new RedisSessionInputError(`${message} Nothing was written.`);
  };
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return fail(`metadata must be a plain object such as { topic: "travel" }; got ${describe(metadata)}.`);
  }
  let hasBytes = false;
  try {
    hasBytes = assertStorable(metadata, 'metadata', MAX_METADATA_DEPTH).hasBytes;
  } catch (error) {
    return fail((error as Error).message.replace(/ Items hold only.*$/, ' Metadata holds only what JSON carries faithfully.'));
  }
  if (hasBytes) return fail('metadata cannot hold a Uint8Array: store bytes as a base64 string.');
  const json = JSON.stringify(metadata);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_METADATA_BYTES) {
    return fail(`metadata is ${bytes} bytes of JSON; the maximum is ${MAX_METADATA_BYTES}. Keep large data in the items or elsewhere.`);
  }
  return json;
}
