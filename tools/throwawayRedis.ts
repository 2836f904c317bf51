/**
 * Throwaway redis-server processes on loopback, shared by the tests (test/harness), the demo and the
 * benchmark: a free 127.0.0.1 port (never 6379, the shared Redis), no persistence (`--save ''
 * --appendonly no`), ready once it answers PING, stopped by PID. `redis-server` is the first one on
 * PATH, so putting another server's bin/ first on PATH (the server matrix) starts that one. Anything
 * still running when the process exits, or is interrupted, is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, reservePort, SHARED_REDIS_PORT } from './freePort.js';
import { findBinary, REDIS_INSTALL_HINT, requireBinary } from './findBinary.js';
import { respCommand, type RespValue } from './resp.js';
import { StopWaiting, waitUntil } from './waitUntil.js';

/** Options for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Port to listen on (never 6379). Default: a free port (and a retry with another one if it was taken meanwhile). */
  port?: number;
  /** Extra `redis-server` arguments, appended after the defaults, so they override them (e.g. `['--appendonly', 'yes']`). */
  args?: string[];
  /** Sets `--requirepass`; also used in `url` and by the readiness probe. */
  password?: string;
  /** Working directory (`--dir`). Default: a fresh temp dir, removed by `stop()`. A given dir is created if needed and never removed. */
  dir?: string;
  /** Base name of the log file inside `dir` (`<logName>.log`) and part of the temp dir name. Default `redis`. */
  logName?: string;
  /** How long to wait for the server to answer PING. Default 60000 ms (generous: a loaded machine starts servers slowly). */
  startTimeoutMs?: number;
  /**
   * A config file, passed as the first argument (before the defaults), for settings that
   * only a file can hold, such as `sentinel monitor` lines (with `args: ['--sentinel']`).
   * The server may rewrite it. The caller owns and removes it.
   */
  configFile?: string;
  /**
   * Leave persistence to `configFile`: do not add the default `--save ''` and
   * `--appendonly no` (which would override the file). Default false.
   */
  persistenceFromConfig?: boolean;
  /**
   * Path of the `redis-server` executable to run (for example `../shared/servers/valkey-8.0.1/bin/redis-server`).
   * Default: the first `redis-server` on PATH.
   */
  binary?: string;
}

/** Options for {@link RedisServerHandle.stop}. */
export interface StopOptions {
  /** Keep the temp dir (data, log) even if this module created it. Default false. */
  keepDir?: boolean;
  /** Wait this long after SIGTERM before sending SIGKILL. Default 30000 ms. */
  timeoutMs?: number;
}

/** A running (or stopped) `redis-server` process started by {@link startRedisServer}. */
export interface RedisServerHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** PID of the current process; changes after `restart()`. */
  readonly pid: number;
  /** `redis://127.0.0.1:<port>`, or `redis://:<password>@127.0.0.1:<port>` with a password. */
  readonly url: string;
  readonly password: string | undefined;
  /** `--dir` of the server. */
  readonly dir: string;
  /** Path of the server's log file. */
  readonly logFile: string;
  /** False after `stop()`/`kill9()` or if the process died. */
  readonly running: boolean;
  /** Sends one command over a fresh connection (AUTH included) and returns the reply. */
  command(args: readonly string[], timeoutMs?: number): Promise<RespValue>;
  /** SIGTERM, wait for exit (bounded), then SIGKILL. Removes the dir it created unless `keepDir`. Idempotent. */
  stop(options?: StopOptions): Promise<void>;
  /** SIGKILL (a crash: no shutdown save), wait for exit. Keeps the dir so `restart()` can reuse it. */
  kill9(): Promise<void>;
  /**
   * Stops the server if running (keeping its dir), then starts it again with the same
   * port, arguments and dir, and waits until it answers PING. After a plain `stop()`
   * a dir it created is gone, so the server restarts with an empty dir.
   */
  restart(): Promise<void>;
  /** Last `lines` lines of the log file plus anything the process wrote to stdout/stderr. */
  logTail(lines?: number): string;
}

