/** What every benchmark script reads from its environment and prints while it runs. */

/** The positive integer in environment variable `name`, or `fallback` when it is unset. */
export function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** A progress logger: `[bench HH:MM:SS] <part>: message` on stderr (stdout holds the results). */
export function stepLogger(part?: string): (message: string) => void {
  const prefix = part === undefined ? '' : `${part}: `;
  return (message) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${prefix}${message}`);
}
