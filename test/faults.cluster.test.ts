import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, RedisSessionConnectionError, closeSharedConnections } from 'agents-redis-session';
import { masterPortOf, startRedisCluster, type RedisClusterHandle } from './harness/index.js';
import { useDeployment } from './support/deploymentFixture.js';
import { settlesWithin, whileFrozen } from './support/faults.js';

const BOUND_MS = 20_000;
const user = (text: string) => ({ role: 'user' as const, content: text });

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
});
