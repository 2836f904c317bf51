import type { UsageDelta } from './runUsage.js';
import { emptyTotals, type ConversationUsage, type UsageTotals, type UsageTurn } from './usage.js';

/*
 * How usage is stored, in the conversation's metadata hash (lib/info.lua): the totals in the fields
 * ur, ui, uo, ut, uc, ux (requests; input, output, total tokens; cached input tokens; reasoning output
 * tokens), and one field t:<n> per write that recorded usage: 'at,items,requests,input,output,total,cached,reasoning'.
 * Short and numeric, so that a small hash stays in Redis's compact encoding. The details kept are the two the
 * SDK reports for OpenAI models: input cached_tokens and output reasoning_tokens.
 */

/** The input detail kept, and the output one. */
const CACHED = 'cached_tokens';
const REASONING = 'reasoning_tokens';
/** The totals' fields, in the order of ARGV[10] (lib/sessionArgs.lua) and of a turn after its at and items. */
const TOTAL_FIELDS = ['ur', 'ui', 'uo', 'ut', 'uc', 'ux'] as const;

/** A count as sent: a non-negative number rounded to an integer, or 0 when it is not one or is unsafe. */
function increment(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 0;
  const rounded = Math.round(value);
  return Number.isSafeInteger(rounded) && rounded < 1e15 ? rounded : 0;
}

/** The six counts of a delta, in the stored order. */
function counts(delta: UsageTotals): number[] {
  return [
    delta.requests,
    delta.inputTokens,
    delta.outputTokens,
    delta.totalTokens,
    delta.inputTokensDetails[CACHED] ?? 0,
    delta.outputTokensDetails[REASONING] ?? 0,
  ].map(increment);
}

/**
 * ARGV[10] of a write (lib/sessionArgs.lua): 'requests,input,output,total,cached,reasoning', or '' when it
 * records no usage (no delta, or only zeros once cleaned).
 */
export function usageArgument(delta: UsageDelta | undefined): string {
  if (!delta) return '';
  const values = counts(delta);
  return values.some((value) => value > 0) ? values.join(',') : '';
}

/** A stored count: a string of digits that is a safe integer, else 0. */
function stored(text: string | undefined): number {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return 0;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : 0;
}

/** Totals from six counts in the stored order. */
function totalsOf(values: readonly number[]): UsageTotals {
  const totals = emptyTotals();
  [totals.requests, totals.inputTokens, totals.outputTokens, totals.totalTokens] = values as [number, number, number, number];
  if (values[4]! > 0) totals.inputTokensDetails[CACHED] = values[4]!;
  if (values[5]! > 0) totals.outputTokensDetails[REASONING] = values[5]!;
  return totals;
}

/** The usage totals kept in the metadata hash (fields other than ur..ux are ignored). */
export function storedTotals(fields: Readonly<Record<string, string | undefined>>): UsageTotals {
  return totalsOf(TOTAL_FIELDS.map((field) => stored(fields[field])));
}

/** One turn from its field's value, or undefined when it is not 8 comma-separated counts. */
export function storedTurn(text: string): UsageTurn | undefined {
  const parts = text.split(',');
  if (parts.length !== 8 || !parts.every((part) => /^\d{1,16}$/.test(part))) return undefined;
  const [at, items, ...rest] = parts.map(stored) as [number, number, ...number[]];
  return { at, items, ...totalsOf(rest) };
}

/**
 * A conversation's usage from its metadata hash: the totals, and the turns (fields t:<n>, oldest first;
 * values that are not turns are skipped).
 */
export function storedUsage(fields: Readonly<Record<string, string>>): ConversationUsage {
  const turns: Array<[number, UsageTurn]> = [];
  for (const [field, value] of Object.entries(fields)) {
    const match = /^t:(\d+)$/.exec(field);
    const turn = match ? storedTurn(value) : undefined;
    if (turn) turns.push([Number(match![1]), turn]);
  }
  turns.sort((a, b) => a[0] - b[0]);
  return { totals: storedTotals(fields), turns: turns.map(([, turn]) => turn) };
}
