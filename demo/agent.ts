import { Agent, getDefaultModel, run, setTracingDisabled, tool, type Session } from '@openai/agents';
import { OfflineModel } from './offlineModel.js';

/** Key prefix of the demo's conversations: `demo:conv:<id>`. */
export const DEMO_PREFIX = 'demo:conv:';
/** Sliding expiry of the demo's conversations, in seconds. */
export const DEMO_TTL_SECONDS = 300;

/** True when the demo talks to OpenAI; otherwise it uses the offline model. */
export const useOpenAI = Boolean(process.env.OPENAI_API_KEY);

/** A one-line description of the model in use. */
export function describeModel(): string {
  return useOpenAI
    ? `OpenAI ${getDefaultModel()} (OPENAI_API_KEY is set)`
    : 'offline demo model, no network (set OPENAI_API_KEY to use OpenAI)';
}

const getWeather = tool({
  name: 'get_weather',
  description: 'Returns the current weather for a city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name, e.g. Paris' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
  execute: async (input) => `sunny and 22°C in ${(input as { city: string }).city} (demo data)`,
});

/** The demo's agent: a short-answer assistant with a `get_weather` tool. */
export function createDemoAgent(): Agent {
  // Without an API key there is nowhere to send traces either.
  if (!useOpenAI) setTracingDisabled(true);
  return new Agent({
    name: 'Assistant',
    instructions: 'You are a friendly assistant. Answer in one short sentence. Use get_weather for weather questions.',
    tools: [getWeather],
    ...(useOpenAI ? {} : { model: new OfflineModel() }),
  });
}

/** Runs one turn with `session` as memory and prints it, noting any tool the agent called. */
export async function chat(agent: Agent, session: Session, input: string): Promise<void> {
  const result = await run(agent, input, { session });
  const tools = result.newItems.flatMap((item) => (item.type === 'tool_call_item' && 'name' in item.rawItem ? [item.rawItem.name] : []));
  console.log(`  You:   ${input}`);
  console.log(`  Agent: ${result.finalOutput}${tools.length > 0 ? `   [called ${tools.join(', ')}]` : ''}`);
}
