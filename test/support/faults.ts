/** Helpers of the fault tests: freeze a server, and check that a promise settles at all. */

/** A process that can be frozen (a redis-server of the harness). */
export interface Freezable {
  readonly pid: number;
}

const frozen = new Set<number>();

/** Freezes `server` with SIGSTOP (it keeps its sockets open and answers nothing). Pair with {@link thaw}. */
export function freeze(server: Freezable): void {
  process.kill(server.pid, 'SIGSTOP');
  frozen.add(server.pid);
}

/** Lets a frozen server run again (SIGCONT). Safe to call on a server that is not frozen. */
export function thaw(server: Freezable): void {
  if (!frozen.delete(server.pid)) return;
  try {
    process.kill(server.pid, 'SIGCONT');
  } catch {
    // already gone
  }
}

/** Thaws every server frozen by this process: call it in `after`, before stopping servers. */
export function thawAll(): void {
  for (const pid of [...frozen]) thaw({ pid });
}

/** Runs `body` with `server` frozen, and always thaws it. */
export async function whileFrozen<T>(server: Freezable, body: () => Promise<T>): Promise<T> {
  freeze(server);
  try {
    return await body();
  } finally {
    thaw(server);
  }
}

/** What a promise settled with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Waits for `work` to settle, failing when it has not after `boundMs`: the
 * bound is generous (the check is that it settles at all, not how fast).
 */
export async function settlesWithin<T>(work: Promise<T>, boundMs: number, what: string): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${boundMs} ms`)), boundMs);
  });
  try {
    return await Promise.race([
      work.then(
        (value): Settled<T> => ({ ok: true, value }),
        (error: unknown): Settled<T> => ({ ok: false, error }),
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error `work` rejected with within `boundMs`; fails when it resolved or hung. */
export async function rejectsWithin(work: Promise<unknown>, boundMs: number, what: string): Promise<unknown> {
  const settled = await settlesWithin(work, boundMs, what);
  if (settled.ok) throw new Error(`${what} resolved, but was expected to fail`);
  return settled.error;
}
