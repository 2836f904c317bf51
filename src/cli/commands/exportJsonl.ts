import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { conversationKeys, type ConversationKeys } from '../../config/keys.js';
import { describeCause } from '../../connection/errorMapping.js';
import { CliError, EXIT } from '../cliError.js';
import type { KeyCommands } from '../connect.js';
import { globalsOf, withConnection } from '../context.js';
import { allConversations } from '../conversations.js';
import { note, printJson, printLine, toJson } from '../output.js';
import { progressBar } from '../progress.js';
import { cliStreams } from '../streams.js';

/** One line of an export: a whole conversation, its entries exactly as stored (encrypted ones stay encrypted). */
export interface ExportedConversation {
  id: string;
  key: string;
  /**
   * Seconds remaining when exported, rounded up (a key with 300 ms left says 1, never 0), or `null` for no expiry.
   * For people: `import` uses `expiresAt` when the line has it.
   */
  ttl: number | null;
  /**
   * When it expires: milliseconds since the epoch on the server's clock (`TIME` + `PTTL`, read in the same MULTI as the
   * items), or `null` for no expiry. Absent in files written before version 1.1 of the format, which only have `ttl`.
   */
  expiresAt?: number | null;
  /** The raw stored entries, oldest first. */
  items: string[];
  /** The metadata hash (`v` and `op:*` fields). */
  meta: Record<string, string>;
}

/** `export`: every conversation under the prefix as JSON lines, one per conversation. */
export function exportCommand(): Command {
  return new Command('export')
    .description('write every conversation under the prefix as JSONL, one line each: {id, key, ttl, expiresAt, items, meta}')
    .option('--match <glob>', 'only ids matching this glob')
    .option('--out <file>', 'output file, or - for stdout', '-')
    .action(async (options: { match?: string; out: string }, command: Command) => {
      const globals = globalsOf(command);
      const toStdout = options.out === '-';
      await withConnection(globals, async (connection) => {
        const found = await allConversations(connection, globals.prefix, { match: options.match });
        const temporary = `${options.out}.${process.pid}.tmp`;
        let stream: WriteStream | Writable = cliStreams().stdout;
        if (!toStdout) {
          stream = createWriteStream(temporary, { flags: 'wx' });
          await once(stream, 'open').catch((error: unknown) => {
            throw new CliError(`cannot write ${options.out}: ${describeCause(error)}`, EXIT.usage);
          });
        }
        const bar = progressBar(globals, 'export', found.length);
        let exported = 0;
        let vanished = 0;
        try {
          for (const { id, key } of found) {
            const keys = conversationKeys(globals.prefix, id);
            const snapshot = await readSnapshot(connection.keys, keys);
            bar.increment();
            if (snapshot === undefined) {
              vanished++; // expired or deleted since the scan
              continue;
            }
            const line: ExportedConversation = { id, key, ...snapshot };
            if (!stream.write(`${toJson(line)}\n`)) await once(stream, 'drain');
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
        const summary = { exported, vanished, out: options.out };
        const gone = vanished > 0 ? ` (${vanished} expired or deleted while exporting)` : '';
        if (toStdout) note(`Exported ${exported} conversation${exported === 1 ? '' : 's'}${gone}.`);
        else if (globals.json) printJson(summary);
        else printLine(`Exported ${exported} conversation${exported === 1 ? '' : 's'} to ${options.out}${gone}.`);
      });
    });
}

/** The MULTI of one conversation's snapshot: node-redis's transaction with the commands the export reads. */
interface SnapshotMulti {
  lRange(key: string, start: number, stop: number): SnapshotMulti;
  hGetAll(key: string): SnapshotMulti;
  pTTL(key: string): SnapshotMulti;
  time(): SnapshotMulti;
  exec(): Promise<unknown[]>;
}

/**
 * Items, metadata and expiry of one conversation from the same instant: one MULTI of LRANGE, HGETALL, PTTL and the
 * server's TIME (so `expiresAt` is on the server's clock, as import's PEXPIREAT reads it). `undefined` when the items
 * key no longer exists. The first command names a key, so a cluster sends the MULTI to the conversation's shard.
 */
async function readSnapshot(commands: KeyCommands, keys: ConversationKeys): Promise<Omit<ExportedConversation, 'id' | 'key'> | undefined> {
  const multi = commands.multi() as unknown as SnapshotMulti;
  const [items, meta, pttl, time] = (await multi.lRange(keys.items, 0, -1).hGetAll(keys.meta).pTTL(keys.items).time().exec()) as [
    string[],
    Record<string, string>,
    number,
    unknown,
  ];
  if (pttl === -2) return undefined;
  const expiry = pttl >= 0 ? { ttl: Math.ceil(pttl / 1000), expiresAt: serverMillis(time) + pttl } : { ttl: null, expiresAt: null };
  return { ...expiry, items, meta: { ...meta } };
}

/** A TIME reply (seconds and microseconds, as strings or as node-redis's Date) as milliseconds since the epoch. */
export function serverMillis(reply: unknown): number {
  if (reply instanceof Date) return reply.getTime();
  const [seconds, micros] = reply as [string, string];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
