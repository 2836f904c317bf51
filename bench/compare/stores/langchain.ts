import { loadPeer, type Conversation, type Store } from './types.js';
import { memoized, toPlainMessage } from './convert.js';

export const LANGCHAIN_PACKAGES = ['@langchain/redis', '@langchain/core'];

/**
 * `@langchain/redis`'s RedisChatMessageHistory (its own node-redis 4 client).
 * It has no windowed read: the last 20 are `getMessages()` (LRANGE 0 -1, every
 * message decoded) sliced; `addMessages` runs one LPUSH per message; no pop.
 */
export async function langchainStore(url: string): Promise<Store> {
  const { RedisChatMessageHistory } = await loadPeer('@langchain/redis');
  const { AIMessage, HumanMessage, ToolMessage } = await loadPeer('@langchain/core/messages');
  const toMessage = memoized((item) => {
    const message = toPlainMessage(item);
    switch (message.kind) {
      case 'user':
        return new HumanMessage(message.text);
      case 'assistant':
        return new AIMessage(message.text);
      case 'tool_call':
        return new AIMessage({ content: '', tool_calls: [{ id: message.callId, name: message.toolName, args: message.args, type: 'tool_call' }] });
      default:
        return new ToolMessage({ content: message.text, tool_call_id: message.callId!, name: message.toolName });
    }
  });
  const histories: any[] = [];
  return {
    name: 'LangChain RedisChatMessageHistory',
    description: '@langchain/redis RedisChatMessageHistory: addMessages = LPUSH per message; read = getMessages() (LRANGE 0 -1, all decoded) then slice; clear = DEL; no pop',
    usesRedis: true,
    conversation(id: string): Conversation {
      const history = new RedisChatMessageHistory({ sessionId: `lc:${id}`, config: { url } });
      histories.push(history);
      return {
        append: (items) => history.addMessages(items.map(toMessage)),
        last: async (count) => (await history.getMessages()).slice(-count),
        clear: () => history.clear(),
        fill: (items) => history.addMessages(items.map(toMessage)),
      };
    },
    async close() {
      const clients = new Set(histories.map((history) => history.client));
      await Promise.allSettled([...clients].map((client) => (client.isOpen ? client.quit() : undefined)));
    },
  };
}
