import { RedisSessionConfigError } from '../errors.js';
import { describe } from './describeValue.js';

/** The default key prefix: conversation `user-123` is stored at `conv:user-123`. */
export const DEFAULT_KEY_PREFIX = 'conv:';

/** Longest conversation id accepted, in characters. */
const MAX_ID_LENGTH = 1024;
/** Longest key prefix accepted, in characters. */
const MAX_PREFIX_LENGTH = 256;

/**
 * The Redis keys of one conversation.
 *
 * The items live at exactly `prefix + id`, so `LLEN conv:user-123` and
 * `TTL conv:user-123` work as written. Every other key wraps that name in a
 * hash tag, `{conv:user-123}:meta`, so Redis Cluster puts it in the same slot
 * as the items key: with no braces in the prefix or the id, the items key is
 * hashed whole, and the tag makes the sibling hash exactly that string.
 * (Braces are therefore rejected in ids and prefixes.)
 */
export interface ConversationKeys {
  /** The list of serialized items, oldest first. */
  readonly items: string;
  /** A hash holding conversation metadata, such as applied history operation ids. */
  readonly meta: string;
  /** All keys, in the order scripts receive them as KEYS. */
  readonly all: readonly [string, string];
}

/** Builds the keys of one conversation. Both arguments must already be validated. */
export function conversationKeys(keyPrefix: string, conversationId: string): ConversationKeys {
  const items = keyPrefix + conversationId;
  const meta = `{${items}}:meta`;
  return { items, meta, all: [items, meta] };
}

/**
 * The key of an owner's index of conversations: a sorted set of conversation
 * ids scored by last activity, `conv:__owner__:{ada}`. The owner is its hash
 * tag, so one owner's index lives in one Redis Cluster slot (usually not the
 * slot of its conversations). It is never an items key: ids and owners cannot
 * contain braces. Both arguments must already be validated.
 */
export function ownerIndexKey(keyPrefix: string, owner: string): string {
  return `${keyPrefix}__owner__:{${owner}}`;
}

/**
 * Checks a conversation id.
 *
 * @throws {RedisSessionConfigError} when it is empty, too long, contains braces or control characters, or is not well-formed Unicode.
 */
export function validateConversationId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new RedisSessionConfigError(
      `conversationId must be a non-empty string; got ${describe(id)}. Omit it to get a new random UUID.`,
    );
  }
  if (id.length > MAX_ID_LENGTH) {
    throw new RedisSessionConfigError(
      `conversationId is ${id.length} characters long; the maximum is ${MAX_ID_LENGTH}.`,
    );
  }
  checkCharacters('conversationId', id);
  return id;
}

/**
 * Checks a key prefix (an empty prefix is allowed).
 *
 * @throws {RedisSessionConfigError} when it is not a string, too long, contains braces or control characters, or is not well-formed Unicode.
 */
export function validateKeyPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') {
    throw new RedisSessionConfigError(`keyPrefix must be a string such as "conv:"; got ${describe(prefix)}.`);
  }
  if (prefix.length > MAX_PREFIX_LENGTH) {
    throw new RedisSessionConfigError(
      `keyPrefix is ${prefix.length} characters long; the maximum is ${MAX_PREFIX_LENGTH}.`,
    );
  }
  checkCharacters('keyPrefix', prefix);
  return prefix;
}

/** Refuses braces, control characters and lone surrogates in a name that becomes part of a key. */
export function checkCharacters(name: string, value: string): void {
  if (/[{}]/.test(value)) {
    throw new RedisSessionConfigError(
      `${name} must not contain "{" or "}": braces would change the Redis Cluster hash slot of its keys ` +
        'and split one conversation across slots. Replace them, for example with "(" and ")".',
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new RedisSessionConfigError(`${name} must not contain control characters (newlines, tabs, NUL).`);
  }
  if (!isWellFormed(value)) {
    throw new RedisSessionConfigError(
      `${name} must be well-formed Unicode, but it contains a lone surrogate (half of a UTF-16 pair, as left by cutting ` +
        'a string inside an emoji). Redis stores text as UTF-8, where every lone surrogate becomes the same replacement ' +
        'character, so two such ids would name the same conversation. Pass the whole character, or drop the half.',
    );
  }
}

/**
 * `String.prototype.isWellFormed` (Node 20): no lone surrogate. In a `u` regular
 * expression a valid surrogate pair is one code point, so `\p{Cs}` matches only a lone half.
 */
function isWellFormed(value: string): boolean {
  return !/\p{Cs}/u.test(value);
}
