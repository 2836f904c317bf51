import { Command } from 'commander';
import { MAX_TTL_SECONDS, validateTtl } from '../../config/options.js';
import type { RedisCommandTarget } from '../../connection/commandTarget.js';
import { CliError, EXIT } from '../cliError.js';
import { globalsOf, onConversation, withConnection } from '../context.js';
import { checkedKeys, requireConversation, ttlOrNull } from '../conversations.js';
import { formatTtl, printJson, printLine } from '../output.js';
import { cliScripts } from '../scripts.js';

/** `ttl <id>`: seconds until the conversation expires. */
export function ttlCommand(): Command {
  return new Command('ttl')
    .description('print the seconds until a conversation expires ("none" when it never does)')
    .argument('<id>', 'conversation id')
    .action(
      onConversation(async ({ id, keys, globals, connection }) => {
        await requireConversation(connection, keys, id);
        const [itemsTtl, metaTtl] = await Promise.all([connection.keys.ttl(keys.items), connection.keys.ttl(keys.meta)]);
        // The items key decides; a conversation with only metadata (all items popped) has the meta key's TTL.
        const ttl = ttlOrNull(itemsTtl === -2 ? metaTtl : itemsTtl);
        if (globals.json) printJson({ id, key: keys.items, ttl });
        else printLine(`${keys.items}: TTL ${formatTtl(ttl)}`);
      }),
    );
}

/** `expire <id> <seconds>` / `expire <id> --persist`: sets or removes the expiry of every key of a conversation, atomically. */
export function expireCommand(): Command {
  return new Command('expire')
    .description('set the TTL of every key of a conversation (items and metadata) at once, or remove it with --persist')
    .argument('<id>', 'conversation id')
    .argument('[seconds]', 'seconds until expiry, 1 to 315360000')
    .option('--persist', 'remove the expiry: the conversation never expires')
    .action(async (id: string, secondsText: string | undefined, options: { persist?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const keys = checkedKeys(globals.prefix, id);
      if ((secondsText === undefined) === (options.persist !== true)) {
        throw new CliError('give either <seconds> or --persist, for example "expire user-123 3600".', EXIT.usage);
      }
      let seconds = 0;
      if (secondsText !== undefined) {
        try {
          seconds = validateTtl(/^\d+$/.test(secondsText) ? Number(secondsText) : secondsText);
        } catch {
          throw new CliError(
            `seconds must be a whole number from 1 to ${MAX_TTL_SECONDS} (10 years); got "${secondsText}". ` +
              'Use --persist to remove the expiry instead.',
            EXIT.usage,
          );
        }
      }
      await withConnection(globals, async (connection) => {
        const result = await cliScripts.expireConversation.run(connection.client as RedisCommandTarget, { keys }, { seconds });
        if (result.status === 'missing') throw new CliError(`conversation "${id}" not found (no key ${keys.items}); nothing was changed.`, EXIT.notFound);
        if (result.status === 'wrongType') {
          throw new CliError(`the keys of "${id}" are not a conversation (wrong type: another program wrote them); nothing was changed.`, EXIT.redis);
        }
        const ttl = seconds > 0 ? seconds : null;
        const count = result.keys;
        if (globals.json) printJson({ id, key: keys.items, ttl, keys: count });
        else printLine(`${keys.items}: ${ttl === null ? 'expiry removed (never expires)' : `expires in ${formatTtl(ttl)}`} on ${count} key${count === 1 ? '' : 's'}`);
      });
    });
}
