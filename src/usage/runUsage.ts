import type { RunContext, Usage } from '@openai/agents';
import { emptyTotals, type ConversationUsage, type UsageTotals, type UsageTurn } from './usage.js';

/**
 * What one run's usage adds to a conversation, and when.
 *
 * The runner hands every session call of a run the same `RunContext`, whose `usage` is the run's CUMULATIVE
 * usage; a run resumed after an approval gets a new context whose usage is restored (what the first part of
 * the run already spent, and already recorded). So a write records the usage added since that context's
 * usage was last recorded (its mark), and a usage first seen sets its mark where it stands: what it already
 * held was recorded by whoever spent it. One run persisted in several writes, resumed, or streamed is then
 * counted once.
 *
 * Marks are keyed by the `Usage` object, not the `RunContext`: the SDK's child contexts (tool forks) share
 * their parent's `Usage`, so a mark per context would count a request once per context that writes it.
 */

/** The usage added since a mark: totals, and how many per-request detail entries it spans. */
export interface UsageDelta extends UsageTotals {
  /** How many entries of `usage.inputTokensDetails` (one per request that had details) this delta covers. */
  inputDetailEntries: number;
  /** How many entries of `usage.outputTokensDetails` this delta covers. */
  outputDetailEntries: number;
}

/** Where a usage stood when last recorded (or first seen). */
interface Mark {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  inputDetailEntries: number;
  outputDetailEntries: number;
}

/** A usage read defensively: the object (the mark's key), its counts, and its per-request detail arrays. */
interface Reading {
  usage: object;
  mark: Mark;
  inputDetails: readonly unknown[];
  outputDetails: readonly unknown[];
}

const COUNTS = ['requests', 'inputTokens', 'outputTokens', 'totalTokens', 'inputDetailEntries', 'outputDetailEntries'] as const;

/**
 * Tracks, for one session, how much of each run's usage its writes have recorded. Never throws: a run
 * context from another SDK version, or anything else, records no usage.
 *
 * Every session method that receives a run context calls {@link observe} (reads) or, to write:
 * `const delta = tracker.pending(rc)`, then the script with `usageArgs(delta, entries.length)`, then
 * `tracker.commit(rc, delta)` once it succeeded. Two writes of one run in flight at once would both carry
 * the same delta; the runner awaits each session call, so it never does.
 */
export class RunUsageTracker {
  readonly #marks = new WeakMap<object, Mark>();

