import { connectionOf, type RedisCommandTarget } from '../connection/commandTarget.js';
import { scripts } from '../scripts/index.js';
import { ownerIndexContext, type OwnerIndexContext } from '../scripts/ownerIndex.js';

/**
 * The per-owner index of conversations, newest first (`RedisConversations`).
 *
 * Each owner has a sorted set, `<prefix>__owner__:{<owner>}` (`ownerIndexKey`):
 * member a conversation id, score its last change in µs.
 *
 * On a single server (or Sentinel), a session's writing scripts keep it
 * themselves (KEYS[3], lib/info.lua): ZADD GT at the script's TIME, ZREM in
 * the clear script, atomically with the change. Nothing below is needed there
 * but the listing's check against the conversations (TTL expiry).
 *
 * On a cluster its owner (its hash tag) puts it on another slot than the
 * conversations it lists, usually on another node: the conversation's write
 * stays one atomic script on the conversation's slot, and the index update is
 * sent to the index's node in the same round trip, as two native commands
 * (ZSCORE, then ZADD GT: never moves an entry down), scored by the writer's
 * clock (`clockMicros`, ownerIndexLink.ts). (A second script per write cost
 * the server more than both: docs/benchmarks.md.)
 *
 * What keeps the index right there, with no cross-slot script:
 * - A write of a session with an owner adds (or moves up) its conversation.
 *   When only the index part fails, the write still succeeds; the session
 *   sends the `add` again with its next operation, and any later write adds
 *   it too: a conversation is never lost from its owner's listing for longer
 *   than that.
 * - A write the server refused takes its index update back (`undo`: the
 *   score before, or no entry), so a refusal changes nothing.
 * - A clear removes the entry, fenced by the clear's own TIME: a write that
 *   re-created the conversation after the clear scored later and stays listed.
 *   The fence compares the server's clock with the writers': with skew, a
 *   write within the skew of the clear may lose its entry until its
 *   conversation's next write (a writer's clock ahead only leaves a stale
 *   entry, which listings skip).
 * - A listing checks every entry it returns against the conversation's info,
 *   so a conversation that is gone (deleted, expired by its TTL) or not the
 *   owner's never appears; such entries are removed (compare-and-remove) once
 *   older than {@link PRUNE_AFTER_MS}, so that a write whose `add` reached the
 *   index before its script reached the conversation is never pruned.
 */

/** How old an index entry must be before a listing removes it for a conversation that is gone or not the owner's. */
export const PRUNE_AFTER_MS = 60_000;

/** How many index keys (per connection) the process remembers having type-checked, before it starts over. */
const CHECKED_LIMIT = 10_000;
/** The index keys whose type was checked, by the node-redis object that checked them. */
const checkedIndexes = new WeakMap<object, Set<string>>();

/**
 * Refuses an owner's index that holds a key of another type, once per index
 * key per connection in this process (one round trip the first time, none
 * after): a session calls it before its first write, so that a write is
 * refused rather than made unlistable. Later, a foreign key at the index makes
 * the `add` fail, which the write survives (see {@link OwnerIndexLink}).
 *
 * @throws the script's WRONGTYPE error naming the key (nothing was changed).
 */
export async function checkOwnerIndex(redis: RedisCommandTarget, context: OwnerIndexContext): Promise<void> {
  const connection = connectionOf(redis);
  let checked = checkedIndexes.get(connection);
  const [key] = context.keys.all;
  if (checked?.has(key)) return;
  await scripts.ownerIndex.run(redis, context, { action: 'check' });
  if (!checked || checked.size >= CHECKED_LIMIT) {
    checked = new Set();
    checkedIndexes.set(connection, checked);
  }
  checked.add(key);
}

/**
 * Lists a conversation in its owner's index, or moves it to the top: for code
 * that writes a conversation without a session (the CLI's import, a fork's
 * copy).
 *
 * @throws the script's WRONGTYPE error naming a key of another type at the index (nothing was changed).
 */
export async function addToOwnerIndex(redis: RedisCommandTarget, keyPrefix: string, owner: string, conversationId: string): Promise<void> {
  await scripts.ownerIndex.run(redis, ownerIndexContext(keyPrefix, owner), { action: 'add', conversationId });
}

/**
 * Removes a cleared conversation from its owner's index, unless a write
 * re-created it after the clear: the entry goes only when its score is below
 * `atMicros`, the server TIME the clear script replied with
 * (`scripts.clear`). For `clearSession` and the CLI's `delete`. Resolves to
 * whether an entry was removed.
 */
export async function removeFromOwnerIndex(
  redis: RedisCommandTarget,
  keyPrefix: string,
  owner: string,
  conversationId: string,
  atMicros: number,
): Promise<boolean> {
  const removed = await scripts.ownerIndex.run(redis, ownerIndexContext(keyPrefix, owner), { action: 'remove', conversationId, fenceMicros: atMicros });
  return removed === 1;
}
