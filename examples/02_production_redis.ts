/**
 * A production setup:
 * - the Redis URL comes from the REDIS_URL environment variable,
 * - the app owns one node-redis client and passes it to every session
 *   (sessions given a `client` neither connect nor close it),
 * - each tenant gets its own key prefix, so tenants never see each other's conversations,
 * - each kind of conversation gets a TTL that fits it.
 *
 * Run: REDIS_URL=redis://localhost:6379/0 npx tsx examples/02_production_redis.ts
 * (without OPENAI_API_KEY it uses a small offline model, below). It deletes everything it wrote before exiting.
 */
import { Agent, run, setTracingDisabled, Usage, type Model } from '@openai/agents';
import { RedisSession } from 'agents-redis-session';
import { createClient } from 'redis';

const redisUrl = process.env.REDIS_URL ?? 'redis://localhost:6379/0';

const client = createClient({ url: redisUrl });
client.on('error', (error: Error) => console.error(`Redis client error: ${error.message}`));
await client.connect();

/** A conversation of one tenant, on the app's shared client. */
function tenantSession(tenant: string, conversationId: string, ttl: number | null): RedisSession {
  return new RedisSession({ client, keyPrefix: `${tenant}:conv:`, conversationId, ttl });
}

/** Sliding expiry, in seconds, by kind of conversation; null keeps it forever. */
const TTL_PATTERNS: { ttl: number | null; use: string }[] = [
  { ttl: 300, use: 'short support chat' },
  { ttl: 1800, use: 'checkout or form flow' },
  { ttl: 3600, use: 'working session' },
  { ttl: 86400, use: 'daily assistant' },
  { ttl: null, use: 'long-term memory' },
];

/**
 * Without OPENAI_API_KEY the agent runs on this stand-in (no network, no key). It sees only what the
 * runner sends it, the history the session loaded from Redis plus the new input, and answers from that.
 */
const offlineModel: Model = {
  async getResponse({ input }) {
    const said = typeof input === 'string' ? [input] : input.flatMap((item) => ('role' in item && item.role === 'user' ? [String(item.content)] : []));
    const name = said.map((text) => /I'm (\w+)/.exec(text)?.[1]).filter(Boolean).at(-1);
    const text = said.at(-1)?.includes('my name') ? `Your name is ${name}.` : `Nice to meet you, ${name}!`;
    return { usage: new Usage(), output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] }] };
  },
  getStreamedResponse: () => {
    throw new Error('the offline model does not stream');
  },
};

const offline = !process.env.OPENAI_API_KEY;
if (offline) setTracingDisabled(true);
const agent = new Agent({
  name: 'Support',
  instructions: 'You are a support assistant. Answer in one short sentence.',
  ...(offline ? { model: offlineModel } : {}),
});

const runId = Date.now();
const sessions: RedisSession[] = [];
try {
  console.log('TTL patterns (what Redis reports right after a write):');
  for (const { ttl, use } of TTL_PATTERNS) {
    const session = tenantSession('tenant_a', `${use.replaceAll(' ', '-')}-${runId}`, ttl);
    sessions.push(session);
    await session.addItems([{ role: 'user', content: `Hello from a ${use}.` }]);
    const reported = await client.ttl(session.keys.items);
    console.log(`  ttl: ${String(ttl).padEnd(6)} ${use.padEnd(22)} TTL ${reported === -1 ? '-1 (no expiry)' : `${reported} s`}`);
  }

  console.log('\nTenant prefixes: one conversation id, two separate histories');
  for (const [tenant, name] of [['tenant_a', 'Ada'], ['tenant_b', 'Grace']] as const) {
    const session = tenantSession(tenant, `support-${runId}`, 300);
    sessions.push(session);
    await run(agent, `Hi, I'm ${name}.`, { session });
    const result = await run(agent, "What's my name?", { session });
    console.log(`  ${session.keys.items}: ${result.finalOutput}`);
  }
} finally {
  for (const session of sessions) {
    await session.clearSession();
    await session.close(); // leaves the shared client open
  }
  await client.close(); // the app opened the client, the app closes it
}
console.log(`\nCleaned up ${sessions.length} conversations.`);
