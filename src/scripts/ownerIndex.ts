import { ownerIndexKey } from '../config/keys.js';
import { TypedScript } from './typedScript.js';

/** The KEYS of the owner index scripts: the owner's index, `<prefix>__owner__:{<owner>}`. */
export interface OwnerIndexContext {
  readonly keys: { readonly all: readonly [string] };
}

/** The context of one owner's index; both arguments must already be validated. */
export function ownerIndexContext(keyPrefix: string, owner: string): OwnerIndexContext {
  return { keys: { all: [ownerIndexKey(keyPrefix, owner)] } };
}

/** What `lua/ownerIndex-1.lua` does (see its header). */
export type OwnerIndexAction =
  /** Refuses a key of another type at the index; writes nothing. */
  | { readonly action: 'check' }
  /** How many entries the index holds. */
  | { readonly action: 'count' }
  /** Lists the conversation, or moves it to the top: ZADD GT with the server's TIME in µs. */
  | { readonly action: 'add'; readonly conversationId: string }
  /** Removes the conversation's entry if it is older than `fenceMicros` (the TIME of the clear that deleted it). */
  | { readonly action: 'remove'; readonly conversationId: string; readonly fenceMicros: number }
  /** Removes the conversation's entry if its score is still `score` (as a reader saw it). */
  | { readonly action: 'prune'; readonly conversationId: string; readonly score: string }
  /** Takes back an `add` whose write was refused: restores `previous` (or removes the entry) if the score is still `added`. */
  | { readonly action: 'undo'; readonly conversationId: string; readonly added: number; readonly previous: string | null };

/** What an `add` did: the score it wrote, and the one before (`null`: the conversation was not listed). */
export interface AddedEntry {
  readonly score: number;
  readonly previous: string | null;
}

/**
 * `lua/ownerIndex-1.lua`: the writes (and the two O(1) reads) of an owner's
 * index. Resolves to a number: 1 for `check`, the count for `count`, the
 * score written (µs) for `add`, 1 or 0 (changed or not) for `remove`, `prune` and `undo`.
 * A key of another type at the index is refused with a WRONGTYPE error naming it.
 */
export class OwnerIndexScript extends TypedScript<OwnerIndexContext, OwnerIndexAction, number> {
  args(_context: OwnerIndexContext, input: OwnerIndexAction): string[] {
    switch (input.action) {
      case 'check':
      case 'count':
        return [input.action];
      case 'add':
        return [input.action, input.conversationId];
      case 'remove':
        return [input.action, input.conversationId, String(input.fenceMicros)];
      case 'prune':
        return [input.action, input.conversationId, input.score];
      case 'undo':
        return [input.action, input.conversationId, String(input.added), input.previous ?? ''];
    }
  }

  reply(raw: unknown): number {
    return Number(Array.isArray(raw) ? raw[0] : raw);
  }
}
