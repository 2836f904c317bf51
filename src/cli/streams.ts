/**
 * The streams of a run of the CLI. The bin runs with the process's own; a test runs the program in-process with its
 * own streams. Commands reach them through {@link cliStreams} (printLine and friends in ./output.ts do), so that no
 * command takes them as a parameter.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Readable, Writable } from 'node:stream';

/** The streams a run of the CLI reads and writes; `isTTY` as on process.stdin/stderr (absent: not a terminal). */
export interface CliStreams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
}

/** What a run of the CLI shares with its commands: its streams, and the exit code a command asks for. */
interface CliRun extends CliStreams {
  exitCode?: number;
}

const currentRun = new AsyncLocalStorage<CliRun>();

/** Runs `body` with `streams` as the CLI's streams; resolves with its result and the exit code a command set, if any. */
export async function withCliStreams<T>(streams: CliStreams, body: () => Promise<T>): Promise<{ result: T; exitCode: number | undefined }> {
  const run: CliRun = { ...streams };
  const result = await currentRun.run(run, body);
  return { result, exitCode: run.exitCode };
}

/** The streams of the run in progress; the process's own outside a run. */
export function cliStreams(): CliStreams {
  return currentRun.getStore() ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** Sets the exit code of the run in progress (a finding, not an error: the command still completes). */
export function setExitCode(code: number): void {
  const run = currentRun.getStore();
  if (run) run.exitCode = code;
  else process.exitCode = code;
}
