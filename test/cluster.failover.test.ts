/**
 * Failover of a Redis Cluster master under a write load, with the `durability`
 * option on: kill -9 a master (3 masters, 3 replicas, from the harness) while
 * 4 writers append to 50 conversations; operations resume after the replica
 * takes over, and every acknowledged write is still there afterwards.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createClient } from 'redis';
import { RedisSession, RedisSessionDurabilityError } from 'agents-redis-session';
import { masterPortOf, sleep, startRedisCluster, waitUntil, type RedisClusterHandle, type RedisServerHandle } from './harness/index.js';
import { useDeployment } from './support/deploymentFixture.js';

const WRITERS = 4;
const CONVERSATIONS = 50;
/** Bounds of the load: it never runs longer or writes more than this. */
const MAX_LOAD_MS = 60_000;
const MAX_WRITES = 20_000;
/** Load keeps going this long after writes on the failed shard are confirmed again. */
const AFTER_RESUME_MS = 1500;
/** A generous bound on "operations resume within about 10 s". */
const RESUME_BOUND_MS = 30_000;

let cluster: RedisClusterHandle;
useDeployment(() => startRedisCluster({ masters: 3, replicasPerMaster: 1 }), 240_000, (started) => (cluster = started));


it('kill -9 of a master under load: writes resume after failover and every acknowledged write survives', { timeout: 240_000 }, async (t) => {
  const rootNodes = cluster.rootNodes;
  const sessions = Array.from(
    { length: CONVERSATIONS },
    (_, i) =>
      new RedisSession({
        conversationId: `load-${i}`,
        cluster: { rootNodes },
        durability: { replicas: 1, timeoutMs: 500 },
        // Generous: calls before and after the failover must succeed on a loaded machine; failed ones are retried.
        commandTimeoutMs: 5000,
        connectTimeoutMs: 10_000,
      }),
  );
  const masterOf = await Promise.all(sessions.map((session) => masterPortOf(cluster, session.keys.items)));
  const victimPort = masterOf[0]!;
  const victim: RedisServerHandle = cluster.nodes.find((node) => node.port === victimPort)!;
  const onVictim = new Set(masterOf.flatMap((port, i) => (port === victimPort ? [i] : [])));
  assert.ok(onVictim.size > 0 && onVictim.size < CONVERSATIONS);

  const acked = sessions.map(() => [] as string[]);
  const failures = new Map<string, number>();
  let writes = 0;
  let killedAt: number | undefined;
  /** First write on the failed shard that reached a master again (confirmed or not), and the first confirmed one. */
  let firstAnswerAfterKill: number | undefined;
  let firstAckAfterKill: number | undefined;
  const started = Date.now();
  const keepGoing = (): boolean =>
    writes < MAX_WRITES &&
    Date.now() - started < MAX_LOAD_MS &&
    !(firstAckAfterKill !== undefined && Date.now() - firstAckAfterKill > AFTER_RESUME_MS);

  const writer = async (w: number): Promise<void> => {
    for (let n = 0; keepGoing(); n++) {
      const index = (w * 13 + n * 7) % CONVERSATIONS;
      const text = `w${w}-n${n}`;
      const sentAt = Date.now();
      writes++;
      try {
        await sessions[index]!.addItems([{ type: 'message', role: 'user', content: text }]);
        acked[index]!.push(text);
        if (killedAt !== undefined && sentAt > killedAt && onVictim.has(index)) {
          firstAnswerAfterKill ??= Date.now();
          firstAckAfterKill ??= Date.now();
        }
      } catch (error) {
        const kind = error instanceof RedisSessionDurabilityError ? 'durability' : (error as Error).name;
        failures.set(kind, (failures.get(kind) ?? 0) + 1);
        if (error instanceof RedisSessionDurabilityError && killedAt !== undefined && sentAt > killedAt && onVictim.has(index)) {
          firstAnswerAfterKill ??= Date.now();
        }
        await sleep(20); // a failing shard must not turn a writer into a busy loop
      }
    }
  };

  const failover = async (): Promise<void> => {
    await sleep(1500);
    killedAt = Date.now();
    await victim.kill9();
    // The replica takes over once the others mark the master failed (node timeout 2 s).
    await waitUntil(async () => !(await cluster.masters()).some((node) => node.port === victimPort) && (await cluster.masters()).length === 3, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: `the replica of ${victimPort} to be promoted`,
    });
    // As a supervisor would: bring the crashed node back; it rejoins as a replica of the new master,
    // so the shard has a replica again and WAIT 1 can be satisfied.
    await victim.restart();
  };

  await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), failover()]);
  assert.ok(killedAt !== undefined);
  assert.ok(firstAckAfterKill !== undefined, `no confirmed write on the failed shard after the kill (failures: ${JSON.stringify([...failures])})`);
  const answerMs = firstAnswerAfterKill! - killedAt;
  const resumeMs = firstAckAfterKill - killedAt;
  t.diagnostic(
    `writes ${writes}, acknowledged ${acked.flat().length}, failures ${JSON.stringify(Object.fromEntries(failures))}; ` +
      `after kill -9: new master answers in ${answerMs} ms, confirmed writes resume in ${resumeMs} ms`,
  );
  assert.ok(resumeMs < RESUME_BOUND_MS, `writes resumed only after ${resumeMs} ms`);

  // Every conversation works again, and every acknowledged write is there, in order.
  await cluster.waitUntilHealthy(120_000);
  for (const [i, session] of sessions.entries()) {
    const stored = (await session.getItems()).map((item) => (item as { content: string }).content);
    const present = new Set(stored);
    const missing = acked[i]!.filter((text) => !present.has(text));
    assert.deepEqual(missing, [], `${session.keys.items} lost acknowledged writes`);
    // Acknowledged writes of one writer keep their order.
    for (let w = 0; w < WRITERS; w++) {
      const mine = stored.filter((text) => text.startsWith(`w${w}-`) && acked[i]!.includes(text));
      assert.deepEqual(mine, acked[i]!.filter((text) => text.startsWith(`w${w}-`)));
    }
  }
  // The new master of the failed shard serves the conversations that lived there.
  const newMasterPort = await masterPortOf(cluster, sessions[0]!.keys.items);
  assert.notEqual(newMasterPort, victimPort);
  const newMaster = createClient({ url: `redis://127.0.0.1:${newMasterPort}` });
  newMaster.on('error', () => {});
  await newMaster.connect();
  try {
    assert.ok((await newMaster.lLen(sessions[0]!.keys.items)) >= acked[0]!.length);
  } finally {
    newMaster.destroy();
  }
  await Promise.all(sessions.map((session) => session.close()));
});
