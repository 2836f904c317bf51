import { startRedisServer, type RedisServerHandle } from '../../test/harness/index.js';

/** The port of the machine's shared Redis: a benchmark must never touch it. */
const SHARED_REDIS_PORT = 6379;

/** A throwaway redis-server for one benchmark run. */
export interface BenchServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the server (SIGTERM to its PID, SIGKILL if it lingers) and removes its temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts a dedicated redis-server on a free 127.0.0.1 port, without
 * persistence (`--save '' --appendonly no`), so disk I/O never shows up in
 * the timings. Never uses port 6379.
 */
export async function startBenchServer(): Promise<BenchServer> {
  const handle: RedisServerHandle = await startRedisServer({ logName: 'bench', args: ['--save', '', '--appendonly', 'no'] });
  if (handle.port === SHARED_REDIS_PORT) {
    await handle.stop();
    throw new Error('refusing to benchmark against port 6379 (the shared Redis)');
  }
  return {
    url: handle.url,
    port: handle.port,
    pid: handle.pid,
    stop: () => handle.stop(),
  };
}
