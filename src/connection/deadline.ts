/**
 * The error of a call that missed its deadline. Its name is `TimeoutError`,
 * like node-redis's own, so `toSessionError` reports it as "no reply in time".
 */
export class DeadlineError extends Error {
  constructor(readonly timeoutMs: number, what = 'Redis command') {
    super(`${what}: no reply within ${timeoutMs} ms (timeout)`);
    this.name = 'TimeoutError';
  }
}

/** Whether `error` is a missed deadline of {@link withDeadline} (also from another copy of this package). */
export function isDeadlineError(error: unknown): error is DeadlineError {
  return error instanceof DeadlineError || (error instanceof Error && error.name === 'TimeoutError' && 'timeoutMs' in error);
}

/**
 * Settles like `work`, or rejects with a {@link DeadlineError} when `work` has
 * not settled `timeoutMs` after the call. When the timer fires, the check waits
 * for one turn of I/O first (`setImmediate`): on a busy event loop a reply may
 * already be waiting on the socket, and it is not counted as a timeout. The
 * timers are cleared either way, so nothing keeps the process alive; a late
 * rejection of `work` is swallowed.
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, what?: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let immediate: NodeJS.Immediate | undefined;
    const timer = setTimeout(() => {
      immediate = setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new DeadlineError(timeoutMs, what));
      });
    }, timeoutMs);
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      return true;
    };
    work.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}
