import type { RunContext, Usage } from '@openai/agents';
import type { UsageTotals } from './usage.js';

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
 * `const delta = tracker.pending(rc)`, then the script with `usageArgument(delta)` (./storedUsage.ts), then
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

/** Whether `value` is a non-null object. */
export function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
