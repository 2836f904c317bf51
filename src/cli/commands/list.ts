import { Command } from 'commander';
import { conversationKeys } from '../../config/keys.js';
import type { ConversationInfo } from '../../conversations/info.js';
import { CliError, EXIT } from '../cliError.js';
import type { CliConnection } from '../connect.js';
import { globalsOf, withConnection, type Globals } from '../context.js';
import { allConversations, checkedOwner, ttlOrNull } from '../conversations.js';
import { isoTime } from '../info.js';
import { formatBytes, formatTtl, preview, printJson, printLine, printTable, type Column } from '../output.js';
import { wholeNumber } from '../parsers.js';
import { RedisConversations } from '../../conversations/RedisConversations.js';

/** One row of `list` (without `--owner`). */
export interface ConversationSummary {
  id: string;
  key: string;
  items: number;
  /** Seconds until it expires; `null` when it never does. */
  ttl: number | null;
  /** MEMORY USAGE of the items list plus the metadata hash. */
  bytes: number;
  /** Its owner (metadata field `o`), or `null`. */
  owner: string | null;
  /** Its title (metadata field `ti`), or `null`. */
  title: string | null;
}

/** Most conversations one `list --owner` page shows (the index's own maximum). */
const MAX_PAGE = 1000;
/** Default page size of `list --owner`. */
const DEFAULT_PAGE = 20;

interface ListOptions {
  match?: string;
  count: number;
  limit?: number;
  owner?: string;
  cursor?: string;
}

/**
 * `list`: every conversation under the prefix, on every master, with its item count, TTL, size, owner and title;
 * with `--owner`, one page of that owner's conversations, newest first, through the owner's index (no SCAN).
 */
export function listCommand(): Command {
  return new Command('list')
    .description("list the conversations under the prefix (SCAN on every master, never KEYS); with --owner, one page of that owner's, newest first, from its index")
    .option('--match <glob>', 'only ids matching this glob, e.g. "user-*" (not with --owner)')
    .option('--count <n>', 'SCAN COUNT hint: keys examined per SCAN call', wholeNumber(1), 500)
    .option('--limit <n>', `show at most this many conversations (with --owner: the page size, default ${DEFAULT_PAGE}, at most ${MAX_PAGE})`, wholeNumber(1))
    .option('--owner <owner>', "only this owner's conversations, most recently changed first, from the owner's index")
    .option('--cursor <cursor>', 'with --owner: the page after the one that printed this cursor')
    .action(async (options: ListOptions, command: Command) => {
      const globals = globalsOf(command);
      if (options.owner === undefined) {
        if (options.cursor !== undefined) throw new CliError('--cursor pages through an owner\'s conversations: give --owner too.', EXIT.usage);
        await withConnection(globals, (connection) => listScanned(connection, globals, options));
        return;
      }
      const owner = checkedOwner(options.owner);
      if (options.match !== undefined) throw new CliError('--match filters a SCAN; with --owner the index lists the owner\'s conversations: drop one of them.', EXIT.usage);
      if (options.limit !== undefined && options.limit > MAX_PAGE) throw new CliError(`--limit with --owner is a page size, at most ${MAX_PAGE}; got ${options.limit}.`, EXIT.usage);
      await withConnection(globals, (connection) => listOwned(connection, globals, owner, options));
    });
}

/** One page of an owner's conversations, newest first, from the owner's index (`RedisConversations.list`). */
async function listOwned(connection: CliConnection, globals: Globals, owner: string, options: ListOptions): Promise<void> {
  const conversations = new RedisConversations({ client: connection.client, keyPrefix: globals.prefix });
  try {
    const page = await conversations.list({ owner, limit: options.limit ?? DEFAULT_PAGE, ...(options.cursor !== undefined ? { cursor: options.cursor } : {}) });
    if (globals.json) {
      printJson({ owner, conversations: page.conversations, cursor: page.cursor });
      return;
    }
    if (page.conversations.length === 0) {
      printLine(options.cursor === undefined ? `No conversations of owner "${owner}" under "${globals.prefix}".` : 'No more conversations.');
      return;
    }
    const columns: Column<ConversationInfo>[] = [
      { header: 'ID', value: (row) => row.conversationId },
      { header: 'TITLE', value: (row) => (row.title === null ? '-' : preview(row.title, 40)) },
      { header: 'UPDATED', value: (row) => isoTime(row.updatedAt) },
      { header: 'ITEMS', value: (row) => String(row.itemCount), alignRight: true },
      { header: 'TOKENS', value: (row) => String(row.usage.totalTokens), alignRight: true },
    ];
    if (page.conversations.some((row) => row.parent !== null)) {
      columns.push({ header: 'PARENT', value: (row) => (row.parent === null ? '-' : `${row.parent.conversationId}@${row.parent.upTo}`) });
    }
    printTable(page.conversations, columns);
    const shown = `${page.conversations.length} conversation${page.conversations.length === 1 ? '' : 's'} of owner "${owner}"`;
    printLine(page.cursor === null ? `${shown}; no more.` : `${shown}; next page: --cursor ${page.cursor}`);
  } finally {
    await conversations.close();
  }
}

/** Every conversation under the prefix, found by SCAN on every master. */
async function listScanned(connection: CliConnection, globals: Globals, options: ListOptions): Promise<void> {
  const found = await allConversations(connection, globals.prefix, { match: options.match, count: options.count });
  const shown = options.limit === undefined ? found : found.slice(0, options.limit);
  const rows = await Promise.all(
    shown.map(async ({ id, key }): Promise<ConversationSummary> => {
      const keys = conversationKeys(globals.prefix, id);
      const [items, ttl, itemBytes, metaBytes, info] = await Promise.all([
        connection.keys.lLen(keys.items),
        connection.keys.ttl(keys.items),
        connection.keys.memoryUsage(keys.items),
        connection.keys.memoryUsage(keys.meta),
        // HGETALL, which the read-only CLI user has (docs/security.md). A metadata key of another type (written by
        // another program) shows no owner or title rather than failing the listing.
        connection.keys.hGetAll(keys.meta).catch((): Record<string, string> => ({})),
      ]);
      const owner = info.o ?? null;
      const title = info.ti ?? null;
      return { id, key, items, ttl: ttlOrNull(ttl), bytes: (itemBytes ?? 0) + (metaBytes ?? 0), owner, title };
    }),
  );
  if (globals.json) {
    printJson(rows);
    return;
  }
  if (rows.length === 0) {
    printLine(`No conversations under "${globals.prefix}" on ${connection.target}.`);
    return;
  }
  const columns: Column<ConversationSummary>[] = [{ header: 'ID', value: (row) => row.id }];
  // The owner and title columns appear when some conversation has one.
  if (rows.some((row) => row.owner !== null)) columns.push({ header: 'OWNER', value: (row) => row.owner ?? '-' });
  if (rows.some((row) => row.title !== null)) columns.push({ header: 'TITLE', value: (row) => (row.title === null ? '-' : preview(row.title, 40)) });
  columns.push(
    { header: 'ITEMS', value: (row) => String(row.items), alignRight: true },
    { header: 'TTL', value: (row) => formatTtl(row.ttl) },
    { header: 'SIZE', value: (row) => formatBytes(row.bytes), alignRight: true },
  );
  printTable(rows, columns);
  const more = found.length > rows.length ? ` (showing ${rows.length})` : '';
  printLine(`${found.length} conversation${found.length === 1 ? '' : 's'} under "${globals.prefix}"${more}`);
}
