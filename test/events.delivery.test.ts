import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AgentInputItem } from '@openai/agents';
import { createClient } from 'redis';
import {
  closeSharedConnections,
  RedisSession,
  watchConversations,
  type ChangeEvent,
} from 'agents-redis-session';
import { countersDuring } from '../tools/commandStats.js';
import { sleep, waitUntil } from './harness/index.js';
import { serverConnections, waitForServerConnections } from './support/serverConnections.js';
import { useSessionFixture, type RawRedis } from './support/sessionFixture.js';
import { functionCall, user } from './support/items.js';

const fixture = useSessionFixture();

/** Collects events; `waitFor(n)` waits (bounded) until n have arrived. */
function collectEvents() {
  const events: ChangeEvent[] = [];
  return {
    events,
    listener: (event: ChangeEvent) => {
      events.push(event);
    },
    waitFor: async (count: number) => {
      await waitUntil(() => events.length >= count, { timeoutMs: 30_000, description: `${count} change event(s)` });
      return events;
    },
  };
}

/** Per-command call counts from INFO commandstats, for what `action` sends. */
async function commandsDuring(redis: RawRedis, action: () => Promise<unknown>): Promise<Record<string, number>> {
  return Object.fromEntries((await countersDuring(redis, action)).calls);
}

/** The pub/sub connections the server sees. */
const pubsubClients = async (redis: RawRedis): Promise<number> => (await serverConnections(redis)).pubsub;

describe('change events: one per write, with versions and payloads', () => {
  it('add, pop, transaction, compaction, mutation and clear each publish their event with the next version', async () => {
    const session = fixture.session();
    const { events, listener, waitFor } = collectEvents();
    const unsubscribe = await session.subscribe(listener);
    const before = Date.now();

    await session.addItems([user('a'), user('b')]);
    assert.deepEqual(await session.popItem(), user('b'));
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [functionCall('c1')] } });
    await session.applyHistoryTransaction({
      operationId: 'op-2',
      transaction: { type: 'replace_suffix', expectedSuffix: [functionCall('c1')], replacement: [functionCall('c1', '{"x":1}'), user('c')] },
    });
    await session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'c1', replacement: functionCall('c1', '{"x":2}') }] });
    await session.replaceHistoryWithCompaction([user('summary')]);
    await session.clearSession();
    await session.addItems([user('again')]);
    await waitFor(8);
    await unsubscribe();

    const id = session.conversationId;
    const summary = events.map(({ type, version, count, removed, items, conversationId, keyPrefix }) => ({
      type, version, count, removed, items, conversationId, keyPrefix,
    }));
    const common = { conversationId: id, keyPrefix: 'conv:' };
    assert.deepEqual(summary, [
      { type: 'add', version: 1, count: 2, removed: undefined, items: [user('a'), user('b')], ...common },
      { type: 'pop', version: 2, count: 1, removed: undefined, items: undefined, ...common },
      { type: 'transaction', version: 3, count: 1, removed: 0, items: [functionCall('c1')], ...common },
      { type: 'transaction', version: 4, count: 2, removed: 1, items: [functionCall('c1', '{"x":1}'), user('c')], ...common },
      { type: 'mutation', version: 5, count: 1, removed: undefined, items: undefined, ...common },
      { type: 'compaction', version: 6, count: 1, removed: undefined, items: [user('summary')], ...common },
      { type: 'clear', version: 7, count: 1, removed: undefined, items: undefined, ...common },
      { type: 'add', version: 1, count: 1, removed: undefined, items: [user('again')], ...common },
    ]);
    for (const event of events) {
      assert.ok(Number.isInteger(event.at) && event.at >= before - 5_000 && event.at <= Date.now() + 5_000, `at ${event.at}`);
    }
    assert.ok(events.every((event, i) => i === 0 || event.at >= events[i - 1]!.at), 'server times never go backwards');
  });

  it('writes that change nothing publish nothing: an empty pop, a duplicate transaction, an unmatched mutation, clearing nothing', async () => {
    const session = fixture.session({ ttl: 3600 });
    const { events, listener, waitFor } = collectEvents();
    const unsubscribe = await session.subscribe(listener);
    assert.equal(await session.popItem(), undefined);
    await session.clearSession();
    const op = { operationId: 'op-once', transaction: { type: 'append_items' as const, items: [user('x')] } };
    await session.applyHistoryTransaction(op);
    await session.applyHistoryTransaction(op);
    await session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'none', replacement: functionCall('none') }] });
    await session.addItems([user('last')]);
    await waitFor(2);
    await sleep(100); // nothing else is on its way
    await unsubscribe();
    assert.deepEqual(events.map((event) => [event.type, event.version]), [['transaction', 1], ['add', 2]]);
  });

  it('an append larger than 64 KiB carries only its count; bytes in items come back as Uint8Array', async () => {
    const session = fixture.session();
    const { events, listener, waitFor } = collectEvents();
    const unsubscribe = await session.subscribe(listener);
    const big = Array.from({ length: 20 }, (_, i) => user(`${i}:${'x'.repeat(4_000)}`));
    const bytes = { type: 'message', role: 'user', content: [{ type: 'input_image', image: new Uint8Array([1, 2, 3]) }] } as unknown as AgentInputItem;
    await session.addItems(big);
    await session.addItems([bytes]);
    await waitFor(2);
    await unsubscribe();
    assert.equal(events[0]!.count, 20);
    assert.equal(events[0]!.items, undefined);
    assert.equal((await session.getItems()).length, 21);
    assert.deepEqual(events[1]!.items, [bytes]);
  });

  it('onGap reports missed versions before the next event, and a clear restarts the count without a gap', async () => {
    const session = fixture.session();
    const gaps: { expected: number; received: number }[] = [];
    const { events, listener, waitFor } = collectEvents();
    const unsubscribe = await session.subscribe(listener, { onGap: (gap) => gaps.push(gap) });
    await session.addItems([user('1')]);
    await waitFor(1);
    // Two changes that no subscriber sees: the version moves on behind the subscription's back.
    await fixture.redis.hIncrBy(session.keys.meta, 'v', 2);
    await session.addItems([user('4')]);
    await session.clearSession();
    await session.addItems([user('1 again')]);
    await waitFor(4);
    await unsubscribe();
    assert.deepEqual(events.map((event) => event.version), [1, 4, 5, 1]);
    assert.deepEqual(gaps, [{ expected: 2, received: 4 }]);
  });
});

