/**
 * agents-redis-session: Redis-backed conversation memory for the OpenAI Agents SDK.
 *
 * @packageDocumentation
 */
export { RedisSession } from './RedisSession.js';
export type { ConversationUpdate } from './conversations/infoUpdate.js';
export type { ConversationInfo, ConversationParent } from './conversations/info.js';
export {
  RedisConversations,
  DEFAULT_LIST_LIMIT,
  MAX_LIST_LIMIT,
  type ConversationPage,
  type CountConversationsOptions,
  type ListConversationsOptions,
  type RedisConversationsOptions,
} from './conversations/RedisConversations.js';
export type { HistoryPage, HistoryPageOptions } from './conversations/historyPage.js';
export type { ForkOptions } from './conversations/fork.js';
export type { ConversationMetadata } from './config/conversationInfo.js';
export { MAX_METADATA_BYTES, MAX_OWNER_LENGTH, MAX_TITLE_LENGTH } from './config/conversationInfo.js';
export type { ConversationUsage, UsageTotals, UsageTurn } from './usage/usage.js';
export type { RedisSessionOptions } from './sessionOptions.js';
export type { ConnectionOptions } from './connection/connectionOptions.js';
export type { ConversationKeys } from './config/keys.js';
export type { RedisConnection } from './connection/commandTarget.js';
export type { ClusterOptions, SentinelOptions } from './connection/endpoints.js';
export type { DurabilityOptions } from './connection/durability.js';
export type { TlsOptions, PemData } from './connection/tls.js';
export { DEFAULT_MAX_ITEM_BYTES, type OverflowPolicy } from './config/limits.js';
export { deriveTenantKey, type EncryptionKey, type EncryptionOptions } from './encryption/keyring.js';
export type { CompressionOptions } from './config/compression.js';
export { DEFAULT_KEY_PREFIX } from './config/keys.js';
export { DEFAULT_REDIS_URL, redactRedisUrl } from './connection/redisUrl.js';
export { MAX_TTL_SECONDS, type TouchOption } from './config/options.js';
export { closeSharedConnections } from './events/shutdown.js';
export { watchConversations, type WatchConversationsOptions } from './events/watchConversations.js';
export { MAX_EVENT_ITEMS_BYTES } from './events/changeEvent.js';
export type { ChangeEvent, ChangeEventType, ChangeListener, GapInfo, SubscribeOptions } from './events/changeEvent.js';
export {
  RedisSessionError,
  RedisSessionConfigError,
  RedisSessionInputError,
  RedisSessionConflictError,
  RedisSessionConnectionError,
  RedisSessionCommandError,
  RedisSessionDurabilityError,
  RedisSessionLimitError,
  RedisSessionIntegrityError,
  RedisSessionCursorError,
} from './errors.js';
export type { Logger } from './logger.js';
