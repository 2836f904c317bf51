import type { Command } from 'commander';
import { DEFAULT_KEY_PREFIX } from '../config/keys.js';
import { connect, type CliConnection } from './connect.js';
import { checkedPrefix } from './conversations.js';

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
