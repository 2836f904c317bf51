import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { Command } from 'commander';
import { isOwner } from '../../config/conversationInfo.js';
import { conversationKeys } from '../../config/keys.js';
import { addToOwnerIndex } from '../../conversations/ownerIndex.js';
import type { RedisCommandTarget } from '../../connection/commandTarget.js';
import { describeCause } from '../../connection/errorMapping.js';
import { CliError, EXIT } from '../cliError.js';
import type { CliConnection } from '../connect.js';
import { globalsOf, withConnection } from '../context.js';
import { note, printJson, printLine } from '../output.js';
import { progressBar } from '../progress.js';
import { cliScripts } from '../scripts.js';
import { cliStreams, setExitCode } from '../streams.js';
import type { ImportOutcome } from '../../scripts/importConversation.js';
import { parseJsonl, type ImportLine } from '../importLines.js';
import { serverMillis } from './exportJsonl.js';

export { parseJsonl } from '../importLines.js';

/** What happened to each conversation of the file. */
interface ImportCounts {
  imported: number;
  unchanged: number;
  /** Expired before it could be written (its `expiresAt` passed, or an old file's `ttl` was 0): skipped. */
  expired: number;
  /** No items: nothing to restore, skipped. */
  empty: number;
  refused: number;
}

/** `import`: conversations from JSONL (as `export` writes it), each written atomically with its expiry. */
export function importCommand(): Command {
  return new Command('import')
    .description(
      'import conversations from JSONL (as export writes it); identical ones are skipped, expired and empty ones skipped and counted, ' +
        'differing ones refused unless --overwrite',
    )
    .option('--in <file>', 'input file, or - for stdin', '-')
    .option('--overwrite', 'replace existing conversations whose content differs')
    .action(async (options: { in: string; overwrite?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const conversations = parseJsonl(await readInput(options.in), options.in === '-' ? 'stdin' : options.in);
      await withConnection(globals, async (connection) => {
        const counts: ImportCounts = { imported: 0, unchanged: 0, expired: 0, empty: 0, refused: 0 };
        const refused: { id: string; reason: string }[] = [];
        const skipped: { id: string; reason: 'expired' | 'empty' }[] = [];
        // Old files give seconds left at export time: they count from the server's clock, read once, now.
        const now = conversations.some((line) => line.expiry.kind === 'ttl') ? await serverNow(connection) : 0;
        const bar = progressBar(globals, 'import', conversations.length);
        try {
          for (const conversation of conversations) {
            const result = await importOne(connection, globals.prefix, conversation, now, options.overwrite === true);
            bar.increment();
            if (result === 'imported' || result === 'unchanged') counts[result]++;
            else if (result === 'expired' || result === 'empty') {
              counts[result]++;
              skipped.push({ id: conversation.id, reason: result });
            } else {
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
        if (globals.json) printJson({ ...counts, refusedConversations: refused, skippedConversations: skipped });
        else {
          const { imported, unchanged, expired, empty } = counts;
          printLine(`Imported ${imported}, unchanged ${unchanged}, expired ${expired}, empty ${empty}, refused ${counts.refused}.`);
          for (const { id, reason } of skipped) note(`skipped "${id}": ${reason === 'expired' ? 'expired before it could be imported' : 'no items'}`);
          for (const { id, reason } of refused) note(`refused "${id}": ${reason}`);
        }
        if (counts.refused > 0) setExitCode(EXIT.findings);
      });
    });
}

/** Writes one conversation with the import script; returns the script's verdict, or 'empty'/'expired' without a call. */
async function importOne(
  connection: CliConnection,
  prefix: string,
  line: ImportLine,
  now: number,
  overwrite: boolean,
): Promise<ImportOutcome | 'empty'> {
  if (line.items.length === 0) return 'empty';
  const { expiry } = line;
  if (expiry.kind === 'ttl' && expiry.seconds === 0) return 'expired';
  const expiresAt = expiry.kind === 'none' ? 0 : expiry.kind === 'at' ? expiry.at : now + expiry.seconds * 1000;
  const keys = conversationKeys(prefix, line.id);
  const outcome = await cliScripts.importConversation.run(connection.client as RedisCommandTarget, { keys }, { overwrite, expiresAt, items: line.items, meta: line.meta });
  // An owned conversation is listed in its owner's index, as changed now (the index's own clock).
  // (An owner no session could have, written by another program, gets no index entry.)
  const owner = line.meta['o'];
  if (outcome === 'imported' && owner !== undefined && isOwner(owner)) {
    await addToOwnerIndex(connection.client as RedisCommandTarget, prefix, owner, line.id);
  }
  return outcome;
}

/** The server's clock (TIME), in ms since the epoch: the first server's, for a cluster. */
async function serverNow(connection: CliConnection): Promise<number> {
  const [server] = await connection.servers();
  return serverMillis(await server!.command(['TIME']));
}

/** The JSONL text of `file`, or of stdin for `-` (the run's stdin: the process's own, or a test's). */
async function readInput(file: string): Promise<string> {
  const { stdin } = cliStreams();
  if (file === '-' && stdin.isTTY) {
    throw new CliError('import reads JSONL from --in <file> or from stdin; stdin is a terminal. Example: import --in conversations.jsonl', EXIT.usage);
  }
  try {
    return file === '-' ? await text(stdin) : readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file === '-' ? 'stdin' : file}: ${describeCause(error)}`, EXIT.usage);
  }
}
