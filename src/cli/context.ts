import type { Command } from 'commander';
import { DEFAULT_KEY_PREFIX } from '../config/keys.js';
import { connect, type CliConnection } from './connect.js';
import type { ConversationKeys } from '../config/keys.js';
import { checkedKeys, checkedPrefix } from './conversations.js';

/** The global options, as every command sees them. */
export interface Globals {
  url?: string;
  prefix: string;
  json: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  connectTimeout?: number;
}

/** The global options of the program a command belongs to, with the prefix checked. */
export function globalsOf(command: Command): Globals {
  const options = command.optsWithGlobals<Partial<Globals>>();
  return { ...options, prefix: checkedPrefix(options.prefix ?? DEFAULT_KEY_PREFIX), json: options.json === true };
}

/** Connects, runs `body`, and closes the connection whatever happens. */
export async function withConnection<T>(globals: Globals, body: (connection: CliConnection) => Promise<T>): Promise<T> {
  const connection = await connect(globals);
  try {
    return await body(connection);
  } finally {
    await connection.close();
  }
}

/** What a command on one conversation works with. */
export interface ConversationRun {
  id: string;
  keys: ConversationKeys;
  globals: Globals;
  connection: CliConnection;
}

/**
 * The action of a `<command> <id>`: checks the id's keys before connecting (a bad id fails without a
 * connection), connects, runs `body` with the command's own options, and closes the connection whatever happens.
 */
export function onConversation<Options>(
  body: (run: ConversationRun, options: Options) => Promise<void>,
): (id: string, options: Options, command: Command) => Promise<void> {
  return async (id, options, command) => {
    const globals = globalsOf(command);
    const keys = checkedKeys(globals.prefix, id);
    await withConnection(globals, (connection) => body({ id, keys, globals, connection }, options));
  };
}
