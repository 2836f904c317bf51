/**
 * Builders of the conversation items tests store: one of each shape, shared by every test file. The shapes matter
 * (tests compare stored bytes and events), so each builder always returns exactly the same fields.
 */
import type { AgentInputItem } from '@openai/agents';

/** A function call item of the SDK. */
export type FunctionCallItem = Extract<AgentInputItem, { type: 'function_call' }>;

/** A user message in the short form agents write: `{ role: 'user', content }`, no `type`. */
export const user = (text: string): AgentInputItem => ({ role: 'user', content: text });

/** A user message with its explicit `type: 'message'`. */
export const userMessage = (text: string): AgentInputItem => ({ type: 'message', role: 'user', content: text });

/** A completed assistant message with one output_text part. */
export const assistant = (text: string): AgentInputItem =>
  ({ role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] }) as AgentInputItem;

/** A call of the `lookup` function, with `args` as its JSON arguments and any `extra` fields. */
export const functionCall = (callId: string, args = '{}', extra: Record<string, unknown> = {}): FunctionCallItem =>
  ({ type: 'function_call', callId, name: 'lookup', arguments: args, ...extra }) as FunctionCallItem;

/** The completed result ("ok") of the `lookup` call `callId`, with any `extra` fields. */
export const functionResult = (callId: string, extra: Record<string, unknown> = {}): AgentInputItem =>
  ({ type: 'function_call_result', callId, name: 'lookup', status: 'completed', output: { type: 'text', text: 'ok' }, ...extra }) as AgentInputItem;

