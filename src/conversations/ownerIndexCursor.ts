import { RedisSessionCursorError } from '../errors.js';
import type { OwnerIndexEntry } from '../scripts/listOwner.js';

/** Cursors are short: a score and an id (ids are at most 1024 characters, 4 bytes each in UTF-8). */
const MAX_CURSOR_LENGTH = 8192;
/** A score as Redis formats a double (%.17g): the index writes integers (µs), other programs may not. */
const SCORE = /^(-?inf|-?\d+(\.\d+)?(e[+-]\d+)?)$/;
/** The version tag in front of every cursor, so that a later format can refuse (or read) this one. */
const VERSION = 'c1.';

const invalid = (why: string): RedisSessionCursorError =>
  new RedisSessionCursorError(
    `The cursor passed to RedisConversations.list ${why}: pass the cursor of the previous page exactly as it was returned, ` +
      'or omit it to start from the newest conversation.',
  );

/**
 * The cursor of a conversation listing, an opaque string: the position (score and
 * id) of the last entry of the page, which the next page starts after (keyset
 * pagination). URL-safe, so it can travel in a query string.
 */
export function encodeListCursor(position: OwnerIndexEntry): string {
  return VERSION + Buffer.from(JSON.stringify([position.score, position.id]), 'utf8').toString('base64url');
}

/**
 * The position a cursor of {@link encodeListCursor} names.
 *
 * @throws {RedisSessionCursorError} when it was not made by `encodeListCursor`.
 */
export function decodeListCursor(cursor: unknown): OwnerIndexEntry {
  if (cursor === null) {
    throw new RedisSessionCursorError('RedisConversations.list got cursor: null, which a page returns when there are no more pages. Stop there, or omit cursor to start from the newest conversation.');
  }
  if (typeof cursor !== 'string') throw invalid(`must be a string; got ${typeof cursor}`);
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid(`is ${cursor.length} characters long, more than any cursor it returns`);
  if (!cursor.startsWith(VERSION) || !/^[A-Za-z0-9_-]+$/.test(cursor.slice(VERSION.length))) throw invalid('was not made by it');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor.slice(VERSION.length), 'base64url').toString('utf8'));
  } catch {
    throw invalid('was not made by it');
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid('was not made by it');
  const [score, id] = decoded as unknown[];
  if (typeof score !== 'string' || !SCORE.test(score) || typeof id !== 'string' || id.length === 0) throw invalid('was not made by it');
  return { score, id };
}
