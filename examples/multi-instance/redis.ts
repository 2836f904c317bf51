import { DEFAULT_REDIS_URL, redactRedisUrl } from 'agents-redis-session';
import { DemoSetupError, findOnPath, redisAnswers, startThrowawayRedis, type ThrowawayRedis } from '../../demo/localRedis.js';

/**
 * Finds a Redis server as demo/main.ts does: REDIS_URL or the default URL,
 * else a throwaway redis-server on a free loopback port (stopped by the caller).
 */
export async function findRedis(): Promise<{ url: string; server?: ThrowawayRedis }> {
  const url = process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) {
    console.log(`Redis: ${redactRedisUrl(url)}${process.env.REDIS_URL ? ' (from REDIS_URL)' : ''}`);
    return { url };
  }
  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new DemoSetupError(
      `No Redis answers at ${redactRedisUrl(url)}, and redis-server is not installed to start a throwaway one.\n` +
        '  Install Redis (apt-get install -y redis-server, or brew install redis),\n' +
        '  or point REDIS_URL at a running server: REDIS_URL=redis://host:6379/0',
    );
  }
  const server = await startThrowawayRedis(binary);
  console.log(`Redis: nothing answers at ${redactRedisUrl(url)}; started a throwaway redis-server (pid ${server.pid}) on ${server.url}`);
  return { url: server.url, server };
}
