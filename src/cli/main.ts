/**
 * `agents-redis-session`: inspect and manage the conversations a RedisSession stores.
 * Each command lives in ./commands, one file each; see docs/cli.md.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ErrorReply } from 'redis';
import { DEFAULT_KEY_PREFIX } from '../config/keys.js';
import { resolveRedisUrl } from '../config/redisUrl.js';
import { RedisSessionConfigError, RedisSessionError } from '../errors.js';
import { CliError, EXIT } from './cliError.js';
import { deleteCommand } from './commands/delete.js';
import { doctorCommand } from './commands/doctor.js';
import { exportCommand } from './commands/exportJsonl.js';
import { importCommand } from './commands/importJsonl.js';
import { listCommand } from './commands/list.js';
import { showCommand } from './commands/show.js';
import { statsCommand } from './commands/stats.js';
import { tailCommand, watchCommand } from './commands/tail.js';
import { expireCommand, ttlCommand } from './commands/ttl.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, secretsOf } from './connect.js';
import { wholeNumber } from './parsers.js';

/** Builds the program with its global options and every command. */
export function buildProgram(): Command {
  const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  const program = new Command('agents-redis-session')
    .description('Inspect and manage the conversations agents-redis-session stores in Redis.')
    .version(version)
    .option('--url <url>', 'Redis URL: redis://, rediss://, redis+cluster://h:p,h:p, redis+sentinel://h:p/<master> (default: $REDIS_URL, else redis://localhost:6379/0)')
    .option('--prefix <prefix>', 'key prefix of the conversations', DEFAULT_KEY_PREFIX)
    .option('--json', 'print machine-readable JSON (JSON lines for tail and watch)')
    .option('--tls-ca <file>', 'CA certificate (PEM) to verify a rediss:// server with')
    .option('--tls-cert <file>', 'client certificate (PEM), with --tls-key')
    .option('--tls-key <file>', 'client private key (PEM), with --tls-cert')
    .option('--connect-timeout <ms>', 'how long to wait for the connection', wholeNumber(1), DEFAULT_CONNECT_TIMEOUT_MS)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of [
    listCommand(),
    showCommand(),
    tailCommand(),
    watchCommand(),
    ttlCommand(),
    expireCommand(),
    deleteCommand(),
    exportCommand(),
    importCommand(),
    statsCommand(),
    doctorCommand(),
  ]) {
    program.addCommand(command.exitOverride());
  }
  return program;
}

/** Removes every form of the URL's password from a message, in case a library echoed it. */
function scrub(message: string, secrets: readonly string[]): string {
  let text = message;
  for (const secret of secrets) text = text.split(secret).join('***');
  return text;
}

/** How an error is reported: its message and exit code. */
function classify(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof CommanderError) return { message: error.message.replace(/^error: /, ''), exitCode: EXIT.usage };
  if (error instanceof RedisSessionConfigError) return { message: error.message, exitCode: EXIT.usage };
  if (error instanceof RedisSessionError) return { message: error.message, exitCode: EXIT.redis };
  if (error instanceof ErrorReply) return { message: `Redis replied "${error.message}".`, exitCode: EXIT.redis };
  if (error instanceof Error && (error.name === 'TimeoutError' || /timeout/i.test(error.message))) {
    return { message: `Redis did not answer in time (${error.message}).`, exitCode: EXIT.redis };
  }
  if (error instanceof Error && /^[A-Z]{3,}[A-Z_]* /.test(error.message)) {
    return { message: `Redis replied "${error.message}".`, exitCode: EXIT.redis };
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: 70 };
}

/** Runs the CLI with `argv` (as process.argv) and resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message (or the help/version text).
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
      return EXIT.usage;
    }
    const { message, exitCode } = classify(error);
    const options = program.opts<{ url?: string; json?: boolean }>();
    const safe = scrub(message, secretsOf(resolveRedisUrl(options.url)));
    if (options.json) process.stderr.write(`${JSON.stringify({ error: safe, exitCode })}\n`);
    else process.stderr.write(`error: ${safe}\n`);
    return exitCode;
  }
}

const exitCode = await main(process.argv);
process.exitCode = exitCode;
// Everything is closed by now; should a library still hold the event loop open, do not hang.
setTimeout(() => process.exit(exitCode), 2000).unref();
