/**
 * Basic usage: an agent whose conversation memory lives in Redis and expires
 * after an hour without activity.
 *
 * Run: npx tsx examples/01_basic_redis.ts   (REDIS_URL selects the server, default redis://localhost:6379/0;
 * without OPENAI_API_KEY it uses the demo's offline model)
 */
import { Agent, run, setTracingDisabled } from '@openai/agents';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { OfflineModel } from '../demo/offlineModel.js';

const offline = !process.env.OPENAI_API_KEY;
if (offline) setTracingDisabled(true); // no key: nowhere to send traces

const agent = new Agent({
  name: 'Assistant',
  instructions: 'You are a friendly assistant. Answer in one short sentence.',
  ...(offline ? { model: new OfflineModel() } : {}),
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
