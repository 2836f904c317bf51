/**
 * The store-wide change feed on a Redis Cluster (docs/change-events.md#on-a-redis-cluster): a write publishes its
 * store-wide event with SPUBLISH on the feed channel of its slot, so the cluster-bus messages it costs (CLUSTER INFO
 * `cluster_stats_messages_publish*_received`, summed over every node) stay the same from 3 to 6 masters, where a plain
 * PUBLISH is broadcast to every node. watchConversations (all 16384 feed channels) and the CLI's `watch` and `tail`
 * receive the events of every master, after a slot moves to another master, and after a failover.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { createCluster } from 'redis';
import { RedisSession, watchConversations, type ChangeEvent } from 'agents-redis-session';
import {
  busPublishMessages,
  failOverMasterOf,
  masterPortOf,
  moveSlot,
  startRedisCluster,
  waitUntil,
  type RedisClusterHandle,
} from './harness/index.js';
import { collect, spawnCli, waitForStderr } from './support/cli.js';
import { useDeployment } from './support/deploymentFixture.js';
import { user } from './support/items.js';

/** Writes measured per cluster: one per conversation, the conversations spread over every master. */
const WRITES = 48;
/** A generous bound on a failover: promotion, the first write after it, its event. */
const FAILOVER_BOUND_MS = 60_000;
const REPLICAS_PER_MASTER = 1;
const ACL_PASSWORD = 'feed-acl-pw';

/** Bus messages per write (this release) and per plain PUBLISH (what every write of the previous release added). */
interface BusCost {
  nodes: number;
  writePublish: number;
  writePublishShard: number;
  plainPublish: number;
}
const costs = new Map<number, BusCost>();

const sessionOn = (cluster: RedisClusterHandle, conversationId: string, more: { commandTimeoutMs?: number; connectTimeoutMs?: number } = {}) =>
  new RedisSession({ conversationId, cluster: { rootNodes: cluster.rootNodes }, changeEvents: true, ...more });

/** Measures the bus messages of WRITES writes (and of WRITES plain PUBLISHes) on `cluster`. */
async function measureBusCost(t: TestContext, cluster: RedisClusterHandle, masters: number): Promise<BusCost> {
  const sessions = Array.from({ length: WRITES }, (_, i) => sessionOn(cluster, `bus-${masters}-${i}`));
  // A copy: node-redis adds its defaults to the root nodes it is given.
  const publisher = createCluster({ rootNodes: cluster.rootNodes.map(({ url }) => ({ url })) });
  try {
    // Connected, scripts loaded: what is counted is writes only.
    await Promise.all(sessions.map((session) => session.addItems([user('warm-up')])));
    const ports = new Set(await Promise.all(sessions.map((session) => masterPortOf(cluster, session.keys.items))));
    assert.equal(ports.size, masters, `the ${WRITES} conversations spread over all ${masters} masters`);

    const before = await busPublishMessages(cluster);
    for (const session of sessions) await session.addItems([user('measured')]);
    const afterWrites = await busPublishMessages(cluster);
    await publisher.connect();
    for (let i = 0; i < WRITES; i++) await publisher.publish('conv:__events__', 'the previous release');
    const afterPublish = await busPublishMessages(cluster);

    const cost: BusCost = {
      nodes: cluster.nodes.length,
      writePublish: (afterWrites.publish - before.publish) / WRITES,
      writePublishShard: (afterWrites.publishshard - before.publishshard) / WRITES,
      plainPublish: (afterPublish.publish - afterWrites.publish) / WRITES,
    };
    t.diagnostic(`${masters} masters, ${cost.nodes} nodes: ${JSON.stringify(cost)}`);
    costs.set(masters, cost);
    return cost;
  } finally {
    await publisher.close().catch(() => undefined);
    await Promise.all(sessions.map((session) => session.close()));
  }
}

/** Asserts this release's writes cost no broadcast: no plain publish, one sharded message per replica per channel. */
function assertNoBroadcast(cost: BusCost): void {
  assert.equal(cost.writePublish, 0, 'a write sends no plain PUBLISH over the bus');
  // Two SPUBLISHes per write (the conversation's channel, the feed channel), each to the shard's replica(s).
  assert.equal(cost.writePublishShard, 2 * REPLICAS_PER_MASTER);
  // What a write of the previous release added: a plain PUBLISH, broadcast to every other node.
  assert.equal(cost.plainPublish, cost.nodes - 1);
}

/** Watches the store; returns its events and the function that stops it. */
async function watching(cluster: RedisClusterHandle, more: { commandTimeoutMs?: number; connectTimeoutMs?: number } = {}) {
  const events: ChangeEvent[] = [];
  const stop = await watchConversations({ cluster: { rootNodes: cluster.rootNodes }, ...more }, (event) => events.push(event));
  return { events, stop };
}

