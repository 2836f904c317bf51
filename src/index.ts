/**
 * agents-redis-session: Redis-backed conversation memory for the OpenAI Agents SDK.
 *
 * @packageDocumentation
 */
export { RedisSession } from './RedisSession.js';
export type { RedisSessionOptions } from './config/options.js';
export type { ConversationKeys } from './config/keys.js';
export type { RedisConnection } from './connection/commandTarget.js';
export { DEFAULT_KEY_PREFIX } from './config/keys.js';
export { DEFAULT_REDIS_URL, redactRedisUrl } from './config/redisUrl.js';
export { MAX_TTL_SECONDS } from './config/options.js';
export { closeSharedConnections, sharedConnectionCount } from './connection/sharedConnections.js';
export {
  RedisSessionError,
  RedisSessionConfigError,
  RedisSessionInputError,
  RedisSessionConflictError,
  RedisSessionConnectionError,
  RedisSessionCommandError,
} from './errors.js';
export type { Logger } from './logger.js';
