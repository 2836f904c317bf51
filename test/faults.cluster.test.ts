import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, RedisSessionConnectionError, closeSharedConnections } from 'agents-redis-session';
import { masterPortOf, parseInfo, sleep, startRedisCluster, waitUntil, type RedisClusterHandle } from './harness/index.js';
import { useDeployment } from './support/deploymentFixture.js';
import { settlesWithin, whileFrozen } from './support/faults.js';
import { user } from './support/items.js';

const BOUND_MS = 20_000;

let cluster: RedisClusterHandle;

useDeployment(() => startRedisCluster({ masters: 3, replicasPerMaster: 1 }), 60_000, (started) => (cluster = started));

describe('a Redis Cluster whose master of a slot freezes (SIGSTOP)', () => {
  it('settles the operations on that slot, and close() returns', async () => {
    const session = new RedisSession({
      conversationId: 'frozen-slot',
      cluster: { rootNodes: cluster.rootNodes },
      commandTimeoutMs: 1000,
      connectTimeoutMs: 1000,
    });
    await session.addItems([user('before')]);
    const port = await masterPortOf(cluster, session.keys.items);
    const master = cluster.nodes.find((node) => node.port === port)!;
    await whileFrozen(master, async () => {
      for (const [what, call] of [
        ['getItems', () => session.getItems()],
        ['addItems', () => session.addItems([user('during')])],
      ] as const) {
        // It fails with a connection error, or succeeds once a replica took over: either way it settles.
        const settled = await settlesWithin<unknown>(call(), BOUND_MS, `${what} on the frozen master's slot`);
        if (!settled.ok) assert.ok(settled.error instanceof RedisSessionConnectionError, `${what}: got ${String(settled.error)}`);
      }
      assert.equal((await settlesWithin(session.close(), BOUND_MS, 'session.close()')).ok, true);
      assert.equal((await settlesWithin(closeSharedConnections(), BOUND_MS, 'closeSharedConnections()')).ok, true);
    });
  });

  it('a connection attempt that times out during node discovery leaves no client behind once the node answers', async () => {
    // Client connections on every node, less the probe's own.
    const clients = async (): Promise<number> => {
      let total = 0;
      for (const node of cluster.nodes) total += Number(parseInfo(String(await node.command(['INFO', 'clients']))).get('connected_clients')) - 1;
      return total;
    };
    const baseline = await clients();
    const seed = cluster.nodes[0]!;
    // The only seed is frozen: discovery (CLUSTER SLOTS) waits, and the connect attempt gives up after 1 s.
    await whileFrozen(seed, async () => {
      const session = new RedisSession({
        conversationId: 'discovery-abandoned',
        cluster: { rootNodes: [{ url: `redis://127.0.0.1:${seed.port}` }] },
        commandTimeoutMs: 1000,
        connectTimeoutMs: 1000,
      });
      const settled = await settlesWithin(session.getItems(), BOUND_MS, 'getItems while the only seed is frozen');
      assert.equal(settled.ok, false, 'no connection while the seed is frozen');
      if (!settled.ok) assert.ok(settled.error instanceof RedisSessionConnectionError, `got ${String(settled.error)}`);
      await settlesWithin(session.close(), BOUND_MS, 'close');
    });
    // Thawed, the seed answers the abandoned discovery, which then connects to every master. Those clients must be
    // destroyed (before the fix they stayed, and reconnected forever once the servers were gone).
    await sleep(3000);
    await waitUntil(async () => (await clients()) <= baseline, { timeoutMs: 30_000, intervalMs: 200, description: `client connections back to ${baseline}` });
    await sleep(1000);
    assert.ok((await clients()) <= baseline, 'no client connected again later');
  });
});
