/**
 * TODO(merge): delete this file. It stands in for `src/conversations/RedisConversations.ts` (helper "index"), which is
 * not in this branch: commands/list.ts then imports `RedisConversations` and `ConversationPage` from
 * '../../conversations/RedisConversations.js' instead. The signatures are the API contract's, exactly.
 */
import type { ConnectionOptions } from '../connection/connectionOptions.js';
import type { ConversationInfo } from '../conversations/info.js';
import type { Logger } from '../logger.js';

/** One page of an owner's conversations (contract). */
export interface ConversationPage {
  conversations: ConversationInfo[];
  cursor: string | null;
}

/** Stand-in with the contract's signatures; every call says the index is not in this build. */
export class RedisConversations {
  constructor(_options?: ConnectionOptions & { keyPrefix?: string; logger?: Logger }) {}

  list(_options: { owner: string; limit?: number; cursor?: string }): Promise<ConversationPage> {
    return Promise.reject(new Error('TODO(merge): RedisConversations (the owner index) is not in this build.'));
  }

  count(_options: { owner: string }): Promise<number> {
    return Promise.reject(new Error('TODO(merge): RedisConversations (the owner index) is not in this build.'));
  }

  async close(): Promise<void> {}
}
