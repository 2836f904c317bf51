import { randomUUID } from 'node:crypto';
import { loadPeer, type Conversation, type Store } from './types.js';
import { memoized, toPlainMessage } from './convert.js';

const RESOURCE_ID = 'bench-user';
/** Last createdAt handed out: strictly increasing, so the order of messages by createdAt is the order of appends. */
let clock = 0;
const nextCreatedAt = (): Date => new Date((clock = Math.max(Date.now(), clock + 1)));

/**
 * Mastra's Redis storage (`@mastra/redis` RedisStore, its memory domain), as
 * Mastra's Memory uses it: a thread, `saveMessages` and `listMessages` with the
 * last N by createdAt. Each message is its own key plus an index key and a
 * sorted-set entry; a read loads every message of the thread (ZRANGE 0 -1 +
 * MGET) and pages in the process. No pop; clear is `deleteThread`.
 */
export async function mastraStore(url: string): Promise<Store> {
  const { RedisStore } = await loadPeer('@mastra/redis');
  const storage = new RedisStore({ id: 'bench', connectionString: url });
  await storage.init();
  const memory = await storage.getStore('memory');
  const toContent = memoized((item) => {
    const message = toPlainMessage(item);
    if (message.kind === 'user') return { role: 'user', content: { format: 2, parts: [{ type: 'text', text: message.text }] } };
    if (message.kind === 'assistant') return { role: 'assistant', content: { format: 2, parts: [{ type: 'text', text: message.text }] } };
    const toolInvocation =
      message.kind === 'tool_call'
        ? { state: 'call', toolCallId: message.callId, toolName: message.toolName, args: message.args }
        : { state: 'result', toolCallId: message.callId, toolName: message.toolName, args: {}, result: message.text };
    return { role: 'assistant', content: { format: 2, parts: [{ type: 'tool-invocation', toolInvocation }] } };
  });
  return {
    name: 'Mastra RedisStore',
    description:
      '@mastra/redis RedisStore memory domain: saveMessages (GET thread ×2, MGET, MULTI of SET + SET + ZADD per message); ' +
      'listMessages last 20 by createdAt (ZRANGE 0 -1 + MGET of every message, sorted and paged in JS); clear = deleteThread (incl. a SCAN of the keyspace); no pop',
    usesRedis: true,
    conversation(id: string): Conversation {
      const threadId = `mastra-${id}`;
      let thread: Promise<void> | undefined;
      const ensureThread = (): Promise<void> => {
        thread ??= memory.saveThread({
          thread: { id: threadId, resourceId: RESOURCE_ID, title: 'bench', createdAt: new Date(), updatedAt: new Date(), metadata: {} },
        });
        return thread!;
      };
      const save = async (items: Parameters<Conversation['append']>[0]): Promise<void> => {
        await ensureThread();
        const messages = items.map((item) => ({
          ...toContent(item),
          id: randomUUID(),
          threadId,
          resourceId: RESOURCE_ID,
          type: 'v2',
          createdAt: nextCreatedAt(),
        }));
        await memory.saveMessages({ messages });
      };
      return {
        append: save,
        async last(count) {
          await ensureThread();
          const { messages } = await memory.listMessages({ threadId, perPage: count, page: 0, orderBy: { field: 'createdAt', direction: 'DESC' } });
          return (messages as unknown[]).reverse();
        },
        async clear() {
          await memory.deleteThread({ threadId });
          thread = undefined;
        },
        async fill(items) {
          for (let i = 0; i < items.length; i += 500) await save(items.slice(i, i + 500));
        },
      };
    },
    async close() {
      await storage.close();
    },
  };
}
