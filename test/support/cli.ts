/**
 * Running the command-line tool in tests, two ways:
 * - {@link runCli}: the program (src/cli/program.ts) in this process, with its own streams: as fast as a function call.
 *   For what a command prints and its exit code.
 * - {@link runBin} / {@link spawnCli}: the built bin (dist/cli.js) in a child process, as `npm install` puts it on
 *   PATH. For what only a process shows: the installed entry point, the exit status, REDIS_URL from the environment,
 *   signals, a process that must not hang.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built command-line tool, as `npm install` puts it on PATH. */
export const CLI_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

/** What one run of the CLI printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Text on its stdin (then end of input; without it, stdin is empty). */
  input?: string;
}

/** Options of {@link runBin}. */
export interface RunBinOptions extends RunCliOptions {
  /** Extra environment variables; REDIS_URL is never inherited. */
  env?: Record<string, string>;
  /** Kill it (SIGKILL) after this long. Default 120000 ms. */
  timeoutMs?: number;
}

type Program = typeof import('../../src/cli/program.js');
let program: Promise<Program> | undefined;

/** The program module from src/, loaded once; its Lua scripts import as text (see luaText.mjs), as in the build. */
function loadProgram(): Promise<Program> {
  program ??= import('./luaText.mjs').then(() => import('../../src/cli/program.js'));
  return program;
}

/** A stream that keeps what is written to it as text. */
function collector(): Writable & { text: string } {
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

/**
 * Runs the program in this process with `args` (as after `agents-redis-session` on a command line) and collects what
 * it printed and its exit code. Neither stdin nor stderr is a terminal. The environment is this process's (pass --url).
 */
export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const { runCli: run } = await loadProgram();
  const stdout = collector();
  const stderr = collector();
  const stdin = Readable.from(options.input === undefined ? [] : [options.input]);
  const code = await run(args, { stdin, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('REDIS_URL' in extra)) delete env.REDIS_URL;
  return env;
}

/** Starts `node dist/cli.js <args>` without waiting for it. */
export function spawnCli(args: readonly string[], options: Omit<RunBinOptions, 'input' | 'timeoutMs'> = {}): ChildProcess {
  return spawn(process.execPath, [CLI_PATH, ...args], { env: environment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `node dist/cli.js <args>` to completion (bounded) and collects its output. */
export function runBin(args: readonly string[], options: RunBinOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  return collect(child, options.timeoutMs ?? 120_000, options.input);
}

/** Collects a started CLI's output until it exits; SIGKILLs it after `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs = 120_000, input?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end(input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves once the child has written `text` to stderr (bounded), for commands that announce they are ready. */
export function waitForStderr(child: ChildProcess, text: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" on stderr within ${timeoutMs} ms; got: ${seen}`)), timeoutMs);
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
  });
}

/** {@link runCli} with `--json`, its stdout parsed as one JSON document; fails with the output when it is not JSON. */
export async function runCliJson<T = unknown>(args: readonly string[], options: RunCliOptions = {}): Promise<{ result: CliResult; json: T }> {
  return parsedJson<T>(await runCli(['--json', ...args], options));
}

/** {@link runBin} with `--json`, its stdout parsed as one JSON document. */
export async function runBinJson<T = unknown>(args: readonly string[], options: RunBinOptions = {}): Promise<{ result: CliResult; json: T }> {
  return parsedJson<T>(await runBin(['--json', ...args], options));
}

function parsedJson<T>(result: CliResult): { result: CliResult; json: T } {
  try {
    return { result, json: JSON.parse(result.stdout) as T };
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code})\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}
