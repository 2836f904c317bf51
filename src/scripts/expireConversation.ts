import type { KeysContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/** What the CLI's `expire` did: set (or removed) the expiry of `keys` keys, or changed nothing. */
export type ExpireResult =
  | { readonly status: 'set'; readonly keys: number }
  | { readonly status: 'missing' }
  | { readonly status: 'wrongType' };

/** The script's codes for a call that changed nothing. */
const MISSING = -1;
const WRONG_TYPE = -2;

/**
 * `lua/expireConversation-2.lua`: sets the expiry of every key of a
 * conversation at once (`seconds`), or removes it (`seconds` 0), for the CLI's `expire`.
 */
export class ExpireConversation extends TypedScript<KeysContext, { readonly seconds: number }, ExpireResult> {
  args(_context: KeysContext, { seconds }: { readonly seconds: number }): string[] {
    return [String(seconds)];
  }

  reply(raw: unknown): ExpireResult {
    const code = Number(raw);
    if (code === MISSING) return { status: 'missing' };
    if (code === WRONG_TYPE) return { status: 'wrongType' };
    return { status: 'set', keys: code };
  }
}
