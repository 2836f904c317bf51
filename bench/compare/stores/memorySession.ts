import { MemorySession } from '@openai/agents';
import type { Conversation, Store } from './types.js';

/** The SDK's in-process MemorySession: the floor without a network or a server. */
export function memorySessionStore(): Store {
  return {
    name: 'MemorySession (SDK)',
    description: '@openai/agents MemorySession: an array in this process (no Redis)',
    usesRedis: false,
    conversation(id: string): Conversation {
      const session = new MemorySession({ sessionId: id });
      return {
        append: (items) => session.addItems(items),
        last: (count) => session.getItems(count),
        pop: () => session.popItem(),
        clear: () => session.clearSession(),
        fill: (items) => session.addItems(items),
      };
    },
    async close() {},
  };
}
