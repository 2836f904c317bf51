import { createHash } from 'node:crypto';
import type { EvalArguments, RedisCommandTarget } from '../connection/commandTarget.js';

/**
 * A Lua script run by its SHA1 with `EVALSHA`: one round trip in the steady
 * state. When the server does not know the script yet (first use, restart,
 * failover, `SCRIPT FLUSH`), it falls back once to `EVAL`, which also caches
 * the script on that server. The header comment documents the script in its
 * file and is not sent to Redis. A library of helper functions may be sent in front of it.
 */
export class LuaScript {
  /** The script's SHA1, as `SCRIPT LOAD` would return it. */
  readonly sha1: string;

  /** The script as sent to Redis: the file without its leading `--[[ ... ]]` header. */
  readonly source: string;

  /**
   * @param name - A name for logs and errors, such as `applyTransaction`.
   * @param numberOfKeys - How many KEYS the script takes, or the least and most it takes; checked on every call.
   * @param fileText - The contents of the `.lua` file.
   * @param libraryTexts - The contents of `.lua` files of helper functions that the script calls; sent in front of it.
   */
  constructor(
    readonly name: string,
    readonly numberOfKeys: number | readonly [least: number, most: number],
    fileText: string,
    ...libraryTexts: string[]
  ) {
    this.source = [...libraryTexts, fileText].map(withoutHeader).join('\n');
    this.sha1 = createHash('sha1').update(this.source).digest('hex');
  }

  /** Runs the script against `target` with the given KEYS and ARGV. */
  async run(target: RedisCommandTarget, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const options = this.arguments(keys, args);
    try {
      try {
        return await target.evalSha(this.sha1, options);
      } catch (error) {
        if (!isNoScriptError(error)) throw error;
        return await target.eval(this.source, options);
      }
    } catch (error) {
      throw namingKeys(error, keys);
    }
  }

  private arguments(keys: readonly string[], args: readonly string[]): EvalArguments {
    const [least, most] = typeof this.numberOfKeys === 'number' ? [this.numberOfKeys, this.numberOfKeys] : this.numberOfKeys;
    if (keys.length < least || keys.length > most) {
      throw new Error(`Lua script ${this.name} takes ${least === most ? least : `${least} to ${most}`} keys, got ${keys.length}`);
    }
    return { keys: [...keys], arguments: [...args] };
  }
}

/**
 * The Lua text without its leading `--[[ ... ]]` documentation header. The
 * header ends at a line that starts with `]]`, so `]]` inside its text is safe.
 */
function withoutHeader(fileText: string): string {
  return fileText.replace(/^\s*--\[\[[\s\S]*?\n\]\][^\n]*\n?/, '');
}

/**
 * Redis refuses a script before running it when the user may not read and
 * write one of its keys, with a reply that names none ("NOPERM No permissions
 * to access a key"; Redis 7.0: "... one of the keys used as arguments").
 * Returns an error of the same shape that names them and what to grant.
 */
function namingKeys(error: unknown, keys: readonly string[]): unknown {
  if (!(error instanceof Error) || !error.message.startsWith('NOPERM ') || keys.some((key) => error.message.includes(key))) {
    return error;
  }
  if (!/\bkeys?\b/i.test(error.message)) return error;
  return new Error(
    `NOPERM this user may not read and write every key of this conversation (${keys.join(', ')}): a script needs ` +
      `${keys.length > 2 ? 'all of them (the last is its owner\'s index)' : 'both'}, even for a read with a ttl. ` +
      'Grant read and write access (~pattern, not %R~) to all of them. ' +
      `Nothing was changed. (Redis: ${error.message})`,
    { cause: error },
  );
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
