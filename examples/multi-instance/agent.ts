import { Agent, getDefaultModel, setTracingDisabled, tool } from '@openai/agents';
import { OfflineModel } from './offlineModel.js';

/** True when the agent talks to OpenAI; otherwise it uses the offline model (no network, no key). */
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

/** A short-answer assistant with a `get_weather` tool, on OpenAI with OPENAI_API_KEY, else on the offline model. */
export function createAgent(): Agent {
  // Without an API key there is nowhere to send traces either.
  if (!useOpenAI) setTracingDisabled(true);
  return new Agent({
    name: 'Assistant',
    instructions: 'You are a friendly assistant. Answer in one short sentence. Use get_weather for weather questions.',
    tools: [getWeather],
    ...(useOpenAI ? {} : { model: new OfflineModel() }),
  });
}
