import { CLUSTER_BUS_PORT_OFFSET, freePorts } from '../../tools/freePort.js';
import { runRedisCli } from './redisCli.js';
import { RedisStartError, startRedisServer, type RedisServerHandle } from '../../tools/throwawayRedis.js';
import { parseInfo } from '../../tools/resp.js';
import { sleep, waitUntil } from '../../tools/waitUntil.js';

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of masters (at least 3, as `redis-cli --cluster create` requires). Default 3. */
  masters?: number;
  /** Replicas per master. Default 1. */
  replicasPerMaster?: number;
  /** Extra `redis-server` arguments for every node, appended after the cluster defaults. */
  args?: string[];
  /** `--cluster-node-timeout` in ms (failure detection / failover speed). Default 2000. */
  nodeTimeoutMs?: number;
  /** Bound on waiting for a healthy cluster after `--cluster create`. Default 120000 ms (a loaded machine is slow). */
  readyTimeoutMs?: number;
}

/** One line of `CLUSTER NODES`. */
export interface ClusterNodeInfo {
  id: string;
  port: number;
  /** e.g. `['myself', 'master']`, `['slave']`, `['master', 'fail']`. */
  flags: string[];
  /** Node id of the master for replicas, `undefined` for masters. */
  masterId: string | undefined;
  linkState: string;
  /** Slot ranges as printed, e.g. `['0-5460']`. */
  slots: string[];
}

/** A running Redis Cluster started by {@link startRedisCluster}. */
export interface RedisClusterHandle {
  /** All node processes, in the order they were given to `--cluster create` (masters first, initially). */
  readonly nodes: RedisServerHandle[];
  /** `[{ url }]` of every node, ready for node-redis `createCluster({ rootNodes })`. */
  readonly rootNodes: { url: string }[];
  /** Nodes that are currently masters and not failed, per `CLUSTER NODES` of a running node. */
  masters(): Promise<RedisServerHandle[]>;
  /** Nodes that are currently replicas and not failed, per `CLUSTER NODES` of a running node. */
  replicas(): Promise<RedisServerHandle[]>;
  /** Parsed `CLUSTER NODES` as seen by the first running node that answers. */
  clusterNodes(): Promise<ClusterNodeInfo[]>;
  /**
   * Waits (bounded) until every running node reports `cluster_state:ok` with all slots
   * served, all running nodes agree on `masters` masters and their replicas, and every
   * running replica has finished its sync (`master_link_status:up`).
   */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every node (SIGTERM, then SIGKILL) and removes their temp dirs. */
  stop(): Promise<void>;
}

/** Parses the text of `CLUSTER NODES`. */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  const nodes: ClusterNodeInfo[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    if (fields.length < 8) continue;
    const [id = '', address = '', flags = '', master = '-', , , , linkState = '', ...slots] = fields;
    // address: ip:port@cport[,hostname]
    const port = Number(address.split('@')[0]?.split(':').pop());
    nodes.push({ id, port, flags: flags.split(','), masterId: master === '-' ? undefined : master, linkState, slots });
  }
  return nodes;
}

const isFailed = (n: ClusterNodeInfo): boolean =>
  n.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'handshake' || f === 'noaddr');

/** Starts one cluster node, retrying on a fresh port pair if the port was taken meanwhile. */
async function startNode(port: number, args: string[]): Promise<RedisServerHandle> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const nodePort = attempt === 1 ? port : ((await freePorts(1, { clusterBus: true }))[0] ?? port);
    try {
      return await startRedisServer({ port: nodePort, logName: `cluster-node-${nodePort}`, args });
    } catch (err) {
      if (!(err instanceof RedisStartError && err.addressInUse) || attempt === 3) throw err;
    }
  }
  throw new Error('unreachable');
}

