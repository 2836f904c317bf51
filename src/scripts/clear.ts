import type { ScriptContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/**
 * `lua/clear-2.lua`: deletes both keys of a conversation (`clearSession`,
 * the CLI's `delete`), publishing a 'clear' event when events are on.
 * Resolves to the number of keys deleted. Always a script, so that a key of
 * another type is refused rather than deleted.
 */
export class Clear extends TypedScript<ScriptContext, void, number> {
  args(context: ScriptContext): string[] {
    return [...context.sessionArgs];
  }

  reply(raw: unknown): number {
    return Number(raw);
  }
}
