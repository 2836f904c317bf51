/**
 * A process-wide value, kept on `globalThis` under a `Symbol.for` key, so that
 * every copy of this package loaded in one process (its ESM and CommonJS
 * builds, or two installs) uses the same one: one registry of connections, and
 * `closeSharedConnections()` from any copy closes them all. Bump the version
 * suffix when the shape of the value changes.
 */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`agents-redis-session.${name}.v1`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  return (store[key] ??= create());
}
