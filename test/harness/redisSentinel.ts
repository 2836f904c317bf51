import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedisServer, type RedisServerHandle } from '../../tools/throwawayRedis.js';
import { parseInfo } from '../../tools/resp.js';
import { waitUntil } from '../../tools/waitUntil.js';

/** Options for {@link startRedisSentinel}. */
export interface RedisSentinelOptions {
  /** Name of the monitored master. Default `mymaster`. */
  masterName?: string;
  /** Number of sentinels. Default 3. */
  sentinels?: number;
  /** Sentinels that must agree the master is down. Default 2. */
  quorum?: number;
  /** `sentinel down-after-milliseconds`. Default 1000. */
  downAfterMs?: number;
  /** `sentinel failover-timeout`. Default 5000. */
  failoverTimeoutMs?: number;
  /** Bound on waiting for the sentinels to see each other and the replica. Default 120000 ms (a loaded machine is slow). */
  readyTimeoutMs?: number;
}

/** A master, a replica and sentinels watching them, started by {@link startRedisSentinel}. */
export interface RedisSentinelHandle {
  readonly masterName: string;
  /** The data node that was master at start. */
  readonly master: RedisServerHandle;
  /** The data node that was a replica at start. */
  readonly replica: RedisServerHandle;
  readonly sentinels: RedisServerHandle[];
  /** `[{ host, port }]` of every sentinel, for node-redis `createSentinel({ sentinelRootNodes })`. */
  readonly sentinelRootNodes: { host: string; port: number }[];
  /** `redis+sentinel://127.0.0.1:<port>,.../<masterName>`. */
  readonly url: string;
  /** The port of the current master per the first sentinel that answers `SENTINEL get-master-addr-by-name`. */
  masterPort(): Promise<number>;
  /** Stops every process (SIGTERM, then SIGKILL, by PID) and removes the config dir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts, on 127.0.0.1 (with plain `redis-server`, no `redis-sentinel` binary needed): a master, a replica of it, and `sentinels` sentinels
 * (`redis-server <conf> --sentinel`) with `sentinel monitor <name> 127.0.0.1
 * <masterPort> <quorum>`, `down-after-milliseconds` and `failover-timeout`.
 * Resolves once the replica has synced and every sentinel knows it and the other sentinels. On
 * failure, everything already started is stopped before the error is thrown.
 */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinelHandle> {
  const masterName = options.masterName ?? 'mymaster';
  const sentinelCount = options.sentinels ?? 3;
  const confDir = mkdtempSync(path.join(os.tmpdir(), 'agents-redis-session-sentinel-conf-'));
  const started: RedisServerHandle[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(confDir, { recursive: true, force: true });
  };
  try {
    const master = await startRedisServer({ logName: 'sentinel-master' });
    started.push(master);
    const replica = await startRedisServer({ logName: 'sentinel-replica', args: ['--replicaof', '127.0.0.1', String(master.port)] });
    started.push(replica);
    const sentinels: RedisServerHandle[] = [];
    for (let i = 0; i < sentinelCount; i++) {
      const configFile = path.join(confDir, `sentinel-${i}.conf`);
      writeFileSync(
        configFile,
        [
          `sentinel monitor ${masterName} 127.0.0.1 ${master.port} ${options.quorum ?? 2}`,
          `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 5000}`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await startRedisServer({ logName: `sentinel-${i}`, configFile, args: ['--sentinel'] });
      started.push(sentinel);
      sentinels.push(sentinel);
    }
    await waitUntil(
      async () => {
        // The replica has finished its initial sync (before that, WAIT counts it as 0).
        const replication = parseInfo(String(await replica.command(['INFO', 'replication'])));
        if (replication.get('master_link_status') !== 'up' || replication.get('master_sync_in_progress') !== '0') return false;
        for (const sentinel of sentinels) {
          const info = (await sentinel.command(['SENTINEL', 'MASTER', masterName])) as string[];
          const field = (name: string): number => Number(info[info.indexOf(name) + 1]);
          if (field('num-slaves') < 1 || field('num-other-sentinels') < sentinelCount - 1) return false;
        }
        return true;
      },
      { timeoutMs: options.readyTimeoutMs ?? 120_000, intervalMs: 100, description: 'the replica to sync and the sentinels to see it and each other' },
    );
    const sentinelRootNodes = sentinels.map((sentinel) => ({ host: sentinel.host, port: sentinel.port }));
    return {
      masterName,
      master,
      replica,
      sentinels,
      sentinelRootNodes,
      url: `redis+sentinel://${sentinelRootNodes.map(({ host, port }) => `${host}:${port}`).join(',')}/${masterName}`,
      masterPort: async () => {
        let lastError: unknown = new Error('no running sentinel');
        for (const sentinel of sentinels) {
          if (!sentinel.running) continue;
          try {
            const [, port] = (await sentinel.command(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName])) as string[];
            return Number(port);
          } catch (error) {
            lastError = error;
          }
        }
        throw lastError;
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/**
 * Kills the master with SIGKILL and waits until the sentinels have promoted
 * the replica. Returns the time from the kill to the promotion, in ms.
 */
export async function killMasterAndAwaitPromotion(deployment: RedisSentinelHandle, timeoutMs: number): Promise<number> {
  const killedAt = Date.now();
  await deployment.master.kill9();
  await waitUntil(async () => (await deployment.masterPort()) === deployment.replica.port, {
    timeoutMs,
    intervalMs: 100,
    description: 'the sentinels to promote the replica',
  });
  return Date.now() - killedAt;
}
