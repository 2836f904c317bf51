import type { RedisCommandTarget } from '../connection/commandTarget.js';
import type { LuaScript } from './luaScript.js';
import type { ScriptContext } from './scriptContext.js';

/** What a script call needs at least: its KEYS (a conversation's, or an owner index's). */
export interface ScriptKeys {
  readonly keys: { readonly all: readonly string[] };
}

/**
 * One Lua script with its calling convention in one place: how its ARGV is
 * built from a conversation's context and the call's input ({@link args}),
 * and what its reply means ({@link reply}): a typed result, or one of the
 * package's typed errors. Both are pure, and unit-tested without Redis.
 * `run` sends the call (EVALSHA, falling back to EVAL: see {@link LuaScript}).
 */
export abstract class TypedScript<Context extends ScriptKeys, Input, Result> {
  constructor(readonly lua: LuaScript) {}

  /** The ARGV of one call. */
  abstract args(context: Context, input: Input): string[];

  /** The script's reply, typed; throws the package's error for a reply that refuses the call. */
  abstract reply(raw: unknown, input: Input): Result;

  /** An error reply of the script turned into the package's error for it; other errors as they are. */
  refusal(error: unknown, _input: Input): unknown {
    return error;
  }

  /** The KEYS of one call: the context's keys; a writing script adds the owner's index when it keeps it. */
  keysOf(context: Context): readonly string[] {
    return context.keys.all;
  }

  /** Runs the script on the conversation's keys. */
  async run(target: RedisCommandTarget, context: Context, input: Input): Promise<Result> {
    let raw: unknown;
    try {
      raw = await this.lua.run(target, this.keysOf(context), this.args(context, input));
    } catch (error) {
      throw this.refusal(error, input);
    }
    return this.reply(raw, input);
  }
}

/**
 * A script that writes a conversation for a session: its KEYS are the context's {@link ScriptContext.writeKeys}
 * (with the owner's index when the script keeps it).
 */
export abstract class WritingScript<Input, Result> extends TypedScript<ScriptContext, Input, Result> {
  override keysOf(context: ScriptContext): readonly string[] {
    return context.writeKeys;
  }
}
