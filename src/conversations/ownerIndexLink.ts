import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { describeCause } from '../connection/errorMapping.js';
import { RedisSessionDurabilityError, RedisSessionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ClearOutcome } from '../scripts/clear.js';
import { scripts } from '../scripts/index.js';
import { ownerIndexContext, type AddedEntry, type OwnerIndexContext } from '../scripts/ownerIndex.js';
import { checkOwnerIndex, removeFromOwnerIndex } from './ownerIndex.js';

/** What an operation of a session means for its owner's index. */
export const IndexUse = {
  /** A read (or anything else): sends the index `add` along only when an earlier one failed. */
  Read: 'read',
  /** A write of the conversation: sends the index `add` along. */
  Write: 'write',
} as const;
export type IndexUse = (typeof IndexUse)[keyof typeof IndexUse];

/**
 * How one session on a cluster keeps its conversation in its owner's index
 * (see `ownerIndex.ts`): every write goes with the index `add`, in the same
 * round trip; a clear removes the entry after it. A session without an owner,
 * or on a single server (where its scripts keep the index), has
 * {@link NO_OWNER_INDEX}, which only runs the commands.
 */
export interface OwnerIndexLink {
  /** Runs `command`, with the index `add` along when `use` (or a failed earlier `add`) calls for it. */
  around<T>(redis: RedisCommandTarget, use: IndexUse, command: (redis: RedisCommandTarget) => Promise<T>): Promise<T>;
  /** Runs the clear script, then removes the conversation's entry, fenced by the clear's time. */
  clear(redis: RedisCommandTarget, clear: () => Promise<ClearOutcome>): Promise<ClearOutcome>;
}

/** The link of a session without an owner, or whose scripts keep the index themselves: nothing to do beside them. */
export const NO_OWNER_INDEX: OwnerIndexLink = {
  around: (redis, _use, command) => command(redis),
  clear: (_redis, clear) => clear(),
};

/** The link of a session with `owner`. All arguments must already be validated. */
export function ownerIndexLink(keyPrefix: string, owner: string, conversationId: string, logger: Logger): OwnerIndexLink {
  return new IndexedConversation(keyPrefix, owner, conversationId, logger);
}

class IndexedConversation implements OwnerIndexLink {
  private readonly context: OwnerIndexContext;
  /** An `add` failed while its write may have been applied: the next operation sends it again. */
  private pending = false;

  constructor(
    private readonly keyPrefix: string,
    private readonly owner: string,
    private readonly conversationId: string,
    private readonly logger: Logger,
  ) {
    this.context = ownerIndexContext(keyPrefix, owner);
  }

  async around<T>(redis: RedisCommandTarget, use: IndexUse, command: (redis: RedisCommandTarget) => Promise<T>): Promise<T> {
    if (use === IndexUse.Read && !this.pending) return command(redis);
    // A foreign key at the index refuses the write before it is sent (one round trip, once per process).
    if (use === IndexUse.Write) await checkOwnerIndex(redis, this.context);
    // Sent in this order, in one round trip (node-redis pipelines them): the write, then the index's ZSCORE (the score
    // before, to take the add back if the write is refused) and ZADD GT, two native commands: a second script would
    // cost the server more than both. The score is this process's clock in µs (see ownerIndex.ts).
    const [key] = this.context.keys.all;
    const score = clockMicros();
    const [done, previous, added] = await Promise.allSettled([
      command(redis),
      redis.zScore(key, this.conversationId),
      redis.zAdd(key, { score, value: this.conversationId }, { comparison: 'GT' }),
    ]);
    if (done.status === 'rejected' && added.status === 'fulfilled' && isRefusal(done.reason)) {
      // Nothing of the write happened (another owner's conversation, a limit...): neither may its index entry.
      await this.undo(redis, { score, previous: previous.status === 'fulfilled' && previous.value !== null ? String(previous.value) : null });
      throw done.reason;
    }
    if (added.status === 'fulfilled') {
      if (this.pending) this.logger.debug(`RedisSession: conversation ${this.conversationId} is listed in the owner index again.`);
      this.pending = false;
    } else if (done.status === 'fulfilled' || !isRefusal(done.reason)) {
      // The write succeeded (or may have): failing it now would make the runner retry and duplicate items.
      if (!this.pending) {
        this.logger.warn(
          `RedisSession: conversation ${this.conversationId} was written, but its owner index ${this.context.keys.all[0]} was not updated ` +
            `(${describeCause(added.reason)}). The next operation of this session retries it; listings of the owner may miss it until then.`,
        );
      }
      this.pending = true;
    }
    if (done.status === 'rejected') throw done.reason;
    return done.value;
  }

  /** Takes back the `add` of a refused write (one more round trip, only then); a failure leaves it to the readers' repair. */
  private async undo(redis: RedisCommandTarget, added: AddedEntry): Promise<void> {
    try {
      await scripts.ownerIndex.run(redis, this.context, { action: 'undo', conversationId: this.conversationId, added: added.score, previous: added.previous });
    } catch (error) {
      this.logger.warn(
        `RedisSession: a refused write of conversation ${this.conversationId} left an entry in the owner index ${this.context.keys.all[0]} ` +
          `(${describeCause(error)}). Listings skip it, and remove it later.`,
      );
    }
  }

  async clear(redis: RedisCommandTarget, clear: () => Promise<ClearOutcome>): Promise<ClearOutcome> {
    const outcome = await clear();
    // Nothing is left to list; a pending add would list a conversation that is gone.
    this.pending = false;
    try {
      await removeFromOwnerIndex(redis, this.keyPrefix, this.owner, this.conversationId, outcome.atMicros);
    } catch (error) {
      // The conversation is gone either way: a listing never shows it, and removes the entry later.
      this.logger.warn(
        `RedisSession: conversation ${this.conversationId} was cleared, but its entry in the owner index ${this.context.keys.all[0]} ` +
          `was not removed (${describeCause(error)}). Listings skip it, and remove it later.`,
      );
    }
    return outcome;
  }
}

/**
 * Whether a write's error says the server refused it (nothing was written): an
 * error reply, or one of the package's errors for one. A durability error is
 * not one: its write was applied.
 */
function isRefusal(error: unknown): boolean {
  if (error instanceof RedisSessionDurabilityError) return false;
  if (error instanceof RedisSessionError) return true;
  return error instanceof Error && /^[A-Z]{3,}[A-Z_]* /.test(error.message);
}

let lastMicros = 0;

/**
 * This process's clock in µs since the epoch, strictly increasing within the process (an integer below 2^53, exact
 * as a double): the score of an owner index entry.
 */
export function clockMicros(): number {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
  return lastMicros;
}
