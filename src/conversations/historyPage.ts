import type { AgentInputItem } from '@openai/agents';
import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { RedisSessionCursorError, RedisSessionInputError } from '../errors.js';
import { scripts, type ScriptContext } from '../scripts/index.js';
import { conversationDigest, decodeCursor, encodeCursor, type PageCursor } from './pageCursor.js';

/** The default size of a history page. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest history page. */
export const MAX_PAGE_SIZE = 1000;

/** Which page of the history `getPage` returns. */
export interface HistoryPageOptions {
  /** How many items a page holds, 1..1000; default 20. */
  limit?: number;
  /** The `cursor` of the previous (newer) page: returns the items before it. Omit for the newest page. */
  before?: string;
}

/** One page of a conversation's history: `getPage`. */
export interface HistoryPage {
  /** The page's items, oldest first (as `getItems` returns them). */
  items: AgentInputItem[];
  /** Pass as `before` for the next older page; `null` when this page reaches the oldest item kept. */
  cursor: string | null;
}

/** A checked `getPage` request. */
export interface PageRequest {
  readonly limit: number;
  readonly before?: PageCursor;
}

/** The entries of a page (oldest first) and the cursor of the next older page. */
export interface StoredPage {
  readonly entries: string[];
  readonly cursor: string | null;
}

/**
 * Checks the options of `getPage` for the conversation whose items key is `itemsKey`.
 *
 * @throws {RedisSessionInputError} when `limit` is not an integer from 1 to 1000, or the options are malformed.
 * @throws {RedisSessionCursorError} when `before` is a string that is not a cursor of this conversation.
 */
export function pageRequest(options: unknown, itemsKey: string): PageRequest {
  if (options === undefined) return { limit: DEFAULT_PAGE_SIZE };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new RedisSessionInputError('getPage expects an object such as { limit: 20, before: page.cursor }, or nothing for the newest page.');
  }
  const unknown = Object.keys(options).filter((key) => key !== 'limit' && key !== 'before');
  if (unknown.length > 0) {
    throw new RedisSessionInputError(`getPage takes limit and before; got ${unknown.map((key) => JSON.stringify(key)).join(', ')}.`);
  }
  const { limit = DEFAULT_PAGE_SIZE, before } = options as { limit?: unknown; before?: unknown };
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RedisSessionInputError(`getPage: limit must be an integer from 1 to ${MAX_PAGE_SIZE}; got ${describe(limit)}.`);
  }
  if (before === undefined) return { limit };
  if (before === null) {
    throw new RedisSessionInputError('getPage: before is null, the cursor of the oldest page: there is no older page. Stop when a page\'s cursor is null.');
  }
  if (typeof before !== 'string') {
    throw new RedisSessionInputError(`getPage: before must be the cursor string of a page; got ${describe(before)}.`);
  }
  return { limit, before: decodeCursor(before, itemsKey) };
}

/**
 * Reads one page (lua/readPage-2.lua). With a TTL and `slideExpiry` (the session's `touch` option decides),
 * the `touch` script goes along, pipelined (one round trip), and slides the expiry as `getItems` does.
 *
 * @throws {RedisSessionCursorError} when the history changed so that the cursor no longer points where it did.
 */
export async function readHistoryPage(
  target: RedisCommandTarget,
  context: ScriptContext,
  request: PageRequest,
  slideExpiry: boolean,
): Promise<StoredPage> {
  const read = scripts.readPage.run(target, context, request);
  let page;
  if (context.ttl === 0 || !slideExpiry) {
    page = await read;
  } else {
    const [paged, touched] = await Promise.allSettled([read, scripts.touch.run(target, context)]);
    if (touched.status === 'rejected') throw touched.reason;
    if (paged.status === 'rejected') throw paged.reason;
    page = paged.value;
  }
  const itemsKey = context.keys.items;
  if (page.status !== 'page') {
    throw new RedisSessionCursorError(
      page.status === 'changed'
        ? `getPage: the history of ${itemsKey} was rewritten since this cursor was taken (a pop, a compaction, a replaced ` +
            'suffix, a mutation or a clear), so its position no longer holds. Load the first page again with getPage() without `before`.'
        : `getPage: this cursor points past the history of ${itemsKey}: it was not made for this conversation. ` +
            'Load the first page again with getPage() without `before`.',
    );
  }
  const cursor =
    page.anchor === ''
      ? null
      : encodeCursor({
          conversation: conversationDigest(itemsKey),
          createdAt: page.createdAt,
          generation: page.generation,
          position: page.position,
          anchor: page.anchor,
        });
  return { entries: page.entries, cursor };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