/** Error thrown when a server does not come up; `addressInUse` tells whether the port was taken. */
export class RedisStartError extends Error {
  override name = 'RedisStartError';
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

/** True when a process with this PID exists (signal 0 succeeds or is refused with EPERM). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Servers whose process may still be running. */
const running = new Set<RedisServer>();
/** Every server started and not yet cleaned up by {@link stopAllRedisServers}. */
const started = new Set<RedisServer>();
/** Temp dirs created by this module and not yet removed. */
const ownedDirs = new Set<string>();

let safetyNetInstalled = false;

/**
 * Synchronous last-resort cleanup (it also works inside 'exit' and signal handlers): SIGKILL every
 * running server, remove owned dirs, and say so on stderr.
 */
function killAllSync(when: string): void {
  const killed: number[] = [];
  for (const server of running) {
    const pid = server.child?.pid;
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // already gone
      }
    }
  }
  running.clear();
  for (const dir of ownedDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  ownedDirs.clear();
  if (killed.length > 0) console.error(`\n${when}: stopped the throwaway redis-server (pid ${killed.join(', ')}).`);
}

/**
 * Kills leftover servers when the process exits. Also handles SIGINT/SIGTERM/SIGHUP,
 * but only for signals nobody else listens to (so we never change someone else's handling).
 */
function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.on('exit', () => killAllSync('Exiting'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      killAllSync('Interrupted');
      process.exit(128 + (os.constants.signals[signal] ?? 0));
    });
  }
}

const ADDRESS_IN_USE = /Address already in use|EADDRINUSE/i;

function tailLines(text: string, lines: number): string {
  return text.split('\n').slice(-lines - 1).join('\n');
}

class RedisServer implements RedisServerHandle {
  readonly host = '127.0.0.1' as const;
  child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private alive = false;
  private readonly outputFile: string;

  constructor(
    private readonly binary: string,
    readonly port: number,
    readonly dir: string,
    readonly logFile: string,
    readonly password: string | undefined,
    private readonly extraArgs: readonly string[],
    private readonly ownsDir: boolean,
    private readonly startTimeoutMs: number,
    private readonly configFile?: string,
    private readonly persistenceFromConfig = false,
  ) {
    this.outputFile = `${logFile}.stdout`;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return this.alive;
  }

  get url(): string {
    const auth = this.password === undefined ? '' : `:${encodeURIComponent(this.password)}@`;
    return `redis://${auth}${this.host}:${this.port}`;
  }

  command(args: readonly string[], timeoutMs = 30_000): Promise<RespValue> {
    return respCommand(this.port, args, { password: this.password, timeoutMs });
  }

  logTail(lines = 30): string {
    const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
    const log = tailLines(read(this.logFile), lines);
    const output = tailLines(read(this.outputFile), lines).trim();
    return output === '' ? log : `${log}\n--- stdout/stderr ---\n${output}`;
  }

  /** Spawns the process and waits for PING; on failure the process is killed and a RedisStartError thrown. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const args = [
      ...(this.configFile === undefined ? [] : [this.configFile]),
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      ...(this.persistenceFromConfig ? [] : ['--save', '', '--appendonly', 'no']),
      '--dir', this.dir,
      '--logfile', this.logFile,
      '--daemonize', 'no',
      ...(this.password === undefined ? [] : ['--requirepass', this.password]),
      ...this.extraArgs,
    ];
    const out = openSync(this.outputFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.binary, args, { stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    this.child = child;
    this.alive = true;
    running.add(this);
    child.unref(); // a forgotten server must not keep the test process alive; the safety net kills it
    let exitInfo: string | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal ? `signal ${signal}` : `code ${code}`;
        this.alive = false;
        running.delete(this);
        resolve();
      });
      child.once('error', (err) => {
        exitInfo = `spawn error: ${err.message}`;
        this.alive = false;
        running.delete(this);
        resolve();
      });
    });

    try {
      await waitUntil(
        async () => {
          if (exitInfo !== undefined) throw new StopWaiting(new Error(`redis-server exited early (${exitInfo})`));
          return (await this.command(['PING'], 5000)) === 'PONG';
        },
        { timeoutMs: this.startTimeoutMs, intervalMs: 50, description: `redis-server on port ${this.port} to answer PING` },
      );
    } catch (err) {
      await this.kill('SIGKILL', 30_000);
      const tail = this.logTail(40);
      throw new RedisStartError(
        `Failed to start redis-server on 127.0.0.1:${this.port}: ${(err as Error).message}\n` +
          `command: ${this.binary} ${args.map((a) => (a === '' ? "''" : a)).join(' ')}\n` +
          `--- tail of ${this.logFile} ---\n${tail}`,
        ADDRESS_IN_USE.test(tail),
      );
    }
  }

  /** Sends `signal`; if the process is still there after `timeoutMs`, SIGKILLs it and waits up to 30 s more. */
  private async kill(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.alive) return;
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
    if (await this.waitExit(timeoutMs)) return;
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
    if (!(await this.waitExit(30_000))) {
      throw new Error(`redis-server pid ${child.pid} on port ${this.port} did not exit even after SIGKILL`);
    }
  }

  /** Resolves true if the process exited within `timeoutMs`. The timer keeps the event loop alive meanwhile. */
  private async waitExit(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.exited.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return result;
  }

  async stop(options: StopOptions = {}): Promise<void> {
    await this.kill('SIGTERM', options.timeoutMs ?? 30_000);
    if (this.ownsDir && !options.keepDir) {
      rmSync(this.dir, { recursive: true, force: true });
      ownedDirs.delete(this.dir);
    }
  }

  async kill9(): Promise<void> {
    await this.kill('SIGKILL', 30_000);
  }

  async restart(): Promise<void> {
    await this.stop({ keepDir: true });
    if (this.ownsDir) ownedDirs.add(this.dir);
    started.add(this);
    await this.start();
  }
}

