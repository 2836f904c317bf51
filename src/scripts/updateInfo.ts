import { sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { WritingScript } from './typedScript.js';

/** One call of `lua/updateInfo-2.lua`. */
export interface UpdateInfoInput {
  /** The new title; `null` removes it; `undefined` leaves it. */
  readonly title?: string | null;
  /**
   * The metadata change: `undefined` leaves it; else `stored`, the stored JSON the merge was computed from
   * (`null` when there was none), and `json`, the result (`null` removes the metadata).
   */
  readonly metadata?: { readonly stored: string | null; readonly json: string | null };
}

/** What the script did: `updated`, or `conflict` when the stored metadata changed since it was read (nothing written). */
export type UpdateOutcome = 'updated' | 'conflict';

/** `lua/updateInfo-2.lua`: sets or removes a conversation's title and metadata, atomically (`update`). */
export class UpdateInfo extends WritingScript<UpdateInfoInput, UpdateOutcome> {
  args(context: ScriptContext, { title, metadata }: UpdateInfoInput): string[] {
    const titleArg = title === undefined ? '' : title === null ? '-' : `=${title}`;
    const expected = metadata === undefined ? '' : `=${metadata.stored ?? ''}`;
    return [...sessionArgsFor(context), titleArg, expected, metadata?.json ?? ''];
  }

  reply(raw: unknown): UpdateOutcome {
    if (raw === 'updated' || raw === 'conflict') return raw;
    throw new Error(`unexpected reply of the updateInfo script: ${String(raw)}`);
  }
}
