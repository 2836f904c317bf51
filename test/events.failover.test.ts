/**
 * After a reconnect or a failover, subscriptions come back by themselves.
 * Failover half: a subscription made before a kill -9 of the
 * master that serves its conversation receives the events of writes made
 * after the replica took over, without subscribing again. Once on a Redis
 * Cluster (3 masters, 3 replicas), once through Redis Sentinel.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, type ChangeEvent, type GapInfo } from 'agents-redis-session';
import {
  failOverMasterOf,
  masterPortOf,
  startRedisCluster,
  startRedisSentinel,
  waitUntil,
  type RedisClusterHandle,
  type RedisSentinelHandle,
  killMasterAndAwaitPromotion,
} from './harness/index.js';
import { SENTINEL_SETUP, useDeployment } from './support/deploymentFixture.js';
import { user } from './support/items.js';

/** A generous bound on every wait of a failover: promotion, the first write after it, the event of that write. */
const FAILOVER_BOUND_MS = 60_000;

/** A subscription's events and gaps. */
async function subscribed(session: RedisSession) {
  const events: ChangeEvent[] = [];
  const gaps: GapInfo[] = [];
  const unsubscribe = await session.subscribe((event) => events.push(event), { onGap: (gap) => gaps.push(gap) });
  return { events, gaps, unsubscribe };
}

/**
 * After a failover: writes `text` (retrying while the session still reaches no
 * master) until the subscription receives the event of a successful write.
 * A write may succeed before the subscriber is back on the new master, so its
 * event is lost (a gap); the next write's event must then arrive.
 */
async function writeUntilDelivered(session: RedisSession, events: ChangeEvent[], text: string): Promise<number> {
  let attempts = 0;
  await waitUntil(
    async () => {
      attempts++;
      const seen = events.length;
      try {
        await session.addItems([user(`${text} ${attempts}`)]);
      } catch {
        return false; // still failing over
      }
      return waitUntil(() => events.length > seen, { timeoutMs: 5000, intervalMs: 20, description: 'the event' }).then(
        () => true,
        () => false,
      );
    },
    { timeoutMs: FAILOVER_BOUND_MS, intervalMs: 200, description: `the subscription to receive an event of "${text}"` },
  );
  return attempts;
}

/** The subscription's newest event is the append made after the failover. */
function assertLastEventIsTheWriteAfterFailover(events: ChangeEvent[]): void {
  const last = events.at(-1)!;
  assert.equal(last.conversationId, 'failover-feed');
  assert.equal(last.type, 'add');
  assert.match(JSON.stringify(last.items), /after failover/);
}

describe('subscriptions come back after a Redis Cluster failover', () => {
  let cluster: RedisClusterHandle;
  useDeployment(() => startRedisCluster({ masters: 3, replicasPerMaster: 1 }), 240_000, (started) => (cluster = started));

  it('kill -9 of the master owning the conversation: the same subscription receives events of writes after the promotion', { timeout: 240_000 }, async (t) => {
    const session = new RedisSession({
      conversationId: 'failover-feed',
      cluster: { rootNodes: cluster.rootNodes },
      // Generous: calls before and after the failover must succeed on a loaded machine; failed ones are retried.
      commandTimeoutMs: 5000,
      connectTimeoutMs: 10_000,
    });
    const feed = await subscribed(session);
    try {
      await session.addItems([user('before')]);
      await waitUntil(() => feed.events.length === 1, { timeoutMs: 30_000, description: 'the event before the kill' });

      const { victimPort, killedAt } = await failOverMasterOf(cluster, session.keys.items, { mastersAfter: 3, timeoutMs: FAILOVER_BOUND_MS });
      const promotedMs = Date.now() - killedAt;
      const attempts = await writeUntilDelivered(session, feed.events, 'after failover');
      t.diagnostic(
        `after kill -9: replica promoted in ${promotedMs} ms, an event delivered again after ${Date.now() - killedAt} ms ` +
          `(${attempts} write(s)); gaps ${JSON.stringify(feed.gaps)}`,
      );

      const newMasterPort = await masterPortOf(cluster, session.keys.items);
      assert.notEqual(newMasterPort, victimPort);
      assertLastEventIsTheWriteAfterFailover(feed.events);
    } finally {
      await feed.unsubscribe();
      await session.close();
    }
  });
});

describe('subscriptions come back after a Sentinel failover', () => {
  let deployment: RedisSentinelHandle;
  useDeployment(() => startRedisSentinel(SENTINEL_SETUP), 240_000, (started) => (deployment = started));

  it('kill -9 of the master: the same subscription receives events of writes after the failover', { timeout: 240_000 }, async (t) => {
    const session = new RedisSession({ conversationId: 'failover-feed', redisUrl: deployment.url, commandTimeoutMs: 5000, connectTimeoutMs: 10_000 });
    const feed = await subscribed(session);
    try {
      await session.addItems([user('before')]);
      await waitUntil(() => feed.events.length === 1, { timeoutMs: 30_000, description: 'the event before the kill' });
      assert.equal(await deployment.masterPort(), deployment.master.port);

      const killedAt = Date.now();
      const promotedMs = await killMasterAndAwaitPromotion(deployment, FAILOVER_BOUND_MS);
      const attempts = await writeUntilDelivered(session, feed.events, 'after failover');
      t.diagnostic(
        `after kill -9: replica promoted in ${promotedMs} ms, an event delivered again after ${Date.now() - killedAt} ms ` +
          `(${attempts} write(s)); gaps ${JSON.stringify(feed.gaps)}`,
      );

      assertLastEventIsTheWriteAfterFailover(feed.events);
    } finally {
      await feed.unsubscribe();
      await session.close();
    }
  });
});
