/**
 * Quick-start demo (`npm run demo`): an agent conversation whose memory lives
 * in Redis, resumed by a second process, with the key prefix and the sliding
 * TTL at work. Uses REDIS_URL (default redis://localhost:6379/0), or starts a
 * throwaway redis-server when nothing answers there. Writes only its own
 * `demo:` keys, which expire on their own.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession, RedisSessionError } from 'agents-redis-session';
import { chat, createAgent, DEMO_PREFIX, DEMO_TTL_SECONDS, describeModel } from './agent.js';
import { DemoSetupError, findRedis, type ThrowawayRedis } from './localRedis.js';

const TENANT_B_PREFIX = 'demo:tenant_b:conv:';

/** Runs demo/resume.ts as a separate Node process and waits for it. */
function runProcess2(redisUrl: string, conversationId: string): Promise<void> {
  const script = fileURLToPath(new URL('./resume.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, conversationId], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, REDIS_URL: redisUrl },
    stdio: 'inherit',
  });
  console.log(`Process 2 (pid ${child.pid}): a separate process resumes the conversation from Redis`);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`process 2 exited with code ${code}`))));
  });
}

async function main(redisUrl: string, persistent: boolean): Promise<void> {
  const conversationId = `demo-${Date.now()}`;
  const agent = createAgent();
  const session = new RedisSession({ redisUrl, conversationId, keyPrefix: DEMO_PREFIX, ttl: DEMO_TTL_SECONDS });
  const tenantB = new RedisSession({ redisUrl, conversationId, keyPrefix: TENANT_B_PREFIX, ttl: DEMO_TTL_SECONDS });
  const redis = createClient({ url: redisUrl }); // raw access, to show what Redis itself reports
  redis.on('error', () => {}); // failures surface as rejected commands
  /** What a key holds, as Redis reports it. */
  const describeKey = async (k: string): Promise<string> => {
    const type = await redis.type(k);
    if (type === 'none') return '(absent: only applyHistoryTransaction writes it)';
    const size = type === 'list' ? `${await redis.lLen(k)} items` : type === 'hash' ? `${await redis.hLen(k)} fields` : '';
    return `${type}, ${size}, TTL ${await redis.ttl(k)} s`;
  };
  const key = session.keys.items;
  try {
    await redis.connect();
    console.log(`Model:  ${describeModel()}`);
    console.log(`Memory: ${key} (ttl ${session.ttl} s, sliding)\n`);

    console.log(`Process 1 (pid ${process.pid})`);
    await chat(agent, session, "Hi, I'm Ada.");
    await chat(agent, session, "What's the weather in Paris?");
    const stored = (await session.getItems()).length;
    console.log(`  Stored: ${stored} items · session.ttl = ${session.ttl} s · Redis TTL ${key} = ${await redis.ttl(key)} s\n`);

    await runProcess2(redisUrl, conversationId);

    console.log('\nKey layout');
    for (const k of session.keys.all) console.log(`  ${k.padEnd(key.length + 8)} ${await describeKey(k)}`);

    console.log(`\nIsolation: same id, tenant prefix ${TENANT_B_PREFIX}`);
    await chat(agent, tenantB, "Hi, I'm Grace.");
    await chat(agent, tenantB, "What's my name?");
    console.log(`  ${tenantB.keys.items}: ${await redis.lLen(tenantB.keys.items)} items`);
    console.log(`  ${key}: ${await redis.lLen(key)} items, untouched\n`);

    console.log(`Sliding TTL: every read or write sets the expiry back to ${session.ttl} s`);
    await sleep(1500);
    console.log(`  TTL after a 1.5 s pause:      ${await redis.ttl(key)} s`);
    await session.getItems();
    console.log(`  TTL after session.getItems(): ${await redis.ttl(key)} s\n`);

    if (persistent) {
      console.log(`Done. Both conversations expire by themselves ${session.ttl} s after their last use. Meanwhile:`);
      const cli = process.env.REDIS_URL ? 'redis-cli -u "$REDIS_URL"' : 'redis-cli';
      for (const command of [`TTL ${key}`, `LLEN ${key}`, `LRANGE ${key} 0 -1`]) console.log(`  ${cli} ${command}`);
    } else {
      console.log('Done.');
    }
  } finally {
    await session.close();
    await tenantB.close();
    await closeSharedConnections();
    if (redis.isOpen) await redis.close();
  }
}

let server: ThrowawayRedis | undefined;
try {
  console.log('agents-redis-session demo: conversation memory in Redis\n');
  const found = await findRedis();
  server = found.server;
  await main(found.url, server === undefined);
} catch (error) {
  const known = error instanceof DemoSetupError || error instanceof RedisSessionError;
  console.error(`\nDemo failed: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  if (server) {
    await server.stop();
    console.log(`Stopped the throwaway redis-server (pid ${server.pid}) and removed its data.`);
  }
}
