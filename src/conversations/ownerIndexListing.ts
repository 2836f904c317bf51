import { conversationKeys, validateConversationId } from '../config/keys.js';
import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { describeCause } from '../connection/errorMapping.js';
import type { Logger } from '../logger.js';
import { scripts } from '../scripts/index.js';
import type { OwnerIndexEntry } from '../scripts/listOwner.js';
import { ownerIndexContext } from '../scripts/ownerIndex.js';
import { conversationInfo, type ConversationInfo } from './info.js';
import { PRUNE_AFTER_MS } from './ownerIndex.js';
import { encodeListCursor } from './ownerIndexCursor.js';

/** One page of an owner's conversations, most recently changed first. */
export interface ConversationPage {
  /** The conversations of the page, most recently changed first. */
  readonly conversations: ConversationInfo[];
  /** Pass it as `cursor` for the next page; `null` when there are no more. */
  readonly cursor: string | null;
}

/** What one listing reads. */
export interface ListingRequest {
  readonly keyPrefix: string;
  readonly owner: string;
  /** How many conversations at most (1..1000). */
  readonly limit: number;
  /** The position the page starts after (a decoded cursor); from the newest when absent. */
  readonly after: OwnerIndexEntry | undefined;
  readonly logger: Logger;
  /** Whether the keys may be on several servers: then each conversation's info is read on its own node. */
  readonly cluster: boolean;
}

/** Index reads per page beyond the first, to fill a page whose entries turned out stale. */
const EXTRA_ROUNDS = 3;

/**
 * One page of an owner's conversations: a page of ids from the index (newest
 * first, after the cursor), then their infos: on a single server in one
 * script call for the whole page, on a cluster one per conversation, each on
 * its own node (in parallel). An entry whose conversation is gone
 * (deleted, expired) or is not the owner's is left out, and removed from the
 * index once it is old enough (see `ownerIndex.ts`); the page is then filled
 * from further entries, in at most {@link EXTRA_ROUNDS} more reads. A page can
 * therefore be short and still have a cursor: more may follow.
 *
 * Round trips: 2 per read of the index (the ids, then the infos); cost
 * O(log N + page) each.
 */
export async function listOwnerPage(redis: RedisCommandTarget, request: ListingRequest): Promise<ConversationPage> {
  const { keyPrefix, owner, limit, logger } = request;
  const context = ownerIndexContext(keyPrefix, owner);
  const conversations: ConversationInfo[] = [];
  // Each settles to undefined or the error it failed with (never rejects: a listing may throw before awaiting them).
  const repairs: Array<Promise<unknown>> = [];
  let after = request.after;
  let more = false;
  for (let round = 0; round <= EXTRA_ROUNDS; round += 1) {
    const wanted = limit - conversations.length;
    // One more than wanted: whether it exists says whether a next page may.
    const { nowMicros, entries } = await scripts.listOwner.run(redis, context, { count: wanted + 1, after });
    more = entries.length > wanted;
    const taken = entries.slice(0, wanted);
    const infos = await readInfos(redis, keyPrefix, taken.map((entry) => entry.id), request.cluster);
    taken.forEach((entry, i) => {
      const info = infos[i];
      if (info !== null && info !== undefined && info.owner === owner) {
        conversations.push(info);
        return;
      }
      // An id that can never be a conversation goes at once; a missing or foreign one once it is old enough.
      if (info === undefined || nowMicros - Number(entry.score) > PRUNE_AFTER_MS * 1000) {
        const prune = scripts.ownerIndex.run(redis, context, { action: 'prune', conversationId: entry.id, score: entry.score });
        repairs.push(prune.then(() => undefined, (error: unknown) => error ?? new Error('prune failed')));
      }
    });
    after = taken.at(-1) ?? after;
    if (!more || conversations.length >= limit) break;
  }
  await settleRepairs(repairs, context.keys.all[0], logger);
  return { conversations, cursor: more && after !== undefined ? encodeListCursor(after) : null };
}

/** How many entries an owner's index holds (O(1)), counting those of conversations that expired since a listing last passed them. */
export async function countOwnerIndex(redis: RedisCommandTarget, keyPrefix: string, owner: string): Promise<number> {
  return scripts.ownerIndex.run(redis, ownerIndexContext(keyPrefix, owner), { action: 'count' });
}

/**
 * The info of each listed conversation: `null` when it does not exist or its
 * keys hold other types (written by another program), `undefined` when the
 * id cannot be a conversation id (another program wrote the entry).
 */
async function readInfos(
  redis: RedisCommandTarget,
  keyPrefix: string,
  ids: readonly string[],
  cluster: boolean,
): Promise<Array<ConversationInfo | null | undefined>> {
  const valid = ids.filter(isConversationId);
  if (cluster) {
    const infos = new Map(await Promise.all(valid.map(async (id) => [id, await readOnItsNode(redis, keyPrefix, id)] as const)));
    return ids.map((id) => infos.get(id));
  }
  if (valid.length === 0) return ids.map(() => undefined);
  const replies = await scripts.conversationInfos.run(redis, { keys: { all: valid.flatMap((id) => conversationKeys(keyPrefix, id).all) } });
  const infos = new Map(valid.map((id, i) => [id, typeof replies[i] === 'string' ? null : conversationInfo(id, replies[i]!)] as const));
  return ids.map((id) => infos.get(id));
}

/** One conversation's info, read on its own node: `null` when it does not exist or its keys hold other types. */
async function readOnItsNode(redis: RedisCommandTarget, keyPrefix: string, id: string): Promise<ConversationInfo | null> {
  try {
    return conversationInfo(id, await scripts.conversationInfo.run(redis, { keys: conversationKeys(keyPrefix, id) }));
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return null;
    throw error;
  }
}

/** Whether an index entry can be a conversation id (another program may have written one that cannot). */
function isConversationId(id: string): boolean {
  try {
    validateConversationId(id);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the index repairs of a listing; a failure (such as a read-only user's NOPERM) only costs the next listing the same work. */
async function settleRepairs(repairs: ReadonlyArray<Promise<unknown>>, indexKey: string, logger: Logger): Promise<void> {
  if (repairs.length === 0) return;
  const failed = (await Promise.all(repairs)).filter((error) => error !== undefined);
  if (failed.length > 0) {
    logger.debug(
      `RedisConversations: ${failed.length} stale entr${failed.length === 1 ? 'y' : 'ies'} of ${indexKey} could not be removed ` +
        `(${describeCause(failed[0])}); listings skip them.`,
    );
  }
}
