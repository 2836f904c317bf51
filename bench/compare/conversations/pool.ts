/** Runs `task(0)` … `task(count - 1)` with at most `concurrency` in flight (untimed setup). */
export async function inPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** A conversation id shaped like the random UUID a session gets by default (36 characters), but deterministic. */
export function uuidLike(scope: number, index: number): string {
  const hex = (index * 2654435761 + scope * 40503).toString(16).padStart(12, '0').slice(-12);
  return `${scope.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
}
