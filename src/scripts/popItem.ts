import { sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { WritingScript } from './typedScript.js';

/**
 * `lua/popItem-2.lua`: removes and returns the newest entry, or `null` when
 * the history is empty. Always a script: a pop stamps the conversation's info
 * and starts a new generation (history page cursors taken before it fail).
 */
export class PopItem extends WritingScript<void, string | null> {
  args(context: ScriptContext): string[] {
    return sessionArgsFor(context);
  }

  reply(raw: unknown): string | null {
    return typeof raw === 'string' ? raw : null;
  }
}
