import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { namingKey } from '../connection/errorMapping.js';
import { historyFullError } from './historyFull.js';
import { appendNeedsNoScript, sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/** ARGV[7] of lua/pushItems-2.lua: append to the history, or replace it whole. */
export const PushMode = { Append: '0', Replace: '1' } as const;

/** What `pushItems` writes. */
export interface PushItemsInput {
  /** Serialized items, oldest first. */
  readonly entries: readonly string[];
  /** True to replace the whole history (compaction), false to append. */
  readonly replace: boolean;
}

/**
 * `lua/pushItems-2.lua`: appends items (`addItems`), or swaps the whole
 * history for them (`replaceHistoryWithCompaction`), all or none.
 * Resolves to the length of the history afterwards.
 */
export class PushItems extends TypedScript<ScriptContext, PushItemsInput, number> {
  args(context: ScriptContext, { entries, replace }: PushItemsInput): string[] {
    return [...sessionArgsFor(context, entries), replace ? PushMode.Replace : PushMode.Append, ...entries];
  }

  reply(raw: unknown): number {
    return Number(raw);
  }

  /** @throws {RedisSessionLimitError} when maxItems with overflow 'reject' refuses the write (nothing is written). */
  override refusal(error: unknown, { replace }: PushItemsInput): unknown {
    return historyFullError(error, replace ? 'replaceHistoryWithCompaction' : 'addItems');
  }

  /** Appends with a plain RPUSH when the context needs nothing else (no TTL, no events, no limit); else runs the script. */
  override async run(target: RedisCommandTarget, context: ScriptContext, input: PushItemsInput): Promise<number> {
    if (!input.replace && appendNeedsNoScript(context)) {
      return target.rPush(context.keys.items, [...input.entries]).catch(namingKey(context.keys.items, 'list'));
    }
    return super.run(target, context, input);
  }
}
