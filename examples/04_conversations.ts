/**
 * Conversations people can find again (docs/conversations.md):
 * - each conversation has an owner (the signed-in user) and a title,
 * - a sidebar lists one owner's conversations, most recently changed first, page by page (RedisConversations.list),
 * - a conversation is renamed (update), forked to "edit and regenerate from here" (fork),
 * - and its token usage is read back (getUsage), recorded by the runs that wrote it.
 *
 * Run: npx tsx examples/04_conversations.ts   (REDIS_URL selects the server, default redis://localhost:6379/0;
 * without OPENAI_API_KEY it uses a small offline model, below). It deletes everything it wrote before exiting.
 */
import { Agent, run, setTracingDisabled, Usage, type Model } from '@openai/agents';
import { closeSharedConnections, RedisConversations, RedisSession, type ConversationInfo } from 'agents-redis-session';

/**
 * Without OPENAI_API_KEY the agent runs on this stand-in (no network, no key). It answers with the question's topic, and
 * reports token usage as a real model does (input: the words it was sent; output: the words of its answer).
 */
const offlineModel: Model = {
  async getResponse({ input }) {
    const said = typeof input === 'string' ? [input] : input.flatMap((item) => ('role' in item && item.role === 'user' ? [String(item.content)] : []));
    const text = `Here are some ideas for ${said.at(-1)?.replace(/^Ideas for /, '').replace(/\?$/, '')}.`;
    const inputTokens = said.join(' ').split(/\s+/).length;
    const outputTokens = text.split(/\s+/).length;
    return {
      usage: new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }),
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] }],
    };
  },
  getStreamedResponse: () => {
    throw new Error('the offline model does not stream');
  },
};

const offline = !process.env.OPENAI_API_KEY;
if (offline) setTracingDisabled(true); // no key: nowhere to send traces

const agent = new Agent({
  name: 'Planner',
  instructions: 'You help plan trips. Answer in one short sentence.',
  ...(offline ? { model: offlineModel } : {}),
});

/** The signed-in user. The owner groups conversations; it is not access control (docs/conversations.md). */
const owner = `example-user-${Date.now()}`;
const sessions: RedisSession[] = [];

/** One line of the sidebar. */
const sidebarLine = (info: ConversationInfo): string =>
  `  ${info.title ?? '(untitled)'} · ${info.itemCount} items · ${info.usage.totalTokens} tokens${info.parent ? ` · forked from ${info.parent.conversationId}` : ''}`;

// RedisConversations connects like a session (REDIS_URL, or redis://localhost:6379/0).
const conversations = new RedisConversations({});
try {
  // Three chats of one user, each with a title, each written by a run (which records its usage).
  for (const topic of ['Rome', 'Lisbon', 'Kyoto']) {
    const session = new RedisSession({ conversationId: `example-${topic.toLowerCase()}-${Date.now()}`, owner, title: `Trip to ${topic}`, ttl: 3600 });
    sessions.push(session);
    await run(agent, `Ideas for ${topic}?`, { session });
  }

  // The sidebar: two per page, most recently changed first; the cursor fetches the next page.
  console.log(`Sidebar of ${owner}:`);
  let page = await conversations.list({ owner, limit: 2 });
  for (;;) {
    for (const info of page.conversations) console.log(sidebarLine(info));
    if (page.cursor === null) break;
    console.log('  -- more --');
    page = await conversations.list({ owner, limit: 2, cursor: page.cursor });
  }

  // Rename the first chat: a change, so it moves to the top of the sidebar.
  const [rome, lisbon] = sessions as [RedisSession, RedisSession, RedisSession];
  await rome.update({ title: 'Rome, 3 days' });
  const top = (await conversations.list({ owner, limit: 1 })).conversations[0]!;
  console.log(`Renamed; now on top: ${top.title}`);

  // Fork Lisbon after its first item (the question), to ask again differently; the source is unchanged.
  const branch = await lisbon.fork({ upTo: 1 });
  sessions.push(branch);
  await run(agent, 'Ideas for Lisbon with kids?', { session: branch });
  const parent = (await branch.getInfo())?.parent;
  console.log(`Forked ${parent?.conversationId} (its first ${parent?.upTo} item) into ${branch.conversationId}`);
  console.log(`${owner} has ${await conversations.count({ owner })} conversations.`);

  // Usage: totals and one entry per write that recorded some.
  const usage = await rome.getUsage();
  console.log(`Usage of "${top.title}": ${usage.totals.requests} request, ${usage.totals.totalTokens} tokens in ${usage.turns.length} turn`);
} finally {
  // An example leaves nothing behind; a real app keeps the history. clearSession also removes the index entry.
  for (const session of sessions) {
    await session.clearSession();
    await session.close();
  }
  await conversations.close();
  await closeSharedConnections();
}
