/**
 * The benchmark, one entry point with its modes. Run from the repo root:
 *   npm run bench        --mode peers: this package side by side with the peers (LangChain, Mastra, the
 *                        connect-redis pattern), hand-written node-redis and the SDK's MemorySession;
 *                        installs bench/ dependencies when needed; writes docs/benchmarks.md on a full run
 *   npm run bench:core   --mode core: the core operations against hand-written node-redis, in paired,
 *                        interleaved rounds (median, p99 and mean, ratios, commands and round trips per op)
 *   tsx bench/compare.ts --mode all   core, conversations, overhead and peers, one after the other (overhead also
 *                        on the servers of ../shared/servers)
 *   tsx bench/compare.ts --mode conversations   only the conversations section (owner, index, info; also
 *                        part of core and all): rewrites its section of docs/benchmarks.md (--no-docs: print only)
 *   tsx bench/compare.ts --mode overhead   the session's overhead over hand-written node-redis, events off and
 *                        the default configuration (events on, ttl), on the machine's redis-server and on each
 *                        server of ../shared/servers (also part of all, not of core): rewrites its section of
 *                        docs/benchmarks.md (--no-docs: print only); --profile: the client's CPU profile instead
 * The options of each mode are in compare/peers.ts, compare/core.ts, compare/conversations.ts and compare/overhead.ts. The change feed's delay across
 * processes is a separate script, bench/crossInstance.ts (`npm run bench:cross`).
 *
 * Starts its own redis-server on a free loopback port (never 6379), without persistence
 * (tools/throwawayRedis.ts), and stops it by PID at the end, also on errors and on Ctrl-C.
 */
import { startRedisServer } from '../tools/throwawayRedis.js';
import { runConversations } from './compare/conversations.js';
import { runCore } from './compare/core.js';
import { runOverhead } from './compare/overhead.js';
import { runPeers } from './compare/peers.js';

const MODES = ['core', 'peers', 'all', 'conversations', 'overhead'] as const;
type Mode = (typeof MODES)[number];

/** The value of `--mode X` or `--mode=X`; `peers` when absent. */
function modeOf(args: readonly string[]): Mode {
  const index = args.findIndex((arg) => arg === '--mode' || arg.startsWith('--mode='));
  const value = index === -1 ? 'peers' : args[index]!.includes('=') ? args[index]!.slice('--mode='.length) : args[index + 1];
  if (!MODES.includes(value as Mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as Mode;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode = modeOf(args);
  const server = await startRedisServer({ logName: 'bench' });
  try {
    if (mode === 'core' || mode === 'all') await runCore(server);
    if (mode === 'core' || mode === 'all' || mode === 'conversations') await runConversations(server, { writeDocs: !args.includes('--no-docs') });
    if (mode === 'overhead' || mode === 'all') await runOverhead(server, { writeDocs: !args.includes('--no-docs'), profile: mode === 'overhead' && args.includes('--profile') });
    if (mode === 'peers' || mode === 'all') await runPeers(server);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
