import { createClient } from 'redis';
import type { Conversation, Store } from './types.js';

/**
 * Hand-written node-redis doing the same job as the session: one list per
 * conversation, JSON strings. The client floor. With `ttl`, each command goes in
 * a MULTI with EXPIREs of the list and of a metadata key, as the session slides both.
 */
export async function handWrittenStore(url: string, ttl: number | null): Promise<Store> {
  const client = createClient({ url });
  client.on('error', (error) => console.error('hand-written client error:', error));
  await client.connect();
  return {
    name: `node-redis by hand${ttl ? ' (ttl)' : ''}`,
    description: ttl
      ? 'node-redis 6: MULTI RPUSH|LRANGE|RPOP + EXPIRE list + EXPIRE meta EXEC; DEL for clear'
      : 'node-redis 6: RPUSH / LRANGE -20 -1 / RPOP / DEL, JSON.stringify and JSON.parse per item',
    usesRedis: true,
    conversation(id: string): Conversation {
      const key = `hand:${id}`;
      const meta = `{${key}}:meta`;
      return {
        async append(items) {
          const entries = items.map((item) => JSON.stringify(item));
          if (ttl) await client.multi().rPush(key, entries).expire(key, ttl).expire(meta, ttl).exec();
          else await client.rPush(key, entries);
        },
        async last(count) {
          const entries = ttl
            ? ((await client.multi().lRange(key, -count, -1).expire(key, ttl).expire(meta, ttl).exec())[0] as unknown as string[])
            : await client.lRange(key, -count, -1);
          return entries.map((entry) => JSON.parse(entry) as unknown);
        },
        async pop() {
          const entry = ttl
            ? ((await client.multi().rPop(key).expire(key, ttl).expire(meta, ttl).exec())[0] as unknown as string | null)
            : await client.rPop(key);
          return entry === null ? undefined : (JSON.parse(entry) as unknown);
        },
        async clear() {
          await client.del([key, meta]);
        },
        async fill(items) {
          for (let i = 0; i < items.length; i += 1000) await client.rPush(key, items.slice(i, i + 1000).map((item) => JSON.stringify(item)));
        },
      };
    },
    async close() {
      await client.close();
    },
  };
}