/** Absolute path of `redis-server`, or a clear error telling how to install it. */
export function redisServerBinary(): string {
  return requireBinary('redis-server', REDIS_INSTALL_HINT);
}

/** The absolute path of the `binary` option, or an error saying it is not an executable file. */
function givenBinary(binary: string): string {
  const found = findBinary(path.resolve(binary));
  if (found === undefined) throw new Error(`The binary option of startRedisServer, ${binary}, is not an executable file: pass the path of a redis-server (or valkey-server) executable, or leave it unset for the one on PATH.`);
  return found;
}

/**
 * Starts a throwaway `redis-server` on 127.0.0.1 and resolves once it answers PING.
 *
 * Runs `redis-server --port P --bind 127.0.0.1 --save '' --appendonly no --dir <dir>
 * --logfile <dir>/<logName>.log --daemonize no [--requirepass <password>] ...args`
 * (with `configFile` first, and without `--save ''` and `--appendonly no` when `persistenceFromConfig`).
 * Every server is tracked; anything still running when the process exits is SIGKILLed.
 * Fails with a clear message (including the log tail) if the server does not come up
 * within `startTimeoutMs`, or if `redis-server` is not installed.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  if (options.port === SHARED_REDIS_PORT) {
    throw new Error(`refusing to start a throwaway redis-server on port ${SHARED_REDIS_PORT}: that is the shared Redis; leave port unset for a free one`);
  }
  const binary = options.binary === undefined ? redisServerBinary() : givenBinary(options.binary);
  installSafetyNet();
  const logName = options.logName ?? 'redis';
  const maxAttempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    reservePort(port);
    let dir: string;
    const ownsDir = options.dir === undefined;
    if (options.dir === undefined) {
      dir = mkdtempSync(path.join(os.tmpdir(), `agents-redis-session-${logName.replace(/[^\w.-]/g, '_')}-`));
      ownedDirs.add(dir);
    } else {
      dir = path.resolve(options.dir);
    }
    const server = new RedisServer(
      binary,
      port,
      dir,
      path.join(dir, `${logName}.log`),
      options.password,
      options.args ?? [],
      ownsDir,
      options.startTimeoutMs ?? 60_000,
      options.configFile,
      options.persistenceFromConfig,
    );
    try {
      await server.start();
      started.add(server);
      return server;
    } catch (err) {
      if (ownsDir) {
        rmSync(dir, { recursive: true, force: true });
        ownedDirs.delete(dir);
      }
      if (err instanceof RedisStartError && err.addressInUse && attempt < maxAttempts) continue;
      throw err;
    }
  }
}

/**
 * Stops every server started by this module (SIGTERM, then SIGKILL) and removes
 * the temp dirs this module created. Safe to call more than once.
 */
export async function stopAllRedisServers(): Promise<void> {
  const servers = [...started];
  started.clear();
  await Promise.all(servers.map((server) => server.stop()));
}