describe('subscriptions: connections and life cycle', () => {
  it('subscriptions of one process share one subscriber connection; the last unsubscribe closes it and stops delivery', async () => {
    await closeSharedConnections();
    const one = fixture.session();
    const two = fixture.session();
    const first = collectEvents();
    const second = collectEvents();
    const stopOne = await one.subscribe(first.listener);
    const stopTwo = await two.subscribe(second.listener);
    assert.equal(await pubsubClients(fixture.redis), 1, 'one subscriber connection for both sessions');

    await one.addItems([user('for one')]);
    await two.addItems([user('for two')]);
    await first.waitFor(1);
    await second.waitFor(1);
    assert.deepEqual([first.events[0]!.conversationId, second.events[0]!.conversationId], [one.conversationId, two.conversationId]);

    await stopOne();
    await stopOne(); // idempotent
    await one.addItems([user('unheard')]);
    await two.addItems([user('heard')]);
    await second.waitFor(2);
    assert.equal(await pubsubClients(fixture.redis), 1, 'the subscriber connection stays open for the other subscription');
    await stopTwo();
    await waitForServerConnections(fixture.redis, { pubsub: 0 }, 'the subscriber connection to close with the last subscription');
    await one.addItems([user('after')]);
    await sleep(100);
    assert.equal(first.events.length, 1);
    assert.equal(second.events.length, 2);
  });

  it('a session built with a client subscribes on a duplicate that it closes; close() ends its subscriptions', async () => {
    const client = createClient({ url: fixture.server.url });
    await client.connect();
    const session = new RedisSession({ client, conversationId: fixture.uniqueId('borrowed') });
    try {
      const { events, listener, waitFor } = collectEvents();
      await session.subscribe(listener);
      assert.equal(await pubsubClients(fixture.redis), 1);
      await session.addItems([user('hello')]);
      await waitFor(1);
      await session.close();
      await waitForServerConnections(fixture.redis, { pubsub: 0 }, 'the duplicate to close');
      assert.equal(client.isOpen, true, 'the caller’s client stays open');
      assert.equal(events[0]!.type, 'add');
    } finally {
      await session.close();
      client.destroy();
    }
  });

  it('watchConversations sees every conversation under its prefix, and none of another prefix', async () => {
    const seen = collectEvents();
    const stop = await watchConversations({ redisUrl: fixture.server.url, keyPrefix: 'watched:' }, seen.listener);
    after(stop);
    const a = fixture.session({ keyPrefix: 'watched:' });
    const b = fixture.session({ keyPrefix: 'watched:' });
    const other = fixture.session({ keyPrefix: 'other:' });
    const nested = fixture.session({ keyPrefix: 'watched:sub:' });
    await other.addItems([user('not watched')]);
    await nested.addItems([user('another prefix')]);
    await a.addItems([user('a1')]);
    await b.addItems([user('b1')]);
    await a.popItem();
    await seen.waitFor(3);
    await sleep(100);
    await stop();
    assert.deepEqual(
      seen.events.map((event) => [event.conversationId, event.keyPrefix, event.type, event.version]),
      [[a.conversationId, 'watched:', 'add', 1], [b.conversationId, 'watched:', 'add', 1], [a.conversationId, 'watched:', 'pop', 2]],
    );
  });

  it('a listener that throws is logged and does not stop later events', async () => {
    const errors: unknown[] = [];
    const logger = { debug: () => {}, warn: () => {}, error: (...args: unknown[]) => errors.push(args), dontLogModelData: true, dontLogToolData: true };
    const session = fixture.session({ logger: logger as never });
    let calls = 0;
    const unsubscribe = await session.subscribe(() => {
      calls++;
      throw new Error('listener bug');
    });
    await session.addItems([user('1')]);
    await session.addItems([user('2')]);
    await waitUntil(() => calls === 2, { timeoutMs: 30_000, description: 'two calls' });
    await unsubscribe();
    assert.equal(errors.length, 2);
  });
});

