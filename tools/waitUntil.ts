import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Options for {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between attempts. Default 50 ms. */
  intervalMs?: number;
  /** Used in the timeout error: "timed out after N ms waiting for <description>". */
  description: string;
}

/**
 * Calls `check` until it returns a value other than `undefined`/`false`, then
 * resolves with that value. Exceptions thrown by `check` count as "not yet"
 * (the last one is quoted in the timeout error) unless `check` throws an error
 * wrapped in {@link StopWaiting}, which aborts at once. Bounded in time and in
 * attempt count (timeoutMs / intervalMs + 2, at least).
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitUntilOptions,
): Promise<T> {
  const { timeoutMs, intervalMs = 50, description } = options;
  const deadline = Date.now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / Math.max(1, intervalMs)) + 2;
  let lastError: unknown;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      if (err instanceof StopWaiting) throw err.cause;
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
}

/** Throw `new StopWaiting(err)` from a {@link waitUntil} check to fail immediately with `err`. */
export class StopWaiting extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

