/**
 * What a test fixture's `before` hook set, for its getters: fails clearly when a test file reads it too early
 * (at module level, or in a hook that runs first).
 */
export function started<T>(value: T | undefined, fixture: string): T {
  if (value === undefined) throw new Error(`${fixture}: used before its before() hook ran`);
  return value;
}