/** Writes (retrying while the cluster fails over or the slot moves) until `events` holds the event of a write. */
async function writeUntilWatched(session: RedisSession, events: ChangeEvent[], text: string): Promise<number> {
  let attempts = 0;
  await waitUntil(
    async () => {
      attempts++;
      try {
        await session.addItems([user(`${text} ${attempts}`)]);
      } catch {
        return false; // still failing over
      }
      const delivered = () => events.some((event) => event.conversationId === session.conversationId && JSON.stringify(event.items).includes(`${text} ${attempts}`));
      return waitUntil(delivered, { timeoutMs: 5000, intervalMs: 20, description: 'the event' }).then(() => true, () => false);
    },
    { timeoutMs: FAILOVER_BOUND_MS, intervalMs: 200, description: `the watcher to receive an event of "${text}"` },
  );
  return attempts;
}

describe('store-wide feed on a 3-master cluster', () => {
  let cluster: RedisClusterHandle;
  useDeployment(() => startRedisCluster({ masters: 3, replicasPerMaster: REPLICAS_PER_MASTER }), 240_000, (started) => (cluster = started));

  it('a write sends no broadcast over the cluster bus', { timeout: 120_000 }, async (t) => {
    assertNoBroadcast(await measureBusCost(t, cluster, 3));
  });

  it('feed channels hash to their slot as the server computes it (CLUSTER KEYSLOT)', async () => {
    const expected: Record<string, number> = { 'conv:__events__{1bz}': 0, 'conv:__events__{emj}': 1, 'conv:__events__{0}': 13907 };
    for (const [channel, slot] of Object.entries(expected)) {
      assert.equal(Number(await cluster.nodes[0]!.command(['CLUSTER', 'KEYSLOT', channel])), slot, channel);
    }
  });

  it('the CLI watches the whole store (watch) and one conversation (tail)', { timeout: 120_000 }, async () => {
    const url = `redis+cluster://${cluster.nodes.slice(0, 2).map((node) => `127.0.0.1:${node.port}`).join(',')}`;
    const sessions = ['cli-a', 'cli-b', 'cli-c', 'cli-d', 'cli-e', 'cli-f'].map((id) => sessionOn(cluster, id));
    try {
      const watch = spawnCli(['--url', url, '--json', 'watch', '--max-events', String(sessions.length), '--timeout-ms', '60000']);
      const tail = spawnCli(['--url', url, '--json', 'tail', 'cli-a', '--max-events', '1', '--timeout-ms', '60000']);
      const [watched, tailed] = [collect(watch), collect(tail)];
      await Promise.all([
        waitForStderr(watch, 'Listening on conv:__events__{<tag>} (the sharded feed channels of all 16384 slots)'),
        waitForStderr(tail, 'Listening on'),
      ]);
      for (const [i, session] of sessions.entries()) await session.addItems([user(`cli ${i}`)]);
      const [watchResult, tailResult] = await Promise.all([watched, tailed]);
      assert.equal(watchResult.code, 0, watchResult.stderr);
      const ids = watchResult.stdout.trim().split('\n').map((line) => (JSON.parse(line) as ChangeEvent).conversationId);
      assert.deepEqual(ids.sort(), sessions.map((session) => session.conversationId).sort());
      assert.equal(tailResult.code, 0, tailResult.stderr);
      assert.equal((JSON.parse(tailResult.stdout.trim()) as ChangeEvent).conversationId, 'cli-a');
    } finally {
      await Promise.all(sessions.map((session) => session.close()));
    }
  });

  it('a watcher keeps receiving the events of a conversation whose slot moves to another master', { timeout: 120_000 }, async (t) => {
    const session = sessionOn(cluster, 'moving', { commandTimeoutMs: 5000 });
    const watcher = await watching(cluster);
    try {
      await writeUntilWatched(session, watcher.events, 'before the move');
      const from = await masterPortOf(cluster, session.keys.items);
      const to = (await cluster.masters()).find((node) => node.port !== from)!.port;
      const slot = Number(await cluster.nodes[0]!.command(['CLUSTER', 'KEYSLOT', session.keys.items]));
      await moveSlot(cluster, slot, to);
      assert.equal(await masterPortOf(cluster, session.keys.items), to);
      const attempts = await writeUntilWatched(session, watcher.events, 'after the move');
      t.diagnostic(`slot ${slot} moved ${from} → ${to}: an event watched again after ${attempts} write(s)`);
    } finally {
      await watcher.stop();
      await session.close();
    }
  });

  it("the least-privilege ACL rule of docs/security.md covers the feed channels; without them a write is refused and stores nothing", { timeout: 120_000 }, async () => {
    const line = readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8').split('\n').find((text) => text.startsWith('ACL SETUSER agents '));
    assert.ok(line, 'docs/security.md has the application rule');
    // On a cluster, node-redis also discovers the slots (docs/security.md: add +cluster|slots).
    const rule = [...line.split(' ').slice(2).map((token) => (token === '>APP_PASSWORD' ? `>${ACL_PASSWORD}` : token)), '+cluster|slots'];
    assert.ok(rule.includes('&conv:__events__{*}'), 'the rule grants the feed channels');
    const withoutFeed = ['agents_no_feed', ...rule.slice(1).filter((token) => token !== '&conv:__events__{*}')];
    // ACL users are per node on a cluster: set them on every node, replicas too.
    for (const node of cluster.nodes.filter((candidate) => candidate.running)) {
      assert.equal(await node.command(['ACL', 'SETUSER', ...rule]), 'OK');
      assert.equal(await node.command(['ACL', 'SETUSER', ...withoutFeed]), 'OK');
    }
    const as = (user: string) => ({ rootNodes: cluster.nodes.map((node) => ({ url: `redis://${user}:${ACL_PASSWORD}@127.0.0.1:${node.port}` })) });
    const events: ChangeEvent[] = [];
    const stop = await watchConversations({ cluster: as('agents') }, (event) => events.push(event));
    const allowed = new RedisSession({ conversationId: 'acl-feed', cluster: as('agents') });
    const refused = new RedisSession({ conversationId: 'acl-no-feed', cluster: as('agents_no_feed') });
    try {
      await allowed.addItems([user('granted')]);
      await waitUntil(() => events.some((event) => event.conversationId === 'acl-feed'), { timeoutMs: 30_000, description: 'the watched event' });
      await assert.rejects(refused.addItems([user('refused')]), (error: Error) => /NOPERM/.test(error.message) && /__events__\{/.test(error.message));
      const port = await masterPortOf(cluster, refused.keys.items);
      assert.equal(await cluster.nodes.find((node) => node.port === port)!.command(['EXISTS', refused.keys.items]), 0, 'a refused write stored nothing');
    } finally {
      await stop();
      await Promise.all([allowed.close(), refused.close()]);
    }
  });

  it('kill -9 of a master: the same watcher receives the events of writes after the promotion', { timeout: 240_000 }, async (t) => {
    const timeouts = { commandTimeoutMs: 5000, connectTimeoutMs: 10_000 };
    const session = sessionOn(cluster, 'failover-watch', timeouts);
    const other = sessionOn(cluster, 'failover-other', timeouts);
    const watcher = await watching(cluster, timeouts);
    try {
      await writeUntilWatched(session, watcher.events, 'before the kill');
      const { victimPort, killedAt } = await failOverMasterOf(cluster, session.keys.items, { mastersAfter: 3, timeoutMs: FAILOVER_BOUND_MS });
      const attempts = await writeUntilWatched(session, watcher.events, 'after failover');
      await writeUntilWatched(other, watcher.events, 'elsewhere after failover');
      t.diagnostic(`kill -9 of ${victimPort}: an event watched again after ${Date.now() - killedAt} ms (${attempts} write(s))`);
      assert.notEqual(await masterPortOf(cluster, session.keys.items), victimPort);
    } finally {
      await watcher.stop();
      await Promise.all([session.close(), other.close()]);
    }
  });
});

describe('store-wide feed on a 6-master cluster', () => {
  let cluster: RedisClusterHandle;
  useDeployment(() => startRedisCluster({ masters: 6, replicasPerMaster: REPLICAS_PER_MASTER }), 240_000, (started) => (cluster = started));

  it('bus messages per write are the same as on 3 masters (a plain PUBLISH would reach twice as many nodes)', { timeout: 120_000 }, async (t) => {
    const six = await measureBusCost(t, cluster, 6);
    assertNoBroadcast(six);
    const three = costs.get(3);
    assert.ok(three, 'the 3-master cluster was measured first');
    assert.equal(six.writePublish + six.writePublishShard, three.writePublish + three.writePublishShard);
    assert.ok(six.plainPublish > three.plainPublish);
  });

  it('watchConversations receives the events of conversations on every master', { timeout: 120_000 }, async () => {
    const sessions = Array.from({ length: 24 }, (_, i) => sessionOn(cluster, `watched-${i}`));
    const watcher = await watching(cluster);
    try {
      const ports = new Set(await Promise.all(sessions.map((session) => masterPortOf(cluster, session.keys.items))));
      assert.equal(ports.size, 6, 'the conversations spread over the six masters');
      for (const session of sessions) await session.addItems([user('hello')]);
      await waitUntil(() => watcher.events.length >= sessions.length, { timeoutMs: 60_000, description: 'every event' });
      assert.deepEqual(
        watcher.events.map((event) => event.conversationId).sort(),
        sessions.map((session) => session.conversationId).sort(),
      );
    } finally {
      await watcher.stop();
      await Promise.all(sessions.map((session) => session.close()));
    }
  });
});
