import { Command } from 'commander';
import { onConversation } from '../context.js';
import { requireConversation } from '../conversations.js';
import { describeEntry } from '../entries.js';
import { formatParent, formatUsage, isoTime, readDetails } from '../info.js';
import { formatTtl, printJson, printLine, printTable, toJson } from '../output.js';
import { wholeNumber } from '../parsers.js';

/** Usage turns listed in text mode (the newest); `--json` has them all. */
const TURNS_SHOWN = 20;

/** `show <id>`: the info, the usage and the stored items of one conversation, readable (or raw with --json). */
export function showCommand(): Command {
  return new Command('show')
    .description('show a conversation: its info (owner, title, metadata, times, TTL, parent), its token usage, and its items')
    .argument('<id>', 'conversation id')
    .option('--last <n>', 'only the newest n items', wholeNumber(1))
    .action(
      onConversation(async ({ id, keys, globals, connection }, options: { last?: number }) => {
        await requireConversation(connection, keys, id);
        const [total, ttl, { info, usage }] = await Promise.all([
          connection.keys.lLen(keys.items),
          connection.keys.ttl(keys.items),
          readDetails(connection, id, keys),
        ]);
        const start = options.last === undefined ? 0 : Math.max(0, total - options.last);
        const entries = total === 0 ? [] : await connection.keys.lRange(keys.items, start, -1);
        const rows = entries.map((raw, i) => ({ index: start + i, raw, ...describeEntry(raw) }));
        if (globals.json) {
          printJson({
            id,
            key: keys.items,
            total,
            ttl: ttl >= 0 ? ttl : null,
            // As getInfo() and getUsage() return them (times in ms since the epoch, server time).
            info,
            usage,
            items: rows.map((row) => ({ index: row.index, ...(row.value !== undefined ? { item: row.value } : { raw: row.raw, status: row.status }) })),
          });
          return;
        }
        printLine(`${keys.items}: ${total} item${total === 1 ? '' : 's'}, TTL ${formatTtl(ttl >= 0 ? ttl : info?.ttl ?? null)}`);
        if (info !== null) {
          const metadata = Object.keys(info.metadata).length === 0 ? '-' : toJson(info.metadata);
          printLine(`  owner     ${info.owner ?? '-'}`);
          printLine(`  title     ${info.title ?? '-'}`);
          printLine(`  metadata  ${metadata}`);
          printLine(`  created   ${isoTime(info.createdAt)}`);
          printLine(`  updated   ${isoTime(info.updatedAt)}`);
          printLine(`  parent    ${formatParent(info)}`);
        }
        printLine(`  usage     ${usage.turns.length === 0 && usage.totals.requests === 0 ? '-' : `${formatUsage(usage.totals)} in ${usage.turns.length} turn${usage.turns.length === 1 ? '' : 's'}`}`);
        const hidden = Math.max(0, usage.turns.length - TURNS_SHOWN);
        if (hidden > 0) printLine(`    (${hidden} earlier turn${hidden === 1 ? '' : 's'} not shown; --json has them all)`);
        usage.turns.slice(hidden).forEach((turn, i) => {
          printLine(`    turn ${hidden + i + 1}  ${isoTime(turn.at)}  ${turn.items} item${turn.items === 1 ? '' : 's'}  ${formatUsage(turn)}`);
        });
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
