/**
 * Basic usage: an agent whose conversation memory lives in Redis and expires
 * after an hour without activity.
 *
 * Run: npx tsx examples/01_basic_redis.ts   (REDIS_URL selects the server, default redis://localhost:6379/0;
 * without OPENAI_API_KEY it uses a small offline model, below)
 */
import { Agent, run, setTracingDisabled, Usage, type Model } from '@openai/agents';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';

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
if (offline) setTracingDisabled(true); // no key: nowhere to send traces

const agent = new Agent({
  name: 'Assistant',
  instructions: 'You are a friendly assistant. Answer in one short sentence.',
  ...(offline ? { model: offlineModel } : {}),
});

// Connects to REDIS_URL (or redis://localhost:6379/0) on first use.
const session = new RedisSession({ conversationId: `example-basic-${Date.now()}`, ttl: 3600 });

try {
  for (const input of ["Hi, I'm Ada.", "What's my name?"]) {
    const result = await run(agent, input, { session });
    console.log(`You:   ${input}\nAgent: ${result.finalOutput}`);
  }
  const items = await session.getItems();
  console.log(`${items.length} items stored at ${session.keys.items}, expiring ${session.ttl} s after the last use.`);
} finally {
  await session.clearSession(); // an example leaves nothing behind; a real app keeps the history
  await session.close();
  await closeSharedConnections();
}
