import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import type { RedisCommandTarget } from '../../connection/commandTarget.js';
import { removeFromOwnerIndex } from '../../conversations/ownerIndex.js';
import { scriptContext, scripts } from '../../scripts/index.js';
import { CliError, EXIT } from '../cliError.js';
import { onConversation } from '../context.js';
import { requireConversation } from '../conversations.js';
import { printJson, printLine, visible } from '../output.js';
import { cliStreams } from '../streams.js';

/** `delete <id>`: deletes every key of a conversation (items and metadata), as `clearSession()` does. */
export function deleteCommand(): Command {
  return new Command('delete')
    .description('delete every key of a conversation (items and metadata); asks first unless --yes')
    .argument('<id>', 'conversation id')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      onConversation(async ({ id, keys, globals, connection }, options: { yes?: boolean }) => {
        await requireConversation(connection, keys, id);
        if (options.yes !== true) await confirm(`Delete conversation "${id}" (${keys.items} and ${keys.meta}) on ${connection.target}? [y/N] `);
        // The session's own clear script: one atomic DEL of both keys, and a 'clear' change event for subscribers.
        // The conversation's own owner: the clear script refuses another owner's conversation.
        const owner = (await connection.keys.hGet(keys.meta, 'o')) ?? '';
        const cluster = connection.kind === 'cluster';
        const context = scriptContext({ conversationId: id, keyPrefix: globals.prefix, keys, changeEvents: true, owner, cluster });
        const redis = connection.client as RedisCommandTarget;
        const { deleted, atMicros } = await scripts.clear.run(redis, context);
        // Its entry in the owner's index goes too (in the script itself on a single server), unless a write re-created it after the clear.
        if (owner !== '' && !context.indexesInScript) await removeFromOwnerIndex(redis, globals.prefix, owner, id, atMicros);
        if (globals.json) printJson({ id, key: keys.items, deletedKeys: deleted });
        else printLine(`Deleted conversation "${id}" (${deleted} key${deleted === 1 ? '' : 's'}).`);
      }),
    );
}

async function confirm(question: string): Promise<void> {
  const { stdin, stderr } = cliStreams();
  if (!stdin.isTTY) {
    throw new CliError('refusing to delete without confirmation: pass --yes (stdin is not a terminal to ask on).', EXIT.usage);
  }
  const prompt = createInterface({ input: stdin, output: stderr });
  try {
    const answer = await prompt.question(visible(question));
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('not deleted.', EXIT.usage);
  } finally {
    prompt.close();
  }
}
