/** One server's measurement of the overhead mode: the variants of ./variants.ts in interleaved blocks, paired. */
import { createClient } from 'redis';
import { closeSharedConnections } from '../../../dist/index.js';
import type { RawCommandClient } from '../../../tools/commandStats.js';
import { compareLatency, measureInterleaved, type InterleaveOptions, type LatencyComparison, type MeasuredVariant } from '../interleaved.js';
import { createVariants, PAIRS, type PairSpec } from './variants.js';

export interface PairResult {
  spec: PairSpec;
  session: MeasuredVariant;
  hand: MeasuredVariant;
  ratio: LatencyComparison;
}

export interface ServerResult {
  /** "redis 7.0.15", "valkey 8.0.1". */
  server: string;
  /** Where the binary came from: "PATH" or a folder of ../shared/servers. */
  source: string;
  pairs: PairResult[];
  seconds: number;
}

/** "valkey 8.0.1" or "redis 7.4.1", from INFO server. */
export function serverName(info: string): string {
  const field = (name: string): string | undefined => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1];
  const name = field('server_name') ?? 'redis';
  return `${name} ${field(`${name}_version`) ?? field('redis_version') ?? '?'}`;
}

export async function measureServer(url: string, source: string, options: InterleaveOptions, log: (message: string) => void): Promise<ServerResult> {
  const started = performance.now();
  const adminClient = createClient({ url });
  adminClient.on('error', (error) => console.error('admin client error:', error));
  const admin = adminClient as unknown as RawCommandClient;
  await adminClient.connect();
  try {
    await admin.sendCommand(['FLUSHALL', 'SYNC']);
    const server = serverName(await adminClient.info('server'));
    const variants = await createVariants(url, admin);
    try {
      log(`${server}: appends (${variants.appends.length} variants, ${options.rounds} rounds of ${options.block})`);
      const appends = await measureInterleaved(url, admin, variants.appends, options);
      log(`${server}: reads (${variants.reads.length} variants, ${options.rounds} rounds of ${options.block})`);
      const reads = await measureInterleaved(url, admin, variants.reads, options);
      const sides: Record<PairSpec['id'], [MeasuredVariant, MeasuredVariant]> = {
        appendQuiet: [appends[0]!, appends[1]!],
        appendDefault: [appends[2]!, appends[3]!],
        readQuiet: [reads[0]!, reads[1]!],
        readAlways: [reads[2]!, reads[3]!],
        readInterval: [reads[4]!, reads[1]!],
      };
      const pairs = PAIRS.map((spec) => {
        const [session, hand] = sides[spec.id];
        return { spec, session, hand, ratio: compareLatency(session, hand, options.block) };
      });
      return { server, source, pairs, seconds: (performance.now() - started) / 1000 };
    } finally {
      await variants.close();
    }
  } finally {
    await admin.sendCommand(['FLUSHALL', 'SYNC']).catch(() => {});
    await adminClient.close().catch(() => {});
    await closeSharedConnections();
  }
}
