import type { AgentInputItem } from '@openai/agents';

/** Words for filler text; deterministic, so every run stores the same bytes. */
const WORDS = (
  'the weather in paris is mild today with light rain expected later please check the forecast ' +
  'before you leave and bring an umbrella just in case the order was shipped yesterday tracking ' +
  'number will follow by email our agent can also help you change the delivery address'
).split(' ');

function text(seed: number, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += `${out ? ' ' : ''}${WORDS[(seed * 7 + i * 3) % WORDS.length]}`;
  return out.slice(0, length);
}

/**
 * The `index`-th item of a realistic conversation, about `targetBytes` bytes
 * of JSON (±10%). Turns cycle through: user message, function_call,
 * function_call_result, assistant message.
 */
export function conversationItem(index: number, targetBytes = 400): AgentInputItem {
  const callId = `call_${(1_000_000 + Math.floor(index / 4)).toString(36)}${index.toString(36).padStart(8, '0')}`;
  switch (index % 4) {
    case 0:
      return { role: 'user', content: text(index, targetBytes - 30) };
    case 1:
      return {
        type: 'function_call',
        id: `fc_${index.toString(36).padStart(24, '0')}`,
        callId,
        name: 'get_weather',
        status: 'completed',
        arguments: JSON.stringify({ city: 'Paris', units: 'metric', note: text(index, targetBytes - 200) }),
      };
    case 2:
      return {
        type: 'function_call_result',
        callId,
        name: 'get_weather',
        status: 'completed',
        output: { type: 'text', text: text(index, targetBytes - 130) },
      };
    default:
      return {
        id: `msg_${index.toString(36).padStart(24, '0')}`,
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: text(index, targetBytes - 135) }],
      };
  }
}

/** `count` consecutive conversation items starting at `first`. */
export function conversationItems(count: number, first = 0, targetBytes = 400): AgentInputItem[] {
  return Array.from({ length: count }, (_, offset) => conversationItem(first + offset, targetBytes));
}
