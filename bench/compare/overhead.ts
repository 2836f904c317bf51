/**
 * The overhead mode of the benchmark (bench/compare.ts `--mode overhead`, also in `--mode all`): what the
 * session costs over hand-written node-redis doing the same writes and expiries (issue 12 part 1), for
 * `changeEvents: false` and for the default configuration (events on, `ttl: 3600`; reads with touch 'always'
 * and with an interval). The pairs and their targets are in overhead/variants.ts, the checks and the profile in overhead/report.ts.
 *
 * Runs the whole measurement once per server: the one bench/compare.ts started (the machine's
 * `redis-server`), then each `../shared/servers/<name>/bin/redis-server` present (Redis 7.4, Valkey 8: script
 * calls cost differently by version), each started and stopped here. Prints, per server, mean, median and p99
 * latency, client CPU µs/op, server µs/op, round trips and commands of every variant, then the checks and the
 * profile (session − hand-written: server time and client CPU), and rewrites its section of docs/benchmarks.md
 * (`--no-docs`: print only). `--profile` (or BENCH_OVERHEAD_PROFILE=1) instead profiles the client (overhead/profile.ts).
 *
 * Environment: BENCH_OVERHEAD_ROUNDS (default 40), BENCH_OVERHEAD_BLOCK (operations per block, default 500),
 * BENCH_OVERHEAD_SERVERS (comma-separated: `path` for the machine's server and folder names of ../shared/servers;
 * default all; a subset prints only). About a minute per server.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startRedisServer, type RedisServerHandle } from '../../tools/throwawayRedis.js';
import { writeSection } from './docSections.js';
import type { InterleaveOptions } from './interleaved.js';
import { describeMachine } from './machine.js';
import { measureServer, type ServerResult } from './overhead/measure.js';
import { runOverheadProfile } from './overhead/profile.js';
import { renderConsole, renderMarkdown } from './overhead/report.js';
import { positiveInteger, stepLogger } from '../lib/env.js';

/** The name of this section's markers in docs/benchmarks.md. */
export const OVERHEAD_SECTION = 'overhead';
const OVERHEAD_SECTION_BEFORE = '## What the numbers say';
/** The matrix's servers, beside the repo: ../shared/servers/<name>/bin/redis-server. */
const SHARED_SERVERS = fileURLToPath(new URL('../../../shared/servers/', import.meta.url));


const step = stepLogger('overhead');

/** The folders of ../shared/servers holding a bin/redis-server, by name. */
function sharedServers(): Array<{ name: string; binary: string }> {
  if (!existsSync(SHARED_SERVERS)) return [];
  return readdirSync(SHARED_SERVERS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${SHARED_SERVERS}${entry.name}/bin/redis-server`))
    .map((entry) => ({ name: entry.name, binary: `${SHARED_SERVERS}${entry.name}/bin/redis-server` }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function runOverhead(server: RedisServerHandle, options: { writeDocs: boolean; profile: boolean }): Promise<void> {
  if (options.profile || process.env.BENCH_OVERHEAD_PROFILE === '1') {
    step('client CPU profile of the default configuration (append, read)');
    await runOverheadProfile(server.url);
    return;
  }
  const started = performance.now();
  const interleave: InterleaveOptions = {
    rounds: positiveInteger('BENCH_OVERHEAD_ROUNDS', 40),
    block: positiveInteger('BENCH_OVERHEAD_BLOCK', 500),
    warmup: 500,
    originSamples: 20,
  };
  const only = process.env.BENCH_OVERHEAD_SERVERS?.split(',');
  const wanted = (name: string): boolean => !only || only.includes(name);
  const servers: ServerResult[] = [];
  if (wanted('path')) servers.push(await measureServer(server.url, 'the machine\'s redis-server, on PATH', interleave, step));
  if (!existsSync(SHARED_SERVERS)) step(`no ${SHARED_SERVERS}: the machine's server only`);
  for (const shared of sharedServers().filter((entry) => wanted(entry.name))) {
    const other = await startRedisServer({ logName: `bench-${shared.name}`, binary: shared.binary });
    try {
      servers.push(await measureServer(other.url, `../shared/servers/${shared.name}`, interleave, step));
    } finally {
      await other.stop();
    }
  }
  const results = { machine: describeMachine(servers.map((entry) => entry.server).join(', ')), options: interleave, servers, seconds: (performance.now() - started) / 1000 };
  console.log(renderConsole(results));
  if (options.writeDocs && !only) {
    writeSection(OVERHEAD_SECTION, renderMarkdown(results), OVERHEAD_SECTION_BEFORE);
    step('wrote its section of docs/benchmarks.md');
  }
}
