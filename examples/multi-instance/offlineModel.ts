import {
  Usage,
  type AgentInputItem,
  type AgentOutputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
  type StreamEvent,
  type StreamEventResponseCompleted,
} from '@openai/agents';

/**
 * A tiny deterministic stand-in for an LLM, so this example (and the
 * quick-start demo) run with no network and no API key. It only ever sees what the runner sends it, which
 * is the history loaded from the session plus the new input, so whatever it
 * "remembers" really came from Redis.
 *
 * It understands three things:
 * - "Hi, I'm Ada." (answers with a greeting),
 * - "What's my name?" (looks for the name in earlier user messages),
 * - "What's the weather in Paris?" (calls the `get_weather` tool if the agent has it,
 *   then reports the tool's result).
 */
export class OfflineModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const history = typeof request.input === 'string' ? [userMessage(request.input)] : request.input;
    const output = [reply(history, request.tools.map((t) => t.name))];
    return { output, usage: new Usage({ requests: 1 }), responseId: `offline_resp_${history.length}` };
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const response = await this.getResponse(request);
    yield { type: 'response_started' };
    for (const item of response.output) {
      if (item.type === 'message') yield { type: 'output_text_delta', delta: textOf(item) };
    }
    yield {
      type: 'response_done',
      response: {
        id: response.responseId ?? 'offline_resp',
        usage: { requests: 1, inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        output: response.output as StreamEventResponseCompleted['response']['output'],
      },
    };
  }
}

const NAME = /\b(?:[Ii]'m|[Ii] am|[Mm]y name is|[Cc]all me)\s+(\p{Lu}[\p{L}'-]*)/u;
const ASKS_NAME = /\bwhat(?:'s| is) my name\b/i;
const ASKS_WEATHER = /\bweather in ([\p{L} .'-]+?)[\s?.!]*$/iu;

/** The next output item for this history. */
function reply(history: AgentInputItem[], toolNames: string[]): AgentOutputItem {
  const n = history.length;
  const last = history.at(-1);
  if (last?.type === 'function_call_result') {
    return assistant(`Here's the forecast: ${textOf(last.output)}`, n);
  }
  const said = history.filter((item) => 'role' in item && item.role === 'user').map(textOf);
  const question = said.at(-1) ?? '';

  const city = ASKS_WEATHER.exec(question)?.[1];
  if (city && toolNames.includes('get_weather')) {
    const callId = `call_offline_${n}`;
    return { type: 'function_call', id: callId, callId, name: 'get_weather', arguments: JSON.stringify({ city }), status: 'completed' };
  }
  if (ASKS_NAME.test(question)) {
    const name = said.slice(0, -1).map((text) => NAME.exec(text)?.[1]).filter(Boolean).at(-1);
    return assistant(name ? `Your name is ${name}.` : "I don't know your name yet. Tell me with \"I'm <name>\".", n);
  }
  const name = NAME.exec(question)?.[1];
  if (name) return assistant(`Nice to meet you, ${name}! I'll remember that.`, n);
  return assistant(`You said: "${question}". (I'm the offline demo model: set OPENAI_API_KEY for a real one.)`, n);
}

function assistant(text: string, n: number): AgentOutputItem {
  return { type: 'message', id: `msg_offline_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] };
}

function userMessage(text: string): AgentInputItem {
  return { type: 'message', role: 'user', content: text };
}

/** The plain text of a message, content part list or tool output. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (value !== null && typeof value === 'object') {
    if ('text' in value) return textOf(value.text);
    if ('content' in value) return textOf(value.content);
  }
  return '';
}
