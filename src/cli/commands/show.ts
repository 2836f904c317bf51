import { Command } from 'commander';
import { onConversation } from '../context.js';
import { requireConversation } from '../conversations.js';
import { describeEntry } from '../entries.js';
import { formatTtl, printJson, printLine, printTable } from '../output.js';
import { wholeNumber } from '../parsers.js';

/** `show <id>`: the stored items of one conversation, readable (or raw with --json). */
export function showCommand(): Command {
  return new Command('show')
    .description('show the items of a conversation (index, role/type, a short preview)')
    .argument('<id>', 'conversation id')
    .option('--last <n>', 'only the newest n items', wholeNumber(1))
    .action(
      onConversation(async ({ id, keys, globals, connection }, options: { last?: number }) => {
        await requireConversation(connection, keys, id);
        const [total, ttl] = await Promise.all([connection.keys.lLen(keys.items), connection.keys.ttl(keys.items)]);
        const start = options.last === undefined ? 0 : Math.max(0, total - options.last);
        const entries = total === 0 ? [] : await connection.keys.lRange(keys.items, start, -1);
        const rows = entries.map((raw, i) => ({ index: start + i, raw, ...describeEntry(raw) }));
        if (globals.json) {
          printJson({
            id,
            key: keys.items,
            total,
            ttl: ttl >= 0 ? ttl : null,
            items: rows.map((row) => ({ index: row.index, ...(row.value !== undefined ? { item: row.value } : { raw: row.raw, status: row.status }) })),
          });
          return;
        }
        printLine(`${keys.items}: ${total} item${total === 1 ? '' : 's'}, TTL ${formatTtl(ttl >= 0 ? ttl : null)}`);
        if (rows.length > 0) {
          printTable(rows, [
            { header: '#', value: (row) => String(row.index), alignRight: true },
            { header: 'ROLE/TYPE', value: (row) => row.kind },
            { header: 'PREVIEW', value: (row) => row.preview },
          ]);
        }
      }),
    );
}
