import { createHash } from 'node:crypto';
import { RedisSessionCursorError } from '../errors.js';

/**
 * The cursor of `getPage` (history pages, newest first): where the page
 * returned stopped, and the conversation state it is valid for. Opaque to
 * callers: base64url of `h1|<conversation>|<createdAt>|<generation>|<position>|<anchor>`.
 *
 * - conversation: a digest of the conversation's items key (prefix + id), so that a cursor of another
 *   conversation (or another key prefix) is refused before anything is sent;
 * - createdAt (`c` of the metadata hash, '' when absent): the conversation's incarnation; a clear deletes
 *   the hash, so the conversation written again after it has another one;
 * - generation (`g`, '0' when absent): bumped by every write that removes or rewrites items other than
 *   maxItems trimming the oldest (pop, compaction, replace_suffix, mutation);
 * - position: the absolute position (counted from the first item ever written: `h` + list index) of the
 *   oldest item of the page returned;
 * - anchor: the first 16 hex digits of the SHA1 of that item's stored entry. The read script checks it
 *   while the item is still there: it catches what createdAt and generation alone cannot (a conversation
 *   cleared and written again within the same millisecond, or items rewritten by another program).
 *   The anchor is a digest of an item the cursor's holder has already read.
 */
export interface PageCursor {
  readonly conversation: string;
  readonly createdAt: string;
  readonly generation: string;
  readonly position: number;
  readonly anchor: string;
}

const VERSION = 'h1';
const DIGITS_16 = /^[0-9a-f]{16}$/;
const FORMAT = /^h1\|([0-9a-f]{16})\|(\d{0,20})\|(\d{1,20})\|(\d{1,16})\|([0-9a-f]{16})$/;
/** Longer input than any cursor this package makes is refused without decoding it. */
const MAX_CURSOR_LENGTH = 200;

/** The digest of a conversation's items key that its cursors carry. */
export function conversationDigest(itemsKey: string): string {
  return createHash('sha256').update(itemsKey, 'utf8').digest('hex').slice(0, 16);
}

/** Encodes a cursor (base64url, no padding). */
export function encodeCursor(cursor: PageCursor): string {
  const { conversation, createdAt, generation, position, anchor } = cursor;
  if (!DIGITS_16.test(conversation) || !DIGITS_16.test(anchor) || !Number.isSafeInteger(position) || position < 0) {
    throw new Error('encodeCursor: invalid cursor fields');
  }
  return Buffer.from([VERSION, conversation, createdAt, generation, String(position), anchor].join('|'), 'utf8').toString('base64url');
}

/**
 * Decodes `before` for the conversation whose items key is `itemsKey`.
 *
 * @throws {RedisSessionCursorError} when it is not a cursor of this package, or belongs to another conversation.
 */
export function decodeCursor(before: string, itemsKey: string): PageCursor {
  const fields = before.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(before)
    ? FORMAT.exec(Buffer.from(before, 'base64url').toString('utf8'))
    : null;
  const position = fields ? Number(fields[4]) : NaN;
  if (!fields || !Number.isSafeInteger(position)) {
    throw new RedisSessionCursorError(
      'getPage: `before` is not a history page cursor (pass the `cursor` of a page returned by getPage, unchanged). ' +
        'Load the first page again with getPage() without `before`.',
    );
  }
  if (fields[1] !== conversationDigest(itemsKey)) {
    throw new RedisSessionCursorError(
      `getPage: this cursor belongs to another conversation than ${itemsKey}. ` +
        'Use the cursor with the session it came from, or load the first page again with getPage() without `before`.',
    );
  }
  return { conversation: fields[1], createdAt: fields[2]!, generation: fields[3]!, position, anchor: fields[5]! };
}
