/** The `agents-redis-session` command (the package's bin, dist/cli.js): the program of ./program.ts on this process. */
import { runCli } from './program.js';

const exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = exitCode;
// Everything is closed by now; should a library still hold the event loop open, do not hang.
setTimeout(() => process.exit(exitCode), 2000).unref();
