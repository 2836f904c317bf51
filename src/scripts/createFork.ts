import { RedisSessionConflictError } from '../errors.js';
import { historyFullError } from './historyFull.js';
import { sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { WritingScript } from './typedScript.js';

/** What `createFork` writes into the copy. */
export interface CreateForkInput {
  /** The source's conversation id and how many of its items were copied: the copy's parent. */
  readonly parentId: string;
  readonly upTo: number;
  /** The title and metadata JSON to copy, or `null` for none. */
  readonly title: string | null;
  readonly metadataJson: string | null;
  /** The copied items, encoded for the copy (oldest first). */
  readonly entries: readonly string[];
}

const EXISTS = 'EXISTS ';

/**
 * `lua/createFork-2.lua`, run with the COPY's context: creates the forked
 * conversation with its items, info and parent, all or nothing. Resolves to
 * the length of the copy's history.
 */
export class CreateFork extends WritingScript<CreateForkInput, number> {
  args(context: ScriptContext, { parentId, upTo, title, metadataJson, entries }: CreateForkInput): string[] {
    return [...sessionArgsFor(context, entries), parentId, String(upTo), title ?? '', metadataJson ?? '', ...entries];
  }

  reply(raw: unknown): number {
    return Number(raw);
  }

  /**
   * @throws {RedisSessionConflictError} when the copy's conversation already exists (nothing is written).
   * @throws {RedisSessionLimitError} when maxItems with overflow 'reject' refuses the copy (nothing is written).
   */
  override refusal(error: unknown): unknown {
    if (error instanceof Error && error.message.startsWith(EXISTS)) {
      return new RedisSessionConflictError(`RedisSession.fork refused: ${error.message.slice(EXISTS.length)}`);
    }
    return historyFullError(error, 'fork');
  }
}
