import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, ErrorReply } from 'redis';
import { DEFAULT_REDIS_URL, redactRedisUrl } from 'agents-redis-session';

/** Thrown when the demo cannot get a Redis server; its message says what to do. */
export class DemoSetupError extends Error {
  override name = 'DemoSetupError';
}

/**
 * Resolves true when a Redis server answers PING at `url` within `timeoutMs`,
 * false when nothing answers. A server that answers with an error (wrong
 * password, say) is reported as a {@link DemoSetupError}, not hidden.
 */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => {}); // connect() rejects with the same error
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    return true;
  } catch (error) {
    if (error instanceof ErrorReply) {
      throw new DemoSetupError(`Redis at ${redactRedisUrl(url)} answered with an error: ${error.message}`);
    }
    return false;
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

/** A `redis-server` the demo started for itself: no persistence, loopback only, temp dir. */
export interface ThrowawayRedis {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this dir
    }
  }
  return undefined;
}

/** A TCP port on 127.0.0.1 that is free right now. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `redis-server` on a free loopback port with persistence off, and
 * resolves once it answers PING. Until `stop()`, Ctrl-C (SIGINT), SIGTERM and
 * process exit also stop it, so it never outlives the demo.
 */
export async function startThrowawayRedis(binary: string): Promise<ThrowawayRedis> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary);
    } catch (error) {
      // The free port may have been taken between the check and the bind: try another.
      if (attempt === 3) throw error;
    }
  }
}

async function startOnce(binary: string): Promise<ThrowawayRedis> {
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agents-redis-session-demo-'));
  const logFile = path.join(dir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', logFile];
  const child = spawn(binary, args, { stdio: 'ignore' });
  let running = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => {
    running = false;
  });

  // Last resort, synchronous so it also works inside 'exit' and signal handlers
  // (other signal listeners, such as the Agents SDK's, may call process.exit()).
  const killNow = () => {
    if (running) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killNow();
    console.error(`\nInterrupted: stopped the throwaway redis-server (pid ${child.pid}).`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', killNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const server: ThrowawayRedis = {
    pid: child.pid ?? -1,
    port,
    url: `redis://127.0.0.1:${port}/0`,
    dir,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        if (await Promise.race([exited.then(() => false), sleep(5000, true)])) child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', killNow);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };

  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!running) break;
    if (await redisAnswers(server.url, 500)) return server;
    await sleep(100);
  }
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n') : '';
  await server.stop();
  throw new DemoSetupError(`redis-server did not start on 127.0.0.1:${port}.\n${log}`);
}

/** Finds a Redis server: REDIS_URL or the default, else a throwaway local one. */
export async function findRedis(): Promise<{ url: string; server?: ThrowawayRedis }> {
  const url = process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) {
    console.log(`Redis:  ${redactRedisUrl(url)}${process.env.REDIS_URL ? ' (from REDIS_URL)' : ''}`);
    return { url };
  }
  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new DemoSetupError(
      `No Redis answers at ${redactRedisUrl(url)}, and redis-server is not installed to start a throwaway one.\n` +
        '  Install Redis:  apt-get install -y redis-server   (Debian/Ubuntu)\n' +
        '                  brew install redis                (macOS)\n' +
        '  or point REDIS_URL at a running server:  REDIS_URL=redis://host:6379/0 npm run demo',
    );
  }
  const server = await startThrowawayRedis(binary);
  console.log(`Redis:  nothing answers at ${redactRedisUrl(url)}, so the demo started a throwaway redis-server`);
  console.log(`        (pid ${server.pid}) on 127.0.0.1:${server.port}, data in ${server.dir}; it is stopped at the end.`);
  return { url: server.url, server };
}
