import { sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { WritingScript } from './typedScript.js';

/**
 * What `lua/clear-2.lua` did: how many keys it deleted, and the server's time
 * then, in µs (the owner index removes the conversation's entry only if it is older).
 */
export interface ClearOutcome {
  readonly deleted: number;
  readonly atMicros: number;
}

/**
 * `lua/clear-2.lua`: deletes both keys of a conversation (`clearSession`,
 * the CLI's `delete`), publishing a 'clear' event when events are on.
 * Always a script, so that a key of another type, or another owner's
 * conversation, is refused rather than deleted.
 */
export class Clear extends WritingScript<void, ClearOutcome> {
  args(context: ScriptContext): string[] {
    return sessionArgsFor(context);
  }

  reply(raw: unknown): ClearOutcome {
    const [deleted, at] = Array.isArray(raw) ? raw : [];
    return { deleted: Number(deleted), atMicros: Number(at) };
  }
}
