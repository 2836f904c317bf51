import type { RedisCommandTarget } from '../connection/commandTarget.js';
import { namingKey } from '../connection/errorMapping.js';
import type { ScriptContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/** Which entries `getItems` reads. */
export interface ReadItemsInput {
  /** The LRANGE start: 0 for all, `-count` for the newest `count`. */
  readonly start: number;
  /** Whether this read slides the expiry (at most once per getItems call, when the session has a TTL and its `touch` option says so). */
  readonly slideExpiry: boolean;
}

/**
 * `lua/touch-2.lua`: slides the expiry of both keys after a read. Its one
 * use is {@link Touch.readItems}, which sends it pipelined behind the LRANGE.
 */
export class Touch extends TypedScript<ScriptContext, void, void> {
  args(context: ScriptContext): string[] {
    return [String(context.ttl)];
  }

  reply(): void {}

  /**
   * The entries from `start` to the newest. Without a TTL (or `slideExpiry`),
   * one LRANGE, which checks nothing else (a foreign metadata key goes
   * unnoticed). Else the LRANGE and this script, sent together: node-redis
   * pipelines them in one write, so this is one round trip, and each keeps its command timeout.
   */
  async readItems(target: RedisCommandTarget, context: ScriptContext, { start, slideExpiry }: ReadItemsInput): Promise<string[]> {
    const { items } = context.keys;
    if (context.ttl === 0 || !slideExpiry) return target.lRange(items, start, -1).catch(namingKey(items, 'list'));
    const [entries, touched] = await Promise.allSettled([target.lRange(items, start, -1), this.run(target, context)]);
    // The touch script's WRONGTYPE names the key (LRANGE's does not), and it is the one refusing a foreign metadata key.
    if (touched.status === 'rejected') throw touched.reason;
    if (entries.status === 'rejected') throw entries.reason;
    return entries.value;
  }
}
