import { createClient, ErrorReply } from 'redis';
import { DEFAULT_REDIS_URL, redactRedisUrl } from 'agents-redis-session';
import { findBinary } from '../tools/findBinary.js';
import { startRedisServer, type RedisServerHandle } from '../tools/throwawayRedis.js';

/** A `redis-server` the demo started for itself (tools/throwawayRedis.ts): no persistence, loopback only, temp dir, stopped by PID. */
export type ThrowawayRedis = RedisServerHandle;

/** Thrown when the demo cannot get a Redis server; its message says what to do. */
export class DemoSetupError extends Error {
  override name = 'DemoSetupError';
}

/**
 * Resolves true when a Redis server answers PING at `url` within `timeoutMs`,
 * false when nothing answers. A server that answers with an error (wrong
 * password, say) is reported as a {@link DemoSetupError}, not hidden.
 */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => {}); // connect() rejects with the same error
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    return true;
  } catch (error) {
    if (error instanceof ErrorReply) {
      throw new DemoSetupError(`Redis at ${redactRedisUrl(url)} answered with an error: ${error.message}`);
    }
    return false;
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

/** Finds a Redis server: REDIS_URL or the default, else a throwaway local one. */
export async function findRedis(): Promise<{ url: string; server?: ThrowawayRedis }> {
  const url = process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) {
    console.log(`Redis:  ${redactRedisUrl(url)}${process.env.REDIS_URL ? ' (from REDIS_URL)' : ''}`);
    return { url };
  }
  if (!findBinary('redis-server')) {
    throw new DemoSetupError(
      `No Redis answers at ${redactRedisUrl(url)}, and redis-server is not installed to start a throwaway one.\n` +
        '  Install Redis:  apt-get install -y redis-server   (Debian/Ubuntu)\n' +
        '                  brew install redis                (macOS)\n' +
        '  or point REDIS_URL at a running server:  REDIS_URL=redis://host:6379/0 npm run demo',
    );
  }
  // Ctrl-C, SIGTERM and process exit also stop it, so it never outlives the demo.
  const server = await startRedisServer({ logName: 'demo', startTimeoutMs: 10_000 }).catch((error: Error) => {
    throw new DemoSetupError(error.message);
  });
  console.log(`Redis:  nothing answers at ${redactRedisUrl(url)}, so the demo started a throwaway redis-server`);
  console.log(`        (pid ${server.pid}) on 127.0.0.1:${server.port}, data in ${server.dir}; it is stopped at the end.`);
  return { url: server.url, server };
}
