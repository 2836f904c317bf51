import { createClient } from 'redis';
import type { Conversation, Store } from './types.js';

/** connect-redis's default TTL (one day), which it sets on every SET. */
const BLOB_TTL_SECONDS = 86_400;

/**
 * The connect-redis pattern: the whole conversation is one JSON string
 * (`{"items":[...]}`); every change is GET, JSON.parse, change, JSON.stringify,
 * SET ... EX, as a session store that keeps the history in the session object does.
 */
export async function jsonBlobStore(url: string): Promise<Store> {
  const client = createClient({ url });
  client.on('error', (error) => console.error('json blob client error:', error));
  await client.connect();
  return {
    name: 'JSON blob (connect-redis pattern)',
    description: 'one JSON string per conversation: GET + parse, change, stringify + SET EX 86400 (as connect-redis stores a session)',
    usesRedis: true,
    conversation(id: string): Conversation {
      const key = `blob:${id}`;
      const load = async (): Promise<{ items: unknown[] }> => {
        const raw = await client.get(key);
        return raw === null ? { items: [] } : (JSON.parse(raw) as { items: unknown[] });
      };
      const save = async (value: { items: unknown[] }): Promise<void> => {
        await client.set(key, JSON.stringify(value), { expiration: { type: 'EX', value: BLOB_TTL_SECONDS } });
      };
      return {
        async append(items) {
          const value = await load();
          value.items.push(...items);
          await save(value);
        },
        async last(count) {
          return (await load()).items.slice(-count);
        },
        async pop() {
          const value = await load();
          const item = value.items.pop();
          await save(value);
          return item;
        },
        async clear() {
          await client.del(key);
        },
        async fill(items) {
          const value = await load();
          value.items.push(...items);
          await save(value);
        },
      };
    },
    async close() {
      await client.close();
    },
  };
}
