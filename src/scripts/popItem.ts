import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { namingKey } from '../connection/errorMapping.js';
import { popNeedsNoScript, type ScriptContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/**
 * `lua/popItem-2.lua`: removes and returns the newest entry, or `null` when
 * the history is empty.
 */
export class PopItem extends TypedScript<ScriptContext, void, string | null> {
  args(context: ScriptContext): string[] {
    return [...context.sessionArgs];
  }

  reply(raw: unknown): string | null {
    return typeof raw === 'string' ? raw : null;
  }

  /** Pops with a plain RPOP when the context needs nothing else (no TTL, no events); else runs the script. */
  override async run(target: RedisCommandTarget, context: ScriptContext): Promise<string | null> {
    if (popNeedsNoScript(context)) return this.reply(await target.rPop(context.keys.items).catch(namingKey(context.keys.items, 'list')));
    return super.run(target, context);
  }
}