  /** Called with the run context of every session call: a usage first seen is marked where it stands. */
  observe(runContext: unknown): void {
    try {
      const reading = read(runContext);
      if (reading && !this.#marks.has(reading.usage)) this.#marks.set(reading.usage, reading.mark);
    } catch {
      // Not a run context we can read: nothing to record.
    }
  }

  /**
   * For a write: the usage added since the mark, or undefined when none was (or `runContext` is not a
   * readable run context). Observes first, so a usage first seen here adds nothing. A usage that went down
   * is marked afresh. Pass the delta to {@link commit} once the write succeeded.
   */
  pending(runContext: unknown): UsageDelta | undefined {
    try {
      const reading = read(runContext);
      if (!reading) return undefined;
      const mark = this.#marks.get(reading.usage);
      if (!mark) {
        this.#marks.set(reading.usage, reading.mark);
        return undefined;
      }
      const added = { ...reading.mark };
      for (const name of COUNTS) added[name] -= mark[name];
      if (COUNTS.some((name) => added[name] < 0)) {
        this.#marks.set(reading.usage, reading.mark);
        return undefined;
      }
      if (COUNTS.every((name) => added[name] === 0)) return undefined;
      return {
        ...added,
        inputTokensDetails: sumDetails(reading.inputDetails, mark.inputDetailEntries),
        outputTokensDetails: sumDetails(reading.outputDetails, mark.outputDetailEntries),
      };
    } catch {
      return undefined;
    }
  }

  /** After a write that carried `delta` succeeded: advances the mark by exactly it (a failed write's usage goes with the next). */
  commit(runContext: unknown, delta: UsageDelta | undefined): void {
    if (!delta) return;
    try {
      const reading = read(runContext);
      const mark = reading && this.#marks.get(reading.usage);
      if (mark) for (const name of COUNTS) mark[name] += delta[name];
    } catch {
      // Unreadable now: the next write re-reads it.
    }
  }
}

/** Whether `value` looks like a `RunContext`: an object whose `usage` has the four counts as numbers. Never throws. */
export function isRunContextLike(value: unknown): value is Pick<RunContext<unknown>, 'usage'> {
  try {
    return read(value) !== undefined;
  } catch {
    return false;
  }
}

/** Reads a run context's usage, or undefined when it is not one. May throw (a hostile getter): callers catch. */
function read(runContext: unknown): Reading | undefined {
  if (!isObject(runContext)) return undefined;
  const usage: unknown = (runContext as { usage?: unknown }).usage;
  if (!isObject(usage)) return undefined;
  const { requests, inputTokens, outputTokens, totalTokens, inputTokensDetails, outputTokensDetails } = usage as Partial<Usage>;
  const counts = [requests, inputTokens, outputTokens, totalTokens];
  if (!counts.every((count) => typeof count === 'number' && Number.isFinite(count) && count >= 0)) return undefined;
  const inputDetails: readonly unknown[] = Array.isArray(inputTokensDetails) ? inputTokensDetails : [];
  const outputDetails: readonly unknown[] = Array.isArray(outputTokensDetails) ? outputTokensDetails : [];
  return {
    usage,
    mark: {
      requests: requests!,
      inputTokens: inputTokens!,
      outputTokens: outputTokens!,
      totalTokens: totalTokens!,
      inputDetailEntries: inputDetails.length,
      outputDetailEntries: outputDetails.length,
    },
    inputDetails,
    outputDetails,
  };
}

/** Sums per name the numeric details of `entries` from index `from` on. */
function sumDetails(entries: readonly unknown[], from: number): Record<string, number> {
  const sums = new Map<string, number>();
  for (const entry of entries.slice(from)) {
    if (!isObject(entry)) continue;
    for (const [name, value] of Object.entries(entry)) {
      if (typeof value === 'number' && Number.isFinite(value)) sums.set(name, (sums.get(name) ?? 0) + value);
    }
  }
  return Object.fromEntries(sums);
}

// ---- The Lua side's arguments, and what it stored, read back -------------------------------------------

/** The metadata hash fields of the totals; details are `ud:i:<name>` and `ud:o:<name>`. */
const TOTAL_FIELDS = { requests: 'ur', inputTokens: 'ui', outputTokens: 'uo', totalTokens: 'ut' } as const;
const INPUT_DETAIL = 'ud:i:';
const OUTPUT_DETAIL = 'ud:o:';
/** Detail names stored: the SDK's are short snake_case; anything else is dropped. */
const DETAIL_NAME = /^[A-Za-z0-9_]{1,64}$/;
/** At most this many detail names per side, per write. */
export const MAX_DETAILS_PER_SIDE = 16;

/**
 * The two ARGV strings every writing script takes for usage (ARGV[9] and ARGV[10]); both '' when the write
 * records none (no delta, or nothing left once cleaned).
 *
 * - ARGV[9]: NUL-separated field/increment pairs for HINCRBY on the metadata hash: `ur`, `ui`, `uo`, `ut`,
 *   `ud:i:<name>`, `ud:o:<name>`. Only non-zero, non-negative safe integers (others are rounded, or dropped).
 * - ARGV[10]: the per-turn JSON entry without its leading `{"at":<ms>,`, which the script prepends from TIME:
 *   `"items":..,"requests":..,...,"outputTokensDetails":{..}}`. It holds the same cleaned numbers.
 */
export function usageArgs(delta: UsageDelta | undefined, items: number): [string, string] {
  if (!delta) return ['', ''];
  const totals: UsageTotals = {
    requests: increment(delta.requests),
    inputTokens: increment(delta.inputTokens),
    outputTokens: increment(delta.outputTokens),
    totalTokens: increment(delta.totalTokens),
    inputTokensDetails: cleanDetails(delta.inputTokensDetails, increment),
    outputTokensDetails: cleanDetails(delta.outputTokensDetails, increment),
  };
  const pairs: string[] = [];
  for (const [name, field] of Object.entries(TOTAL_FIELDS)) {
    const value = totals[name as keyof typeof TOTAL_FIELDS];
    if (value > 0) pairs.push(field, String(value));
  }
  for (const [name, value] of Object.entries(totals.inputTokensDetails)) pairs.push(INPUT_DETAIL + name, String(value));
  for (const [name, value] of Object.entries(totals.outputTokensDetails)) pairs.push(OUTPUT_DETAIL + name, String(value));
  if (pairs.length === 0) return ['', ''];
  const entry = JSON.stringify({ items: increment(items), ...totals });
  return [pairs.join('\0'), entry.slice(1)];
}

/**
 * Reads back what the scripts stored: `totalsFields`, the metadata hash (fields other than the usage ones are
 * ignored), and `turnEntries`, the per-turn JSON entries (those that are not JSON objects are skipped;
 * missing or invalid counts read 0).
 */
export function parseUsage(totalsFields: Record<string, string>, turnEntries: readonly string[]): ConversationUsage {
  const totals = emptyTotals();
  const input = new Map<string, number>();
  const output = new Map<string, number>();
  for (const [field, text] of Object.entries(totalsFields)) {
    const value = typeof text === 'string' && /^\d+$/.test(text) ? count(Number(text)) : 0;
    const name = (Object.keys(TOTAL_FIELDS) as Array<keyof typeof TOTAL_FIELDS>).find((key) => TOTAL_FIELDS[key] === field);
    if (name) totals[name] = value;
    else if (field.startsWith(INPUT_DETAIL)) input.set(field.slice(INPUT_DETAIL.length), value);
    else if (field.startsWith(OUTPUT_DETAIL)) output.set(field.slice(OUTPUT_DETAIL.length), value);
  }
  totals.inputTokensDetails = cleanDetails(Object.fromEntries(input), count);
  totals.outputTokensDetails = cleanDetails(Object.fromEntries(output), count);
  return { totals, turns: turnEntries.map(parseTurn).filter((turn): turn is UsageTurn => turn !== undefined) };
}

/** One per-turn entry, or undefined when it is not a JSON object. */
function parseTurn(text: string): UsageTurn | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(entry) || Array.isArray(entry)) return undefined;
  const field = (name: string): unknown => (Object.hasOwn(entry, name) ? (entry as Record<string, unknown>)[name] : undefined);
  const details = (name: string): Record<string, number> => {
    const value = field(name);
    return isObject(value) && !Array.isArray(value) ? cleanDetails(value as Record<string, unknown>, count) : {};
  };
  return {
    at: count(field('at')),
    items: count(field('items')),
    requests: count(field('requests')),
    inputTokens: count(field('inputTokens')),
    outputTokens: count(field('outputTokens')),
    totalTokens: count(field('totalTokens')),
    inputTokensDetails: details('inputTokensDetails'),
    outputTokensDetails: details('outputTokensDetails'),
  };
}

/** A usage increment: a finite non-negative number rounded to an integer, or 0 (dropped) when it is not one or is unsafe. */
function increment(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 0;
  const rounded = Math.round(value);
  return Number.isSafeInteger(rounded) ? rounded : 0;
}

/** A stored count: a non-negative safe integer, or 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/**
 * Details with valid names (DETAIL_NAME, not `__proto__`) and non-zero values (as `toCount` makes them),
 * at most MAX_DETAILS_PER_SIDE of them, the first by name: the same for every write of the same names.
 */
function cleanDetails(details: Record<string, unknown>, toCount: (value: unknown) => number): Record<string, number> {
  const kept: Array<[string, number]> = [];
  for (const name of Object.keys(details).sort()) {
    if (kept.length === MAX_DETAILS_PER_SIDE) break;
    if (!DETAIL_NAME.test(name) || name === '__proto__') continue;
    const value = toCount(details[name]);
    if (value > 0) kept.push([name, value]);
  }
  return Object.fromEntries(kept);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
