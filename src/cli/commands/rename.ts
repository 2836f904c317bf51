import { Command } from 'commander';
import { CliError, EXIT } from '../cliError.js';
import { onConversation } from '../context.js';
import { checkedTitle, requireConversation } from '../conversations.js';
import { sessionAsOwner } from '../info.js';
import { printJson, printLine } from '../output.js';

/**
 * `rename <id> <title>` / `rename <id> --clear`: sets or removes a conversation's title through `RedisSession.update`,
 * opened with the conversation's own owner (an owned conversation refuses writes from any other). Stamps `updatedAt`
 * and publishes an `info` change event, as the API does.
 */
export function renameCommand(): Command {
  return new Command('rename')
    .description("set a conversation's title (one line, at most 1000 characters), or remove it with --clear")
    .argument('<id>', 'conversation id')
    .argument('[title]', 'the new title')
    .option('--clear', 'remove the title')
    .action(async (id: string, title: string | undefined, options: { clear?: boolean }, command: Command) => {
      if ((title === undefined) === (options.clear !== true)) {
        throw new CliError('give either a <title> or --clear, for example rename user-123 "Trip to Rome".', EXIT.usage);
      }
      const checked = title === undefined ? null : checkedTitle(title);
      await onConversation(async (run) => {
        await requireConversation(run.connection, run.keys, run.id);
        const session = await sessionAsOwner(run);
        try {
          await session.update({ title: checked });
        } finally {
          await session.close();
        }
        if (run.globals.json) printJson({ id: run.id, key: run.keys.items, title: checked });
        else printLine(checked === null ? `Removed the title of "${run.id}".` : `Renamed "${run.id}" to "${checked}".`);
      })(id, options, command);
    });
}
