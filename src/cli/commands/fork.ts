import { Command } from 'commander';
import { validateConversationId } from '../../config/keys.js';
import { RedisSessionError } from '../../errors.js';
import type { RedisSession } from '../../RedisSession.js';
import { CliError, EXIT } from '../cliError.js';
import { onConversation } from '../context.js';
import { requireConversation } from '../conversations.js';
import { formatParent, sessionAsOwner } from '../info.js';
import { printJson, printLine } from '../output.js';
import { wholeNumber } from '../parsers.js';

interface ForkOptions {
  to?: string;
  upTo?: number;
}

/**
 * `fork <id> [--to <newId>] [--up-to <n>]`: copies a conversation's history (its first n items; default all) into a new
 * conversation of the same owner, through `RedisSession.fork`, and prints the new id. The source is unchanged.
 */
export function forkCommand(): Command {
  return new Command('fork')
    .description('copy a conversation (its first n items with --up-to; default all) into a new one of the same owner; prints the new id')
    .argument('<id>', 'conversation id to copy')
    .option('--to <newId>', 'id of the copy (default: a new random UUID); must not exist yet')
    .option('--up-to <n>', 'copy the items before index n (0-based, exclusive)', wholeNumber(0))
    .action(async (id: string, options: ForkOptions, command: Command) => {
      if (options.to !== undefined) {
        try {
          validateConversationId(options.to);
        } catch (error) {
          if (error instanceof RedisSessionError) throw new CliError(error.message.replace(/^conversationId/, '--to'), EXIT.usage);
          throw error;
        }
      }
      await onConversation(async (run) => {
        await requireConversation(run.connection, run.keys, run.id);
        const source = await sessionAsOwner(run);
        try {
          const fork: RedisSession = await source.fork({
            ...(options.to !== undefined ? { conversationId: options.to } : {}),
            ...(options.upTo !== undefined ? { upTo: options.upTo } : {}),
          });
          try {
            const info = await fork.getInfo();
            const parent = info?.parent ?? { conversationId: run.id, upTo: info?.itemCount ?? 0 };
            if (run.globals.json) printJson({ id: fork.conversationId, key: fork.keys.items, items: info?.itemCount ?? 0, parent });
            else printLine(`Forked ${formatParent({ parent })} into ${fork.conversationId}`);
          } finally {
            await fork.close();
          }
        } finally {
          await source.close();
        }
      })(id, options, command);
    });
}