describe('changeEvents: false', () => {
  it('publishes nothing; every write is one script that stamps the info, reads without a TTL one LRANGE (clear checks the key types first)', async () => {
    const quiet = fixture.session({ changeEvents: false });
    const { events, listener } = collectEvents();
    const unsubscribe = await quiet.subscribe(listener);
    await quiet.clearSession(); // warm up: loads the scripts
    await quiet.addItems([user('warm-up')]);
    await quiet.popItem();
    await quiet.addItems([user('warm-up')]);
    const write = { evalsha: 1, llen: 1, hmget: 1, time: 1, hset: 1 };
    assert.deepEqual(await commandsDuring(fixture.redis, () => quiet.addItems([user('a')])), { ...write, rpush: 1 });
    assert.deepEqual(await commandsDuring(fixture.redis, () => quiet.popItem()), { ...write, rpop: 1, hincrby: 1 });
    assert.deepEqual(await commandsDuring(fixture.redis, () => quiet.getItems()), { lrange: 1 });
    // A script, so that a key of another type (or another owner's conversation) is refused rather than deleted.
    assert.deepEqual(await commandsDuring(fixture.redis, () => quiet.clearSession()), { evalsha: 1, type: 2, time: 1, hget: 1, del: 1 });
    await sleep(100);
    await unsubscribe();
    assert.equal(events.length, 0);
  });

  it('with events on, an append is one EVALSHA whose script checks, writes, stamps, versions and publishes', async () => {
    const session = fixture.session();
    await session.addItems([user('warm-up')]);
    assert.deepEqual(await commandsDuring(fixture.redis, () => session.addItems([user('a')])), {
      evalsha: 1,
      llen: 1,
      hmget: 1,
      rpush: 1,
      hset: 1,
      hincrby: 1,
      time: 1,
      spublish: 1,
      publish: 1,
    });
  });
});
