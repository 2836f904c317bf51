import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession, type RedisSessionOptions } from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from '../harness/index.js';
import { started } from './started.js';

/** A raw node-redis client, for inspecting and corrupting keys behind a session's back. */
export type RawRedis = ReturnType<typeof createClient>;

/** One throwaway redis-server for a test file, with helpers to open sessions on it. */
export interface SessionFixture {
  /** The server; available once the file's `before` hook has run. */
  readonly server: RedisServerHandle;
  /** A raw client connected to `server`. */
  readonly redis: RawRedis;
  /** A new conversation id, unique on this server; `label` makes keys readable in failures. */
  uniqueId(label?: string): string;
  /** A session on `server` for a new unique conversation unless `conversationId` is given; closed in `after`. */
  session(options?: Omit<RedisSessionOptions, 'redisUrl' | 'client'>): RedisSession;
}

/**
 * Registers `before`/`after` hooks that start one redis-server for the
 * calling test file and stop it (closing every session and client) at the end.
 */
export function useSessionFixture(): SessionFixture {
  let server: RedisServerHandle | undefined;
  let redis: RawRedis | undefined;
  const sessions: RedisSession[] = [];
  let counter = 0;

  before(async () => {
    server = await startRedisServer({ logName: 'session-tests' });
    redis = createClient({ url: server.url });
    await redis.connect();
  });

  after(async () => {
    await Promise.all(sessions.map((session) => session.close()));
    await closeSharedConnections();
    redis?.destroy();
    await server?.stop();
  });

  return {
    get server() {
      return started(server, 'sessionFixture');
    },
    get redis() {
      return started(redis, 'sessionFixture');
    },
    uniqueId(label = 'conv') {
      counter += 1;
      return `${label}-${counter}-${randomUUID()}`;
    },
    session(options = {}) {
      const session = new RedisSession({
        conversationId: options.conversationId ?? options.sessionId ?? this.uniqueId(),
        ...options,
        redisUrl: started(server, 'sessionFixture').url,
      });
      sessions.push(session);
      return session;
    },
  };
}
