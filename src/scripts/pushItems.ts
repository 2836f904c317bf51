import { historyFullError } from './historyFull.js';
import { sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { WritingScript } from './typedScript.js';

/** ARGV[11] of lua/pushItems-2.lua: append to the history, or replace it whole. */
export const PushMode = { Append: '0', Replace: '1' } as const;

/** What `pushItems` writes. */
export interface PushItemsInput {
  /** Serialized items, oldest first. */
  readonly entries: readonly string[];
  /** True to replace the whole history (compaction), false to append. */
  readonly replace: boolean;
  /** The token usage recorded with these items (ARGV[10], see {@link sessionArgsFor}); '' or absent for none. */
  readonly usage?: string;
}

/**
 * `lua/pushItems-2.lua`: appends items (`addItems`), or swaps the whole
 * history for them (`replaceHistoryWithCompaction`), all or none.
 * Resolves to the length of the history afterwards.
 */
export class PushItems extends WritingScript<PushItemsInput, number> {
  args(context: ScriptContext, { entries, replace, usage }: PushItemsInput): string[] {
    return [...sessionArgsFor(context, entries, usage), replace ? PushMode.Replace : PushMode.Append, ...entries];
  }

  reply(raw: unknown): number {
    return Number(raw);
  }

  /** @throws {RedisSessionLimitError} when maxItems with overflow 'reject' refuses the write (nothing is written). */
  override refusal(error: unknown, { replace }: PushItemsInput): unknown {
    return historyFullError(error, replace ? 'replaceHistoryWithCompaction' : 'addItems');
  }
}
