import { Command } from 'commander';
import { escapeGlob } from '../conversations.js';
import { globalsOf, withConnection } from '../context.js';
import type { KeyCommands, ServerNode } from '../connect.js';
import { formatBytes, printJson, printLine } from '../output.js';
import { info } from '../serverInfo.js';

/** The INFO fields `stats` reports. */
const INFO_FIELDS = [
  'redis_version',
  'used_memory_human',
  'maxmemory',
  'maxmemory_policy',
  'connected_clients',
  'aof_enabled',
  'rdb_last_save_time',
  'evicted_keys',
  'expired_keys',
] as const;

/** Keys handled per batch of pipelined commands. */
const BATCH = 500;

/** `stats`: key count, conversations, items and memory under the prefix, and the server's relevant INFO figures. */
export function statsCommand(): Command {
  return new Command('stats')
    .description('key count, conversations, items and memory under the prefix, plus INFO figures of every server')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      await withConnection(globals, async (connection) => {
        const totals = { keys: 0, conversations: 0, items: 0, bytes: 0 };
        const servers: Record<string, unknown>[] = [];
        for (const server of await connection.servers()) {
          const lists = await scanAll(server, `${escapeGlob(globals.prefix)}*`, 'list');
          const others = (await scanAll(server, `${escapeGlob(globals.prefix)}*`)).filter((key) => !lists.includes(key));
          const metas = await scanAll(server, `{${escapeGlob(globals.prefix)}*}:meta`, 'hash');
          const conversations = lists.filter((key) => !key.startsWith('{'));
          totals.keys += lists.length + others.length + metas.length;
          totals.conversations += conversations.length;
          totals.items += await sum(conversations, (key) => connection.keys.lLen(key));
          totals.bytes += await sum([...lists, ...others, ...metas], (key) => memoryOf(connection.keys, key));
          const serverInfo = await info(server);
          const figures: Record<string, unknown> = { address: server.address };
          for (const field of INFO_FIELDS) {
            const value = serverInfo.get(field);
            figures[field] = value !== undefined && /^-?\d+$/.test(value) ? Number(value) : (value ?? null);
          }
          figures.keyspace = Object.fromEntries([...serverInfo].filter(([key]) => /^db\d+$/.test(key)));
          servers.push(figures);
        }
        if (globals.json) {
          printJson({ prefix: globals.prefix, ...totals, servers });
          return;
        }
        printLine(`Prefix "${globals.prefix}" on ${connection.target}`);
        printLine(`  conversations  ${totals.conversations}`);
        printLine(`  items          ${totals.items}`);
        printLine(`  keys           ${totals.keys}`);
        printLine(`  memory         ${formatBytes(totals.bytes)} (${totals.bytes} bytes, MEMORY USAGE summed)`);
        for (const figures of servers) {
          printLine(`Server ${String(figures.address)}`);
          for (const [name, value] of Object.entries(figures)) {
            if (name === 'address') continue;
            const shown =
              name === 'keyspace'
                ? Object.entries(value as Record<string, string>).map(([db, text]) => `${db} ${text}`).join('; ') || '(empty)'
                : name === 'rdb_last_save_time' && typeof value === 'number'
                  ? `${value} (${new Date(value * 1000).toISOString()})`
                  : String(value);
            printLine(`  ${name.padEnd(18)} ${shown}`);
          }
        }
      });
    });
}

async function scanAll(server: ServerNode, match: string, type?: string): Promise<string[]> {
  const keys = new Set<string>();
  for await (const batch of server.scan({ MATCH: match, COUNT: 500, ...(type ? { TYPE: type } : {}) })) {
    for (const key of batch) keys.add(key);
  }
  return [...keys];
}

async function memoryOf(commands: KeyCommands, key: string): Promise<number> {
  return (await commands.memoryUsage(key)) ?? 0;
}

async function sum(keys: readonly string[], measure: (key: string) => Promise<number>): Promise<number> {
  let total = 0;
  for (let start = 0; start < keys.length; start += BATCH) {
    const values = await Promise.all(keys.slice(start, start + BATCH).map(measure));
    for (const value of values) total += value;
  }
  return total;
}
