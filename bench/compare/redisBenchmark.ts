/**
 * The server's ceiling: `redis-benchmark` (C client, 64 or 512 connections,
 * no pipelining) sending the commands of a turn, against the same server.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RawCommandClient } from '../../tools/commandStats.js';
import { TURN, WINDOW } from './latency.js';

const run = promisify(execFile);

export interface RedisBenchmarkResult {
  command: string;
  clients: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * A script of the same shape as the session's append with change events:
 * RPUSH, bump the version in the metadata hash, publish on two channels.
 */
const APPEND_WITH_EVENTS_LUA = `
local n = redis.call('RPUSH', KEYS[1], ARGV[1], ARGV[2])
local v = redis.call('HINCRBY', KEYS[2], 'v', 1)
redis.call('SPUBLISH', KEYS[2] .. ':events', v)
redis.call('PUBLISH', 'rb:__events__', v)
return n`;

/**
 * Parses `redis-benchmark --csv` output (Redis 7: test, rps, avg, min, p50, p95, p99, max). The test name quotes the
 * command unescaped (JSON arguments carry quotes and commas), so the numbers are read from the end of the line.
 */
function parseCsv(output: string): { rps: number; p50: number; p99: number } {
  const line = output.trim().split('\n').at(-1)!;
  const numbers = [...line.matchAll(/"([0-9.]+)"/g)].map((match) => Number(match[1])).slice(-7);
  if (numbers.length !== 7) throw new Error(`unexpected redis-benchmark output: ${line.slice(0, 200)}`);
  return { rps: numbers[0]!, p50: numbers[3]!, p99: numbers[5]! };
}

export async function runRedisBenchmark(port: number, admin: RawCommandClient, requests: number): Promise<RedisBenchmarkResult[]> {
  const entries = TURN.map((item) => JSON.stringify(item));
  const sha = String(await admin.sendCommand(['SCRIPT', 'LOAD', APPEND_WITH_EVENTS_LUA]));
  const commands: Array<{ label: string; args: string[] }> = [
    { label: 'RPUSH (one turn: 2 items)', args: ['RPUSH', 'rb:__rand_int__', ...entries] },
    { label: `LRANGE -${WINDOW} -1 (of ≥100 items)`, args: ['LRANGE', 'rb:__rand_int__', String(-WINDOW), '-1'] },
    { label: 'EVALSHA append + HINCRBY + 2 publishes', args: ['EVALSHA', sha, '2', 'rb:__rand_int__', '{rb:__rand_int__}:meta', ...entries] },
  ];
  const results: RedisBenchmarkResult[] = [];
  for (const clients of [64, 512]) {
    await admin.sendCommand(['FLUSHALL', 'SYNC']);
    for (const command of commands) {
      const { stdout } = await run(
        'redis-benchmark',
        ['-h', '127.0.0.1', '-p', String(port), '-c', String(clients), '-n', String(requests), '-P', '1', '-r', '512', '-q', '--csv', ...command.args],
        { timeout: 120_000, maxBuffer: 1 << 20 },
      );
      const parsed = parseCsv(stdout);
      results.push({ command: command.label, clients, requestsPerSecond: parsed.rps, p50Ms: parsed.p50, p99Ms: parsed.p99 });
    }
  }
  await admin.sendCommand(['FLUSHALL', 'SYNC']);
  return results;
}
