/** `RedisConversations` from the build in dist/, and the key names the benchmark reads with its admin client. */
import { RedisConversations, type ConversationInfo } from '../../../dist/index.js';

export type { ConversationInfo };

/** The part of `RedisConversations` the benchmark calls. */
export type ConversationsApi = Pick<RedisConversations, 'list' | 'count' | 'close'>;

/** The owner index's key, as src/config/keys.ts `ownerIndexKey` builds it (not exported by the package). */
export function ownerIndexKey(keyPrefix: string, owner: string): string {
  return `${keyPrefix}__owner__:{${owner}}`;
}

/** The metadata hash of a conversation, as src/config/keys.ts builds it. */
export function metaKey(keyPrefix: string, conversationId: string): string {
  return `{${keyPrefix}${conversationId}}:meta`;
}

export function openConversations(redisUrl: string, keyPrefix: string): ConversationsApi {
  return new RedisConversations({ redisUrl, keyPrefix });
}
