import { run, type Agent, type Session } from '@openai/agents';

/** The demo's agent is the one of the multi-instance example: a short-answer assistant with a `get_weather` tool. */
export { createAgent, describeModel } from '../examples/multi-instance/agent.js';

/** Key prefix of the demo's conversations: `demo:conv:<id>`. */
export const DEMO_PREFIX = 'demo:conv:';
/** Sliding expiry of the demo's conversations, in seconds. */
export const DEMO_TTL_SECONDS = 300;

/** Runs one turn with `session` as memory and prints it, noting any tool the agent called. */
export async function chat(agent: Agent, session: Session, input: string): Promise<void> {
  const result = await run(agent, input, { session });
  const tools = result.newItems.flatMap((item) => (item.type === 'tool_call_item' && 'name' in item.rawItem ? [item.rawItem.name] : []));
  console.log(`  You:   ${input}`);
  console.log(`  Agent: ${result.finalOutput}${tools.length > 0 ? `   [called ${tools.join(', ')}]` : ''}`);
}
