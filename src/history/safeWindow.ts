import type { AgentInputItem } from '@openai/agents';

/**
 * Whether an item is the result of a tool call (`function_call_result`,
 * `computer_call_result`, `shell_call_output`, `apply_patch_call_output`, ...):
 * it carries a `callId` and its type ends in `_result` or `_output`.
 */
function isToolResult(item: AgentInputItem): item is AgentInputItem & { callId: string } {
  const { type, callId } = item as { type?: unknown; callId?: unknown };
  return typeof callId === 'string' && typeof type === 'string' && /_(result|output)$/.test(type);
}

/** Whether an item is a tool call that a later result can answer. */
function isToolCall(item: AgentInputItem): item is AgentInputItem & { callId: string } {
  const { callId } = item as { callId?: unknown };
  return typeof callId === 'string' && !isToolResult(item);
}

/**
 * Trims the front of a window of recent history so that no tool result in it
 * is missing its call. The Responses API rejects such input with HTTP 400
 * ("No tool call found for function call output"), so the window starts at the
 * earliest position from which every result's call is inside the window.
 * The window stays a contiguous suffix of the history; it can only shrink.
 */
export function trimToSafeBoundary(window: AgentInputItem[]): AgentInputItem[] {
  // Walk backwards, tracking results whose call has not been seen yet: any
  // position where none is pending is a safe start; keep the earliest one.
  const pending = new Set<string>();
  let start = window.length;
  for (let index = window.length - 1; index >= 0; index--) {
    const item = window[index] as AgentInputItem;
    if (isToolResult(item)) pending.add(item.callId);
    else if (isToolCall(item)) pending.delete(item.callId);
    if (pending.size === 0) start = index;
  }
  return start === 0 ? window : window.slice(start);
}
