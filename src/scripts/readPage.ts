import type { PageCursor } from '../conversations/pageCursor.js';
import type { KeysContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/** Which page `readPage` reads: the newest `limit` items, or the `limit` items before a cursor. */
export interface ReadPageInput {
  /** The page size, 1..1000 (checked by the caller). */
  readonly limit: number;
  /** The cursor of the page after this one; absent for the newest page. */
  readonly before?: PageCursor;
}

/** The reply of `lua/readPage-2.lua`. */
export type RawPage =
  | {
      readonly status: 'page';
      /** Stored entries, oldest first. */
      readonly entries: string[];
      readonly createdAt: string;
      readonly generation: string;
      /** The absolute position of the first entry. */
      readonly position: number;
      /** The anchor of the first entry; '' when the page starts at the oldest item kept (no older page). */
      readonly anchor: string;
    }
  | { readonly status: 'changed' | 'beyond' };

/**
 * `lua/readPage-2.lua`: one page of the history, newest pages first, checking
 * that a cursor still matches the conversation (getPage). Writes nothing.
 */
export class ReadPage extends TypedScript<KeysContext, ReadPageInput, RawPage> {
  args(_context: KeysContext, { limit, before }: ReadPageInput): string[] {
    if (before === undefined) return [String(limit), 'first'];
    return [String(limit), 'before', before.createdAt, before.generation, String(before.position), before.anchor];
  }

  reply(raw: unknown): RawPage {
    if (!Array.isArray(raw)) throw new Error('unexpected reply of the readPage script');
    const [status, entries, createdAt, generation, position, anchor] = raw as unknown[];
    if (status === 'changed' || status === 'beyond') return { status };
    if (status !== 'page' || !Array.isArray(entries)) throw new Error('unexpected reply of the readPage script');
    return {
      status,
      entries: entries.map(String),
      createdAt: String(createdAt),
      generation: String(generation),
      position: Number(position),
      anchor: String(anchor),
    };
  }
}
