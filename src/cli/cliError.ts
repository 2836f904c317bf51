/**
 * Exit codes of the `agents-redis-session` command (documented in docs/cli.md).
 * 0 means success; `doctor` and `import` use 1 for "ran, but found something".
 */
export const EXIT = {
  ok: 0,
  /** `doctor` printed warnings; `import` refused at least one conversation. */
  findings: 1,
  /** Bad command line or input: unknown option, invalid id, TTL, file or JSONL line. Nothing was written. */
  usage: 2,
  /** The conversation does not exist. */
  notFound: 3,
  /** Redis unreachable, authentication failed, or a command was refused (for example WRONGTYPE). */
  redis: 4,
  /** `doctor` found no warnings, but could not run some checks (a restricted user): the server is not known to be fine. */
  incomplete: 5,
} as const;

/** An error the CLI reports as one line on stderr, exiting with `exitCode`. Its message never contains a password. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
