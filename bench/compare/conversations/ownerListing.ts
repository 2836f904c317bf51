/**
 * The first page of an owner's conversations (`RedisConversations.list({ owner, limit: 20 })`) for an
 * owner with many conversations (10,000 by default) against an owner with 10 (the target: its
 * page holds 10 conversations, not 20), and against an owner with 20 (the same page, so only the size
 * of the owner's index differs), interleaved.
 *
 * Setup goes through the package: one session per conversation, with the owner, writes one item
 * (concurrently, untimed), so the keys and the index entries are exactly what the package writes.
 */
import { RedisSession } from '../../../dist/index.js';
import type { RawCommandClient } from '../../../tools/commandStats.js';
import { conversationItem } from '../../lib/items.js';
import { metaKey, openConversations, ownerIndexKey, packageHasConversations, type ConversationsApi } from './conversationsApi.js';
import { compareLatency, measureInterleaved, type InterleaveOptions, type LatencyComparison, type MeasuredVariant } from './interleaved.js';
import { inPool, uuidLike } from './pool.js';

const KEY_PREFIX = 'bench:list:';
export const PAGE = 20;
export const SMALL_OWNER_CONVERSATIONS = 10;
const CONCURRENCY = 64;

export interface OwnerListingResult {
  bigCount: number;
  big: MeasuredVariant;
  /** The owner with 10 conversations (the reference). */
  small: MeasuredVariant;
  /** An owner with exactly one page (20): the same work per page as the big owner. */
  onePage: MeasuredVariant;
  /** big / small. */
  ratio: LatencyComparison;
  /** big / onePage. */
  samePageRatio: LatencyComparison;
  /** Which implementation of `list` ran: the package's, or the benchmark's stand-in (before the merge). */
  implementation: 'package' | 'stand-in';
  /** Whether this build's writes add the conversation to its owner's index (false: the benchmark wrote the index). */
  indexWrittenByPackage: boolean;
  setupSeconds: number;
}

/** Writes `count` conversations of `owner` through the package, `CONCURRENCY` at a time; returns their ids. */
async function populate(url: string, owner: string, scope: number, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => uuidLike(scope, index));
  const item = conversationItem(0);
  await inPool(count, CONCURRENCY, async (index) => {
    const session = new RedisSession({ redisUrl: url, keyPrefix: KEY_PREFIX, conversationId: ids[index]!, owner, changeEvents: false });
    try {
      await session.addItems([item]);
    } finally {
      await session.close();
    }
  });
  return ids;
}

/**
 * TODO(merge): until the package writes the owner index, the benchmark adds the entries itself (score:
 * the conversation's updatedAt, field `u`), so the stand-in has an index to page. A no-op once the
 * package writes it.
 */
async function ensureIndex(admin: RawCommandClient, owner: string, ids: string[]): Promise<boolean> {
  const index = ownerIndexKey(KEY_PREFIX, owner);
  if (Number(await admin.sendCommand(['EXISTS', index])) === 1) return true;
  for (let start = 0; start < ids.length; start += 1000) {
    const batch = ids.slice(start, start + 1000);
    const updated = await Promise.all(batch.map((id) => admin.sendCommand(['HGET', metaKey(KEY_PREFIX, id), 'u'])));
    const members = batch.flatMap((id, i) => [String(updated[i]), id]);
    await admin.sendCommand(['ZADD', index, ...members]);
  }
  return false;
}

/** `more`: whether the page must have a cursor (undefined: either). */
function expectPage(owner: string, size: number, more: boolean | undefined) {
  return (result: unknown): void => {
    const page = result as Awaited<ReturnType<ConversationsApi['list']>>;
    const problem =
      page.conversations.length !== size
        ? `${page.conversations.length} conversations instead of ${size}`
        : page.conversations.some((info) => info.owner !== owner)
          ? 'a conversation of another owner'
          : more !== undefined && (page.cursor !== null) !== more
            ? `cursor ${String(page.cursor)}`
            : undefined;
    if (problem) throw new Error(`list({ owner: ${owner}, limit: ${PAGE} }) returned ${problem}`);
  };
}

export async function measureOwnerListing(url: string, admin: RawCommandClient, bigCount: number, options: InterleaveOptions): Promise<OwnerListingResult> {
  const started = performance.now();
  const bigOwner = `bench-owner-${bigCount}`;
  const smallOwner = `bench-owner-${SMALL_OWNER_CONVERSATIONS}`;
  const pageOwner = `bench-owner-${PAGE}`;
  const bigIds = await populate(url, bigOwner, 1, bigCount);
  const smallIds = await populate(url, smallOwner, 2, SMALL_OWNER_CONVERSATIONS);
  const pageIds = await populate(url, pageOwner, 3, PAGE);
  const indexed = [await ensureIndex(admin, bigOwner, bigIds), await ensureIndex(admin, smallOwner, smallIds), await ensureIndex(admin, pageOwner, pageIds)];
  const setupSeconds = (performance.now() - started) / 1000;

  const conversations = await openConversations(url, KEY_PREFIX);
  try {
    const [big, small, onePage] = await measureInterleaved(
      url,
      admin,
      [
        { name: `list first ${PAGE} of ${bigCount.toLocaleString('en-US')}`, run: () => conversations.list({ owner: bigOwner, limit: PAGE }), check: expectPage(bigOwner, PAGE, true) },
        {
          name: `list first ${PAGE} of ${SMALL_OWNER_CONVERSATIONS}`,
          run: () => conversations.list({ owner: smallOwner, limit: PAGE }),
          check: expectPage(smallOwner, SMALL_OWNER_CONVERSATIONS, false),
        },
        { name: `list first ${PAGE} of ${PAGE}`, run: () => conversations.list({ owner: pageOwner, limit: PAGE }), check: expectPage(pageOwner, PAGE, undefined) },
      ],
      options,
    );
    return {
      bigCount,
      big: big!,
      small: small!,
      onePage: onePage!,
      ratio: compareLatency(big!, small!, options.block),
      samePageRatio: compareLatency(big!, onePage!, options.block),
      implementation: packageHasConversations() ? 'package' : 'stand-in',
      indexWrittenByPackage: indexed.every(Boolean),
      setupSeconds,
    };
  } finally {
    await conversations.close();
  }
}
