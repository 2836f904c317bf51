/**
 * The token usage a conversation recorded, as `session.getUsage()` returns it. Recorded by the writes of runs
 * that pass their `RunContext` (see ./runUsage.ts); writes without one record none.
 */

/** Token usage, summed. Detail names are the SDK's (for example cached_tokens, reasoning_tokens). */
export interface UsageTotals {
  /** Model requests made. */
  requests: number;
  /** Input tokens sent, over those requests. */
  inputTokens: number;
  /** Output tokens received, over those requests. */
  outputTokens: number;
  /** Total tokens, as the model reported them (usually input + output). */
  totalTokens: number;
  /** Input token details, summed per name (for example `cached_tokens`); names whose sum is 0 are absent. */
  inputTokensDetails: Record<string, number>;
  /** Output token details, summed per name (for example `reasoning_tokens`); names whose sum is 0 are absent. */
  outputTokensDetails: Record<string, number>;
}

/** The usage recorded with one write: the model requests whose output those items hold. */
export interface UsageTurn extends UsageTotals {
  /** Server time of the write, ms since the epoch. */
  at: number;
  /** How many items that write stored. */
  items: number;
}

/** A conversation's recorded usage: its totals, and the writes (turns) that recorded it, oldest first. */
export interface ConversationUsage {
  /** Everything recorded since the conversation began (or was last cleared). */
  totals: UsageTotals;
  /** One entry per write that recorded usage, oldest first. */
  turns: UsageTurn[];
}

/** Usage of nothing: every count 0, no details. A new object each call. */
export function emptyTotals(): UsageTotals {
  return { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, inputTokensDetails: {}, outputTokensDetails: {} };
}
