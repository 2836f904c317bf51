/**
 * The `agents-redis-session` program: inspect and manage the conversations a RedisSession stores.
 * Each command lives in ./commands, one file each; see docs/cli.md. The process entry is ./bin.ts;
 * {@link runCli} runs the program with any argv and streams (tests run it in-process).
 */
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { ErrorReply } from 'redis';
import packageJson from '../../package.json' with { type: 'json' };
import { DEFAULT_KEY_PREFIX } from '../config/keys.js';
import { RedisSessionConfigError, RedisSessionCursorError, RedisSessionError, RedisSessionInputError } from '../errors.js';
import { CliError, EXIT } from './cliError.js';
import { deleteCommand } from './commands/delete.js';
import { doctorCommand } from './commands/doctor.js';
import { exportCommand } from './commands/exportJsonl.js';
import { forkCommand } from './commands/fork.js';
import { importCommand } from './commands/importJsonl.js';
import { listCommand } from './commands/list.js';
import { renameCommand } from './commands/rename.js';
import { showCommand } from './commands/show.js';
import { statsCommand } from './commands/stats.js';
import { tailCommand, watchCommand } from './commands/tail.js';
import { expireCommand, ttlCommand } from './commands/ttl.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './connect.js';
import { toJson, visible, writeVisible } from './output.js';
import { wholeNumber } from './parsers.js';
import { redactUrlCredentials } from './redact.js';
import { withCliStreams, type CliStreams } from './streams.js';

/**
 * Where commander writes. With `--json`, its own error text (and the help it shows after one) is not written:
 * {@link main} reports the error as one JSON line instead. Everything written is escaped for the terminal.
 */
function outputOf(json: boolean, streams: CliStreams): OutputConfiguration {
  return {
    writeOut: (text) => writeVisible(streams.stdout, text),
    writeErr: (text) => {
      if (!json) writeVisible(streams.stderr, redactUrlCredentials(text));
    },
    outputError: (text, write) => {
      if (!json) write(text);
    },
  };
}

/**
 * Builds the program with its global options and every command, writing to `streams`. `json` (whether `--json` is
 * anywhere on the command line) decides how commander reports usage errors, before the options are parsed.
 */
function buildProgram(json: boolean, streams: CliStreams): Command {
  const program = new Command('agents-redis-session')
    .description('Inspect and manage the conversations agents-redis-session stores in Redis.')
    .version(packageJson.version)
    .option('--url <url>', 'Redis URL: redis://, rediss://, redis+cluster://h:p,h:p, redis+sentinel://h:p/<master> (default: $REDIS_URL, else redis://localhost:6379/0)')
    .option('--prefix <prefix>', 'key prefix of the conversations', DEFAULT_KEY_PREFIX)
    .option('--json', 'print machine-readable JSON (JSON lines for tail and watch)')
    .option('--tls-ca <file>', 'CA certificate (PEM) to verify a rediss:// server with')
    .option('--tls-cert <file>', 'client certificate (PEM), with --tls-key')
    .option('--tls-key <file>', 'client private key (PEM), with --tls-cert')
    .option('--connect-timeout <ms>', 'how long to wait for the connection', wholeNumber(1), DEFAULT_CONNECT_TIMEOUT_MS)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput(outputOf(json, streams))
    .exitOverride();
  for (const command of [
    listCommand(),
    showCommand(),
    renameCommand(),
    forkCommand(),
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
    program.addCommand(command.configureOutput(outputOf(json, streams)).exitOverride());
  }
  return program;
}

/** How an error is reported: its message and exit code. */
function classify(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof CommanderError) {
    // Commander's "(outputHelp)": no command was given, and it showed the help instead.
    if (error.code === 'commander.help') return { message: 'no command given; run with --help for the list of commands.', exitCode: EXIT.usage };
    return { message: error.message.replace(/^error: /, ''), exitCode: EXIT.usage };
  }
  // Bad input (an option, a title, an item index, a cursor): nothing was written.
  if (error instanceof RedisSessionConfigError || error instanceof RedisSessionInputError || error instanceof RedisSessionCursorError) {
    return { message: error.message, exitCode: EXIT.usage };
  }
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

/**
 * Runs the CLI with `args` (the arguments after the program name: process.argv.slice(2)) on `streams`, and resolves
 * with the exit code. Never rejects: an error is reported on `streams.stderr` and becomes the exit code.
 */
export async function runCli(args: readonly string[], streams: CliStreams): Promise<number> {
  // Known before parsing, so that a usage error (unknown option, missing argument) is JSON too.
  const json = args.includes('--json');
  const program = buildProgram(json, streams);
  try {
    const { exitCode } = await withCliStreams(streams, () => program.parseAsync([...args], { from: 'user' }));
    return exitCode ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help or version text was printed: that is success.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
      // Otherwise commander printed the message itself, unless --json silenced it for the JSON line below.
      if (!json) return EXIT.usage;
    }
    const { message, exitCode } = classify(error);
    // Messages are built from redacted targets; this catches a URL with credentials echoed by a library, structurally.
    const safe = redactUrlCredentials(message);
    if (json) streams.stderr.write(`${toJson({ error: safe, exitCode })}\n`);
    else streams.stderr.write(`error: ${visible(safe)}\n`);
    return exitCode;
  }
}
