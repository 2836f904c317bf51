import { closest, distance } from 'fastest-levenshtein';
import { RedisSessionConfigError } from '../errors.js';

/**
 * The names of an options type, as an object whose keys the compiler checks
 * against the type (no key missing, none extra), so that a new option cannot
 * be forgotten in its list.
 */
export type NamesOf<T> = { readonly [K in keyof Required<T>]: true };
/** The names of a {@link NamesOf} list. */
export const names = <T>(list: NamesOf<T>): readonly string[] => Object.keys(list);

/**
 * A suggestion for a name that is not an option: the option meant, and a
 * note on how to use it. Keys are lower case: the names of other libraries
 * (node-redis, ioredis, connect-redis, LangChain, ...) and common guesses.
 * A hint is given only when its option is one of the object's.
 */
export type Hints = Readonly<Record<string, readonly [option: string, note?: string]>>;

/** The options of one object: its names, hints for wrong names, and the option objects inside it. */
export interface OptionGroup {
  readonly names: readonly string[];
  readonly hints?: Hints;
  /** Option objects inside, by name (for an array option, of each element); checked when present and an object. */
  readonly nested?: Readonly<Record<string, OptionGroup>>;
  /** Names that belong elsewhere, and where. */
  readonly elsewhere?: { readonly names: readonly string[]; readonly note: string };
}

/** Hints for the options that a session and a watcher both take besides the connection's: `keyPrefix` and `logger`. */
export const PREFIX_AND_LOGGER_HINTS: Hints = {
  prefix: ['keyPrefix'], namespace: ['keyPrefix'], keyspace: ['keyPrefix'],
  log: ['logger'], logging: ['logger'], debug: ['logger'],
};

/** A key as messages show it: quoted, and cut short (it is a name, but may be anything). */
const shown = (key: string): string => JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);

/** What to say about `key`, which is not one of `group.names`: a "did you mean", or nothing. */
function suggestion(key: string, group: OptionGroup): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = group.names.find((name) => name.toLowerCase() === lower);
  if (sameLetters) return `did you mean "${sameLetters}"?`;
  const hint = group.hints && Object.hasOwn(group.hints, lower) ? group.hints[lower] : undefined;
  if (hint && group.names.includes(hint[0])) return `did you mean "${hint[0]}"${hint[1] ? ` (${hint[1]})` : ''}?`;
  if (group.elsewhere?.names.includes(key)) return `${group.elsewhere.note}.`;
  const near = closest(lower, group.names.map((name) => name.toLowerCase()));
  const allowed = Math.min(3, Math.max(1, Math.floor(lower.length / 3)));
  if (distance(lower, near) <= allowed) return `did you mean "${group.names.find((name) => name.toLowerCase() === near)}"?`;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Refuses option names that are not options (a misspelled option would be
 * ignored, silently: `{ url }` would connect to localhost), with a "did you
 * mean" hint, in the object and in the option objects inside it. Values are
 * never shown. Values of the wrong type are left to the options' own checks.
 *
 * @param where - How messages name the object, e.g. `RedisSession options`.
 * @throws {RedisSessionConfigError} naming every unknown option.
 */
export function checkOptionNames(options: unknown, group: OptionGroup, where: string, path = ''): void {
  if (!isObject(options)) return;
  const unknown = Object.keys(options).filter((key) => !group.names.includes(key));
  if (unknown.length > 0) {
    const hints = unknown.map((key) => suggestion(key, group));
    const described = unknown.map((key, index) => `${shown(path + key)}${hints[index] ? `: ${hints[index]}` : '.'}`);
    const known = hints.some((hint) => hint !== undefined) ? '' : ` The options${path ? ` of ${path.replace(/\.$/, '')}` : ''} are: ${group.names.join(', ')}.`;
    throw new RedisSessionConfigError(
      `Unknown option${unknown.length > 1 ? 's' : ''} in ${where} (refused, since ${unknown.length > 1 ? 'they' : 'it'} would be ignored): ` +
        `${described.join(' ')}${known}`,
    );
  }
  for (const [name, inner] of Object.entries(group.nested ?? {})) {
    const value = options[name];
    if (Array.isArray(value)) value.forEach((element, index) => checkOptionNames(element, inner, where, `${path}${name}[${index}].`));
    else checkOptionNames(value, inner, where, `${path}${name}.`);
  }
}
