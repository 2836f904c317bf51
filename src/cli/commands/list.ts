import { Command } from 'commander';
import { conversationKeys } from '../../config/keys.js';
import { globalsOf, withConnection } from '../context.js';
import { allConversations, ttlOrNull } from '../conversations.js';
import { formatBytes, formatTtl, printJson, printLine, printTable } from '../output.js';
import { wholeNumber } from '../parsers.js';

/** One row of `list`. */
export interface ConversationSummary {
  id: string;
  key: string;
  items: number;
  /** Seconds until it expires; `null` when it never does. */
  ttl: number | null;
  /** MEMORY USAGE of the items list plus the metadata hash. */
  bytes: number;
}

/** `list`: every conversation under the prefix, on every master, with its item count, TTL and size. */
export function listCommand(): Command {
  return new Command('list')
    .description('list the conversations under the prefix (SCAN on every master, never KEYS)')
    .option('--match <glob>', 'only ids matching this glob, e.g. "user-*"')
    .option('--count <n>', 'SCAN COUNT hint: keys examined per SCAN call', wholeNumber(1), 500)
    .option('--limit <n>', 'show at most this many conversations', wholeNumber(1))
    .action(async (options: { match?: string; count: number; limit?: number }, command: Command) => {
      const globals = globalsOf(command);
      await withConnection(globals, async (connection) => {
        const found = await allConversations(connection, globals.prefix, { match: options.match, count: options.count });
        const shown = options.limit === undefined ? found : found.slice(0, options.limit);
        const rows = await Promise.all(
          shown.map(async ({ id, key }): Promise<ConversationSummary> => {
            const keys = conversationKeys(globals.prefix, id);
            const [items, ttl, itemBytes, metaBytes] = await Promise.all([
              connection.keys.lLen(keys.items),
              connection.keys.ttl(keys.items),
              connection.keys.memoryUsage(keys.items),
              connection.keys.memoryUsage(keys.meta),
            ]);
            return { id, key, items, ttl: ttlOrNull(ttl), bytes: (itemBytes ?? 0) + (metaBytes ?? 0) };
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
        printTable(rows, [
          { header: 'ID', value: (row) => row.id },
          { header: 'ITEMS', value: (row) => String(row.items), alignRight: true },
          { header: 'TTL', value: (row) => formatTtl(row.ttl) },
          { header: 'SIZE', value: (row) => formatBytes(row.bytes), alignRight: true },
        ]);
        const more = found.length > rows.length ? ` (showing ${rows.length})` : '';
        printLine(`${found.length} conversation${found.length === 1 ? '' : 's'} under "${globals.prefix}"${more}`);
      });
    });
}