/**
 * Starts a Redis Cluster on 127.0.0.1: `masters * (1 + replicasPerMaster)` redis-server
 * processes with `--cluster-enabled yes --cluster-node-timeout 2000
 * --repl-diskless-sync-delay 0`, joined with `redis-cli --cluster create ... --cluster-yes`,
 * then waits until the cluster is healthy (see {@link RedisClusterHandle.waitUntilHealthy}).
 * On any failure, every node already started is stopped before the error is thrown.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masterCount = options.masters ?? 3;
  const replicasPerMaster = options.replicasPerMaster ?? 1;
  if (!Number.isInteger(masterCount) || masterCount < 3) throw new Error('startRedisCluster: masters must be an integer >= 3');
  if (!Number.isInteger(replicasPerMaster) || replicasPerMaster < 0) {
    throw new Error('startRedisCluster: replicasPerMaster must be a non-negative integer');
  }
  const total = masterCount * (1 + replicasPerMaster);
  const ports = await freePorts(total, { clusterBus: true });

  const nodeArgs: string[] = [
    '--cluster-enabled', 'yes',
    // relative to --dir (<node dir>/nodes.conf); every node has its own dir
    '--cluster-config-file', 'nodes.conf',
    '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 2000),
    '--repl-diskless-sync-delay', '0',
    '--save', '',
    '--appendonly', 'no',
    ...(options.args ?? []),
  ];

  const settled = await Promise.allSettled(ports.map((port) => startNode(port, nodeArgs)));
  const nodes = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    throw failure.reason;
  }

  const byPort = new Map(nodes.map((n) => [n.port, n]));

  const clusterNodes = async (): Promise<ClusterNodeInfo[]> => {
    let lastError: unknown = new Error('no running cluster node');
    for (const node of nodes) {
      if (!node.running) continue;
      try {
        return parseClusterNodes(String(await node.command(['CLUSTER', 'NODES'])));
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  };

  const withRole = async (role: 'master' | 'slave'): Promise<RedisServerHandle[]> =>
    (await clusterNodes())
      .filter((n) => n.flags.includes(role) && !isFailed(n))
      .flatMap((n) => {
        const handle = byPort.get(n.port);
        return handle ? [handle] : [];
      });

  /** Returns a reason the cluster is not healthy yet, or `undefined` when it is. */
  const unhealthyReason = async (): Promise<string | undefined> => {
    const live = nodes.filter((n) => n.running);
    for (const node of live) {
      const info = parseInfo(String(await node.command(['CLUSTER', 'INFO'])));
      if (info.get('cluster_state') !== 'ok') return `${node.port}: cluster_state:${info.get('cluster_state')}`;
      if (info.get('cluster_slots_ok') !== '16384') return `${node.port}: cluster_slots_ok:${info.get('cluster_slots_ok')}`;
      const view = parseClusterNodes(String(await node.command(['CLUSTER', 'NODES'])));
      const healthy = view.filter((n) => !isFailed(n));
      const masters = healthy.filter((n) => n.flags.includes('master') && n.slots.length > 0);
      if (masters.length !== masterCount) return `${node.port}: sees ${masters.length} masters with slots`;
      const liveReplicas = healthy.filter((n) => n.flags.includes('slave') && byPort.get(n.port)?.running);
      const expectedReplicas = live.length - masterCount;
      if (liveReplicas.length !== expectedReplicas) return `${node.port}: sees ${liveReplicas.length} replicas, expected ${expectedReplicas}`;
      const me = view.find((n) => n.flags.includes('myself'));
      if (me?.flags.includes('slave')) {
        const repl = parseInfo(String(await node.command(['INFO', 'replication'])));
        if (repl.get('master_link_status') !== 'up') return `${node.port}: master_link_status:${repl.get('master_link_status')}`;
        if (repl.get('master_sync_in_progress') !== '0') return `${node.port}: sync in progress`;
      }
    }
    return undefined;
  };

  const waitUntilHealthy = async (timeoutMs = options.readyTimeoutMs ?? 120_000): Promise<void> => {
    let reason: string | undefined = 'not checked yet';
    await waitUntil(
      async () => {
        reason = await unhealthyReason();
        return reason === undefined;
      },
      { timeoutMs, intervalMs: 100, description: 'a healthy Redis Cluster' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last state: ${reason}`);
    });
  };

  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };

  try {
    await runRedisCli([
      '--cluster', 'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas', String(replicasPerMaster),
      '--cluster-yes',
    ]);
    await waitUntilHealthy();
  } catch (err) {
    const tails = nodes.map((n) => `--- node ${n.port} (bus ${n.port + CLUSTER_BUS_PORT_OFFSET}) ---\n${n.logTail(15)}`).join('\n');
    await stop().catch(() => undefined);
    throw new Error(`startRedisCluster failed: ${(err as Error).message}\n${tails}`);
  }

  return {
    nodes,
    rootNodes: nodes.map((n) => ({ url: n.url })),
    masters: () => withRole('master'),
    replicas: () => withRole('slave'),
    clusterNodes,
    waitUntilHealthy,
    stop,
  };
}

/** The port of the healthy master that serves `key`'s slot, asked of a running node. */
export async function masterPortOf(cluster: RedisClusterHandle, key: string): Promise<number> {
  const node = cluster.nodes.find((candidate) => candidate.running);
  if (!node) throw new Error('no cluster node is running');
  const slot = Number(await node.command(['CLUSTER', 'KEYSLOT', key]));
  for (const info of await cluster.clusterNodes()) {
    if (!info.flags.includes('master') || info.flags.some((flag) => flag.startsWith('fail'))) continue;
    for (const range of info.slots) {
      const [first, last = first] = range.split('-').map(Number);
      if (slot >= first! && slot <= last!) return info.port;
    }
  }
  throw new Error(`no master serves slot ${slot}`);
}

/**
 * Kills (SIGKILL) the master that serves `key`'s slot and waits (bounded by `timeoutMs`) until its replica is
 * promoted: `mastersAfter` masters again, none of them the victim. Returns the victim and when it was killed.
 */
export async function failOverMasterOf(
  cluster: RedisClusterHandle,
  key: string,
  { mastersAfter, timeoutMs }: { mastersAfter: number; timeoutMs: number },
): Promise<{ victim: RedisServerHandle; victimPort: number; killedAt: number }> {
  const victimPort = await masterPortOf(cluster, key);
  const victim = cluster.nodes.find((node) => node.port === victimPort)!;
  const killedAt = Date.now();
  await victim.kill9();
  await waitUntil(
    async () => {
      const masters = await cluster.masters();
      return masters.length === mastersAfter && !masters.some((node) => node.port === victimPort);
    },
    { timeoutMs, intervalMs: 200, description: `the replica of ${victimPort} to be promoted` },
  );
  return { victim, victimPort, killedAt };
}

/**
 * Moves one hash slot, with its keys, from the master that serves it to the master on `toPort` (resharding, as
 * `redis-cli --cluster reshard` does: IMPORTING/MIGRATING, MIGRATE of its keys in batches, then SETSLOT NODE on every
 * master), and waits (bounded) until every running node sees the new owner.
 */
export async function moveSlot(cluster: RedisClusterHandle, slot: number, toPort: number, timeoutMs = 60_000): Promise<void> {
  const view = await cluster.clusterNodes();
  const owns = (info: ClusterNodeInfo): boolean =>
    info.slots.some((range) => {
      const [first, last = first] = range.split('-').map(Number);
      return slot >= first! && slot <= last!;
    });
  const source = view.find((info) => info.flags.includes('master') && !isFailed(info) && owns(info));
  const target = view.find((info) => info.port === toPort);
  if (!source || !target) throw new Error(`moveSlot: no master serves slot ${slot}, or no node on port ${toPort}`);
  if (source.port === toPort) return;
  const node = (port: number): RedisServerHandle => {
    const handle = cluster.nodes.find((candidate) => candidate.port === port);
    if (!handle) throw new Error(`moveSlot: no node on port ${port}`);
    return handle;
  };
  const [from, to] = [node(source.port), node(toPort)];
  await to.command(['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', source.id]);
  await from.command(['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', target.id]);
  // Bounded: each round moves up to 100 keys; a slot of the tests holds a handful.
  for (let round = 0; round < 1000; round++) {
    const keys = (await from.command(['CLUSTER', 'GETKEYSINSLOT', String(slot), '100'])) as string[];
    if (keys.length === 0) break;
    await from.command(['MIGRATE', '127.0.0.1', String(toPort), '', '0', '10000', 'KEYS', ...keys]);
  }
  for (const port of [toPort, source.port, ...view.filter((info) => info.flags.includes('master') && !isFailed(info)).map((info) => info.port)]) {
    await node(port).command(['CLUSTER', 'SETSLOT', String(slot), 'NODE', target.id]);
  }
  await waitUntil(
    async () => {
      for (const handle of cluster.nodes.filter((candidate) => candidate.running)) {
        const owner = parseClusterNodes(String(await handle.command(['CLUSTER', 'NODES']))).find((info) => info.flags.includes('master') && owns(info));
        if (owner?.port !== toPort) return false;
      }
      return true;
    },
    { timeoutMs, intervalMs: 100, description: `every node to see slot ${slot} on ${toPort}` },
  );
}

/**
 * Cluster-bus messages of pub/sub, summed over every running node (`CLUSTER INFO`): `publish` (a plain PUBLISH,
 * broadcast to every node) and `publishshard` (an SPUBLISH, sent to the other nodes of the slot's shard). Counted
 * where they arrive (`cluster_stats_messages_publish*_received`: every bus message is received by one node), since
 * Valkey 8.0 does not count them where they are sent; read again until two reads 200 ms apart agree (bounded), so
 * that messages still on their way are counted.
 */
export async function busPublishMessages(cluster: RedisClusterHandle, timeoutMs = 30_000): Promise<{ publish: number; publishshard: number }> {
  const read = async (): Promise<{ publish: number; publishshard: number }> => {
    const total = { publish: 0, publishshard: 0 };
    for (const handle of cluster.nodes.filter((candidate) => candidate.running)) {
      const info = parseInfo(String(await handle.command(['CLUSTER', 'INFO'])));
      total.publish += Number(info.get('cluster_stats_messages_publish_received') ?? 0);
      total.publishshard += Number(info.get('cluster_stats_messages_publishshard_received') ?? 0);
    }
    return total;
  };
  let last = await read();
  await waitUntil(
    async () => {
      await sleep(200);
      const now = await read();
      const settled = now.publish === last.publish && now.publishshard === last.publishshard;
      last = now;
      return settled;
    },
    { timeoutMs, intervalMs: 1, description: 'the cluster-bus pub/sub counters to settle' },
  );
  return last;
}
