import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { conversationKeys, validateConversationId } from '../../config/keys.js';
import { validateTtl } from '../../config/options.js';
import type { RedisCommandTarget } from '../../connection/commandTarget.js';
import { describeCause } from '../../connection/errorMapping.js';
import { CliError, EXIT } from '../cliError.js';
import { globalsOf, withConnection } from '../context.js';
import { note, printJson, printLine } from '../output.js';
import { progressBar } from '../progress.js';
import { cliScripts } from '../scripts.js';
import type { ExportedConversation } from './exportJsonl.js';

/** Most line errors listed before giving up. */
const MAX_REPORTED_ERRORS = 10;

/** `import`: conversations from JSONL (as `export` writes it), each written atomically with its TTL. */
export function importCommand(): Command {
  return new Command('import')
    .description('import conversations from JSONL (as export writes it); identical ones are skipped, differing ones refused unless --overwrite')
    .option('--in <file>', 'input file, or - for stdin', '-')
    .option('--overwrite', 'replace existing conversations whose content differs')
    .action(async (options: { in: string; overwrite?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const conversations = parseJsonl(readInput(options.in), options.in === '-' ? 'stdin' : options.in);
      await withConnection(globals, async (connection) => {
        const counts = { imported: 0, unchanged: 0, refused: 0 };
        const refused: { id: string; reason: string }[] = [];
        const bar = progressBar(globals, 'import', conversations.length);
        try {
          for (const conversation of conversations) {
            const keys = conversationKeys(globals.prefix, conversation.id);
            const metaPairs = Object.entries(conversation.meta).flat();
            const result = String(
              await cliScripts.importConversation.run(connection.client as RedisCommandTarget, keys.all, [
                options.overwrite ? '1' : '0',
                String(conversation.ttl ?? 0),
                String(conversation.items.length),
                ...conversation.items,
                ...metaPairs,
              ]),
            );
            bar.increment();
            if (result === 'imported') counts.imported++;
            else if (result === 'unchanged') counts.unchanged++;
            else {
              counts.refused++;
              refused.push({
                id: conversation.id,
                reason:
                  result === 'refused'
                    ? 'exists with different content (pass --overwrite to replace it)'
                    : 'its keys hold another type (written by another program); never overwritten',
              });
            }
          }
        } finally {
          bar.stop();
        }
        if (globals.json) printJson({ ...counts, refusedConversations: refused });
        else {
          printLine(`Imported ${counts.imported}, unchanged ${counts.unchanged}, refused ${counts.refused}.`);
          for (const { id, reason } of refused) note(`refused "${id}": ${reason}`);
        }
        if (counts.refused > 0) process.exitCode = EXIT.findings;
      });
    });
}

function readInput(file: string): string {
  if (file === '-' && process.stdin.isTTY) {
    throw new CliError('import reads JSONL from --in <file> or from stdin; stdin is a terminal. Example: import --in conversations.jsonl', EXIT.usage);
  }
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file === '-' ? 'stdin' : file}: ${describeCause(error)}`, EXIT.usage);
  }
}

/** Parses and checks every line before anything is written; throws with the line numbers of the bad ones. */
export function parseJsonl(text: string, source: string): ExportedConversation[] {
  const conversations: ExportedConversation[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '' || errors.length >= MAX_REPORTED_ERRORS) return;
    const number = index + 1;
    try {
      const conversation = checkLine(line);
      const earlier = seen.get(conversation.id);
      if (earlier !== undefined) throw new Error(`conversation "${conversation.id}" appears again (first on line ${earlier})`);
      seen.set(conversation.id, number);
      conversations.push(conversation);
    } catch (error) {
      errors.push(`line ${number}: ${(error as Error).message}`);
    }
  });
  if (errors.length > 0) {
    throw new CliError(`${source} is not valid export JSONL; nothing was written:\n  ${errors.join('\n  ')}`, EXIT.usage);
  }
  return conversations;
}

function checkLine(line: string): ExportedConversation {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object {id, key, ttl, items, meta}');
  const record = value as Record<string, unknown>;
  for (const field of ['id', 'ttl', 'items', 'meta']) {
    if (!(field in record)) throw new Error(`missing field "${field}" (expected {id, key, ttl, items, meta})`);
  }
  const id = validateConversationId(record.id);
  if (record.key !== undefined && typeof record.key !== 'string') throw new Error('"key" must be a string');
  if (!Array.isArray(record.items) || !record.items.every((item) => typeof item === 'string')) {
    throw new Error('"items" must be an array of strings (the raw stored entries)');
  }
  const ttl = record.ttl === null ? null : validateTtl(record.ttl);
  const meta = record.meta;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta) || !Object.values(meta).every((v) => typeof v === 'string')) {
    throw new Error('"meta" must be an object of string values (the metadata hash)');
  }
  return { id, key: typeof record.key === 'string' ? record.key : id, ttl, items: record.items as string[], meta: meta as Record<string, string> };
}
