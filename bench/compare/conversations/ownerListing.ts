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
import { openConversations, ownerIndexKey, type ConversationsApi } from './conversationsApi.js';
import { compareLatency, measureInterleaved, type InterleaveOptions, type LatencyComparison, type MeasuredVariant } from '../interleaved.js';
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

/** Checks that the package wrote the owner's index (the listing reads it). */
async function assertIndex(admin: RawCommandClient, owner: string): Promise<void> {
  if (Number(await admin.sendCommand(['EXISTS', ownerIndexKey(KEY_PREFIX, owner)])) !== 1) throw new Error(`the package wrote no owner index for ${owner}`);
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
  await populate(url, bigOwner, 1, bigCount);
  await populate(url, smallOwner, 2, SMALL_OWNER_CONVERSATIONS);
  await populate(url, pageOwner, 3, PAGE);
  for (const owner of [bigOwner, smallOwner, pageOwner]) await assertIndex(admin, owner);
  const setupSeconds = (performance.now() - started) / 1000;

  const conversations = openConversations(url, KEY_PREFIX);
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
      setupSeconds,
    };
  } finally {
    await conversations.close();
  }
}
