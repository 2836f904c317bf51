import { RedisSessionInputError } from '../errors.js';
import type { KeysContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/** What a fork copies from its source, read in one snapshot. */
export interface ForkSnapshot {
  /** The length of the source's history when it was read. */
  readonly length: number;
  /** The copied entries (the first `upTo`), oldest first, as stored in the source. */
  readonly entries: string[];
  /** The source's owner, title and metadata JSON, or `null` when absent. */
  readonly owner: string | null;
  readonly title: string | null;
  readonly metadataJson: string | null;
}

/**
 * `lua/forkSource-2.lua`: reads the first `upTo` items (all when `undefined`),
 * the owner, title and metadata of a fork's source in one snapshot. Writes nothing.
 *
 * @throws {RedisSessionInputError} when `upTo` is greater than the length of the history.
 */
export class ForkSource extends TypedScript<KeysContext, number | undefined, ForkSnapshot> {
  args(_context: KeysContext, upTo: number | undefined): string[] {
    return [upTo === undefined ? '' : String(upTo)];
  }

  reply(raw: unknown, upTo: number | undefined): ForkSnapshot {
    if (!Array.isArray(raw)) throw new Error('unexpected reply of the forkSource script');
    const [status, length, entries, owner, title, metadata] = raw as unknown[];
    if (status === 'outside') {
      throw new RedisSessionInputError(
        `fork: upTo ${upTo} is outside the history, which holds ${Number(length)} items. ` +
          'Pass an index from 0 to the number of items (or omit upTo to copy all). Nothing was written.',
      );
    }
    if (status !== 'copy' || !Array.isArray(entries)) throw new Error('unexpected reply of the forkSource script');
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return { length: Number(length), entries: entries.map(String), owner: text(owner), title: text(title), metadataJson: text(metadata) };
  }
}
