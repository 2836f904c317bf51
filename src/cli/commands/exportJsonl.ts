import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { conversationKeys } from '../../config/keys.js';
import { describeCause } from '../../connection/errorMapping.js';
import { CliError, EXIT } from '../cliError.js';
import { globalsOf, withConnection } from '../context.js';
import { allConversations, ttlOrNull } from '../conversations.js';
import { note, printJson, printLine } from '../output.js';
import { progressBar } from '../progress.js';

/** One line of an export: a whole conversation, its entries exactly as stored (encrypted ones stay encrypted). */
export interface ExportedConversation {
  id: string;
  key: string;
  /** Seconds remaining when exported, or `null` for no expiry. */
  ttl: number | null;
  /** The raw stored entries, oldest first. */
  items: string[];
  /** The metadata hash (`v` and `op:*` fields). */
  meta: Record<string, string>;
}

/** `export`: every conversation under the prefix as JSON lines, one per conversation. */
export function exportCommand(): Command {
  return new Command('export')
    .description('write every conversation under the prefix as JSONL, one line each: {id, key, ttl, items, meta}')
    .option('--match <glob>', 'only ids matching this glob')
    .option('--out <file>', 'output file, or - for stdout', '-')
    .action(async (options: { match?: string; out: string }, command: Command) => {
      const globals = globalsOf(command);
      const toStdout = options.out === '-';
      await withConnection(globals, async (connection) => {
        const found = await allConversations(connection, globals.prefix, { match: options.match });
        const temporary = `${options.out}.${process.pid}.tmp`;
        let stream: WriteStream | NodeJS.WriteStream = process.stdout;
        if (!toStdout) {
          stream = createWriteStream(temporary, { flags: 'wx' });
          await once(stream, 'open').catch((error: unknown) => {
            throw new CliError(`cannot write ${options.out}: ${describeCause(error)}`, EXIT.usage);
          });
        }
        const bar = progressBar(globals, 'export', found.length);
        let exported = 0;
        try {
          for (const { id, key } of found) {
            const keys = conversationKeys(globals.prefix, id);
            // One MULTI per conversation: items, metadata and TTL from the same instant.
            const [items, meta, ttl] = (await connection.keys.multi().lRange(keys.items, 0, -1).hGetAll(keys.meta).ttl(keys.items).exec()) as [
              string[],
              Record<string, string>,
              number,
            ];
            bar.increment();
            if (ttl === -2) continue; // expired or deleted since the scan
            const line: ExportedConversation = { id, key, ttl: ttlOrNull(ttl), items, meta: { ...meta } };
            if (!stream.write(`${JSON.stringify(line)}\n`)) await once(stream, 'drain');
            exported++;
          }
          if (!toStdout) {
            stream.end();
            await once(stream, 'finish');
            renameSync(temporary, options.out);
          }
        } catch (error) {
          if (!toStdout) {
            (stream as WriteStream).destroy();
            rmSync(temporary, { force: true });
          }
          throw error;
        } finally {
          bar.stop();
        }
        const summary = { exported, out: options.out };
        if (toStdout) note(`Exported ${exported} conversation${exported === 1 ? '' : 's'}.`);
        else if (globals.json) printJson(summary);
        else printLine(`Exported ${exported} conversation${exported === 1 ? '' : 's'} to ${options.out}.`);
      });
    });
}
