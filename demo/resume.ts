/**
 * Process 2 of the demo: a brand-new process that knows only the conversation
 * id. It opens a new RedisSession with that id and asks a question that needs
 * the earlier turns, which it can only get from Redis.
 *
 * Usage: node --import tsx demo/resume.ts <conversation-id>   (REDIS_URL selects the server)
 */
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { chat, createAgent, DEMO_PREFIX, DEMO_TTL_SECONDS } from './agent.js';

const conversationId = process.argv[2];
if (!conversationId) {
  console.error('Usage: node --import tsx demo/resume.ts <conversation-id>');
  process.exit(2);
}

const session = new RedisSession({ conversationId, keyPrefix: DEMO_PREFIX, ttl: DEMO_TTL_SECONDS });
try {
  const loaded = await session.getItems();
  console.log(`  New RedisSession for ${session.keys.items}: ${loaded.length} items loaded from Redis.`);
  await chat(createAgent(), session, "What's my name?");
  console.log(`  Stored: ${(await session.getItems()).length} items.`);
} finally {
  await session.close();
  await closeSharedConnections();
}
