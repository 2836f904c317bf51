import type { OwnerIndexContext } from './ownerIndex.js';
import { TypedScript } from './typedScript.js';

/** One entry of an owner's index: a conversation id and its score (last activity, µs), as Redis formats it. */
export interface OwnerIndexEntry {
  readonly id: string;
  readonly score: string;
}

/** What `listOwner` reads: up to `count` entries after `after` (from the newest when absent). */
export interface ListOwnerInput {
  readonly count: number;
  readonly after?: OwnerIndexEntry | undefined;
}

/** The reply of `lua/listOwner-1.lua`: the index server's time (µs) and the entries, newest first. */
export interface ListOwnerResult {
  readonly nowMicros: number;
  readonly entries: readonly OwnerIndexEntry[];
}

/**
 * `lua/listOwner-1.lua`: one page of an owner's index, newest first, after
 * a position (keyset pagination). Writes nothing.
 */
export class ListOwner extends TypedScript<OwnerIndexContext, ListOwnerInput, ListOwnerResult> {
  args(_context: OwnerIndexContext, { count, after }: ListOwnerInput): string[] {
    return [String(count), after?.score ?? '', after?.id ?? ''];
  }

  reply(raw: unknown): ListOwnerResult {
    if (!Array.isArray(raw) || raw.length % 2 !== 1) throw new Error('unexpected reply of the listOwner script');
    const entries: OwnerIndexEntry[] = [];
    for (let i = 1; i < raw.length; i += 2) entries.push({ id: String(raw[i]), score: String(raw[i + 1]) });
    return { nowMicros: Number(raw[0]), entries };
  }
}
