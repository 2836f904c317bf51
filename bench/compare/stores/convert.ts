import type { AgentInputItem } from '@openai/agents';

/** The parts of an SDK item that the peers' own message formats can carry. */
export interface PlainMessage {
  kind: 'user' | 'assistant' | 'tool_call' | 'tool_result';
  text: string;
  callId?: string;
  toolName?: string;
  args?: Record<string, unknown>;
}

/**
 * Maps the benchmark's SDK items (user message, assistant message with
 * output_text, function_call, function_call_result) to their content, so each
 * peer stores the same conversation in its own format.
 */
export function toPlainMessage(item: AgentInputItem): PlainMessage {
  const value = item as Record<string, any>;
  if (value.type === 'function_call') {
    return { kind: 'tool_call', text: '', callId: value.callId, toolName: value.name, args: JSON.parse(value.arguments) };
  }
  if (value.type === 'function_call_result') {
    return { kind: 'tool_result', text: value.output?.text ?? JSON.stringify(value.output), callId: value.callId, toolName: value.name };
  }
  if (value.role === 'user') return { kind: 'user', text: String(value.content) };
  return { kind: 'assistant', text: (value.content as Array<{ text: string }>).map((part) => part.text).join('') };
}

/** Converts each item once: the benchmark measures the stores, not this mapping. */
export function memoized<T>(convert: (item: AgentInputItem) => T): (item: AgentInputItem) => T {
  const cache = new WeakMap<object, T>();
  return (item) => {
    let converted = cache.get(item);
    if (converted === undefined) {
      converted = convert(item);
      cache.set(item, converted);
    }
    return converted;
  };
}
