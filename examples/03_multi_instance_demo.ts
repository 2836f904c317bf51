/**
 * Many servers, one conversation: three agent server processes behind a
 * round-robin front share one conversation in Redis and see each other's
 * updates live through the change feed (`session.subscribe`).
 *
 * - Starts instances A, B and C (examples/multi-instance/instance.ts), each an
 *   HTTP server on a free loopback port with its own RedisSession per
 *   conversation, and a round-robin proxy in front of them.
 * - Each instance subscribes to the conversation; turn 1 runs on A, turn 2 on
 *   B, turn 3 on C (through the front), and each instance prints the updates
 *   the others made as they arrive.
 * - Every instance serves a page at `/` that shows the conversation live
 *   (server-sent events fed by that instance's change feed) with a form to
 *   send a message.
 *
 * Run: npx tsx examples/03_multi_instance_demo.ts [--serve]
 * REDIS_URL selects the server (default redis://localhost:6379/0). Without
 * OPENAI_API_KEY it uses an offline model (multi-instance/offlineModel.ts).
 * Exits after the scripted turns, or with --serve keeps serving the page until Ctrl-C.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { redactRedisUrl, RedisSessionError } from 'agents-redis-session';
import { createClient } from 'redis';
import { describeModel } from './multi-instance/agent.js';
import { startFront, type Front } from './multi-instance/front.js';
import { MULTI_PREFIX, startInstance, type Instance } from './multi-instance/instances.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://localhost:6379/0';

const serve = process.argv.includes('--serve');
const TURNS = ["Hi, I'm Ada.", "What's the weather in Paris?", "What's my name?"];
const SEEN_TIMEOUT_MS = 5000;

interface ChatReply {
  instance: string;
  reply: string;
  version: number;
}
interface Seen {
  instance: string;
  lastVersion: number;
  fromOthers: number[];
}

async function request<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`${url}: ${response.status} ${parsed.error}`);
  return parsed;
}

/** Waits until every instance's subscription has seen version `version`, then returns what each saw. */
async function waitUntilAllSeen(instances: Instance[], conversationId: string, version: number): Promise<Seen[]> {
  const deadline = Date.now() + SEEN_TIMEOUT_MS;
  for (;;) {
    const seen = await Promise.all(instances.map((i) => request<Seen>(`${i.url}/seen?conversationId=${conversationId}`)));
    if (seen.every((s) => s.lastVersion >= version) || Date.now() > deadline) return seen;
    await sleep(50);
  }
}

/** Nothing answers at REDIS_URL. */
class NoRedisError extends Error {}

/** Fails with a clear message when nothing answers at `url`, before any instance starts. */
async function checkRedis(url: string): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {}); // connect() rejects with the same error
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new NoRedisError(`no Redis answers at ${redactRedisUrl(url)} (${(error as Error).message}): start one, or set REDIS_URL`);
  } finally {
    client.destroy();
  }
}

let front: Front | undefined;
const instances: Instance[] = [];

/** Stops the front and the instances (by PID). */
async function stopAll(): Promise<void> {
  await front?.close();
  await Promise.all(instances.map((i) => i.stop()));
  if (instances.length > 0) console.log(`Stopped instances ${instances.map((i) => `${i.name} (pid ${i.pid})`).join(', ')}.`);
}

async function main(): Promise<void> {
  console.log('agents-redis-session: three agent servers, one conversation\n');
  await checkRedis(redisUrl);
  console.log(`Redis:  ${redactRedisUrl(redisUrl)}${process.env.REDIS_URL ? ' (from REDIS_URL)' : ''}`);
  console.log(`Model: ${describeModel()}`);
  instances.push(...(await Promise.all(['A', 'B', 'C'].map((name) => startInstance(name, redisUrl)))));
  front = await startFront(instances.map((i) => i.url));
  console.log(`Round-robin front on ${front.url} → ${instances.map((i) => i.name).join(', ')}\n`);

  const conversationId = `multi-${Date.now()}`;
  console.log(`Conversation ${conversationId} (key ${MULTI_PREFIX}${conversationId}); every instance subscribes to it.`);
  for (const instance of instances) await request(`${instance.url}/watch`, { conversationId });

  let version = 0;
  for (const [n, message] of TURNS.entries()) {
    const answer = await request<ChatReply>(`${front.url}/chat`, { conversationId, message });
    version = answer.version;
    console.log(`Turn ${n + 1} → instance ${answer.instance}:  You: ${message}   Agent: ${answer.reply}`);
  }
  const seen = await waitUntilAllSeen(instances, conversationId, version);
  console.log('\nEvery instance received the others\' updates live:');
  for (const s of seen) console.log(`  instance ${s.instance} saw ${s.fromOthers.length} updates from other instances (versions ${s.fromOthers.join(', ')}), up to v${s.lastVersion}`);

  const page = `/?conversationId=${conversationId}`;
  console.log(`\nPage (live through server-sent events): ${front.url}${page}`);
  for (const i of instances) console.log(`  or straight from instance ${i.name}:       ${i.url}${page}`);
  if (serve) {
    console.log('Serving until Ctrl-C.');
    await new Promise<void>((resolve) => {
      // `on`, not `once`: the Agents SDK exits on a signal by itself unless another listener remains.
      process.on('SIGINT', () => resolve());
      process.on('SIGTERM', () => resolve());
    });
  }
}

try {
  await main();
  console.log('Done.');
} catch (error) {
  const known = error instanceof RedisSessionError || error instanceof NoRedisError;
  console.error(`\nDemo failed: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
