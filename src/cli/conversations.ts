import { validateOwner, validateTitle } from '../config/conversationInfo.js';
import { conversationKeys, validateConversationId, validateKeyPrefix, type ConversationKeys } from '../config/keys.js';
import { RedisSessionError } from '../errors.js';
import { CliError, EXIT } from './cliError.js';
import type { CliConnection } from './connect.js';

/** Escapes the glob characters of a literal, for SCAN MATCH: `*`, `?`, `[`, `]` and `\`. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/** Checks a key prefix from the command line. */
export function checkedPrefix(prefix: string): string {
  try {
    return validateKeyPrefix(prefix);
  } catch (error) {
    if (error instanceof RedisSessionError) throw new CliError(error.message.replace(/^keyPrefix/, '--prefix'), EXIT.usage);
    throw error;
  }
}

/** Runs one of the package's checks on a command-line value; what it refuses is a usage error (exit 2). */
function usageChecked<T>(check: () => T, message: (text: string) => string = (text) => text): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof RedisSessionError) throw new CliError(message(error.message), EXIT.usage);
    throw error;
  }
}

/** Checks a conversation id from the command line and returns its keys. */
export function checkedKeys(prefix: string, id: string): ConversationKeys {
  return usageChecked(
    () => conversationKeys(prefix, validateConversationId(id)),
    (text) => text.replace(/^conversationId/, 'The conversation id'),
  );
}

/** Checks an owner from the command line (`--owner`): the rules of the `owner` option. */
export function checkedOwner(owner: string): string {
  return usageChecked(() => validateOwner(owner, '--owner'));
}

/** Checks a title from the command line: the rules of `update({ title })`. */
export function checkedTitle(title: string): string {
  return usageChecked(() => validateTitle(title, 'input'));
}

/** One conversation found by SCAN. */
export interface FoundConversation {
  readonly id: string;
  /** The items key, `<prefix><id>`. */
  readonly key: string;
}

/** Options of {@link scanConversations}. */
export interface ScanConversationOptions {
  /** A glob for the id part, such as `user-*`. Default `*`. */
  match?: string;
  /** SCAN COUNT hint (keys examined per call). Default 500. */
  count?: number;
}

/**
 * Every conversation under `prefix`: SCAN with MATCH `<escaped prefix><glob>` and TYPE list on every server
 * that holds keys (every master of a cluster). Never KEYS. Metadata hashes (`{...}:meta`) are not lists, so SCAN skips them.
 */
export async function* scanConversations(
  connection: CliConnection,
  prefix: string,
  options: ScanConversationOptions = {},
): AsyncGenerator<FoundConversation> {
  const match = `${escapeGlob(prefix)}${options.match ?? '*'}`;
  const seen = new Set<string>();
  for (const server of await connection.servers()) {
    for await (const batch of server.scan({ MATCH: match, TYPE: 'list', COUNT: options.count ?? 500 })) {
      for (const key of batch) {
        // SCAN may return a key twice; a `{`-prefixed key is never an items key.
        if (seen.has(key) || key.startsWith('{') || !key.startsWith(prefix)) continue;
        seen.add(key);
        yield { id: key.slice(prefix.length), key };
      }
    }
  }
}

/** Every conversation found, sorted by id. */
export async function allConversations(connection: CliConnection, prefix: string, options: ScanConversationOptions = {}): Promise<FoundConversation[]> {
  const found: FoundConversation[] = [];
  for await (const conversation of scanConversations(connection, prefix, options)) found.push(conversation);
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A TTL reply as the CLI reports it: seconds remaining, or `null` for no expiry (and for a missing key). */
export function ttlOrNull(reply: number): number | null {
  return reply >= 0 ? reply : null;
}

/**
 * Checks that a conversation exists and that its keys have the expected types
 * (items: list, meta: hash). Throws "not found" or a WRONGTYPE-style error.
 */
export async function requireConversation(connection: CliConnection, keys: ConversationKeys, id: string): Promise<void> {
  const [itemsType, metaType] = await Promise.all([connection.keys.type(keys.items), connection.keys.type(keys.meta)]);
  if (itemsType !== 'none' && itemsType !== 'list') {
    throw new CliError(
      `the key ${keys.items} holds a ${itemsType}, not a list: it is not a conversation (another program wrote it). Nothing was changed.`,
      EXIT.redis,
    );
  }
  if (metaType !== 'none' && metaType !== 'hash') {
    throw new CliError(`the key ${keys.meta} holds a ${metaType}, not a hash: another program wrote it. Nothing was changed.`, EXIT.redis);
  }
  if (itemsType === 'none' && metaType === 'none') {
    throw new CliError(`conversation "${id}" not found (no key ${keys.items}).`, EXIT.notFound);
  }
}
