import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import {
  closeSharedConnections,
  RedisSession,
  RedisSessionConnectionError,
  watchConversations,
  type RedisSessionOptions,
} from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';
import { rejectsWithin, settlesWithin, thawAll, whileFrozen } from './support/faults.js';
import { user } from './support/items.js';

// Frozen with SIGSTOP, a server keeps its sockets open and answers nothing: node-redis alone waits forever.
const BOUND_MS = 15_000;
const TIMEOUTS = { commandTimeoutMs: 1000, connectTimeoutMs: 1000 } as const;

let server: RedisServerHandle;
let counter = 0;
const sessions: RedisSession[] = [];

function open(options: Omit<RedisSessionOptions, 'redisUrl'> = {}): RedisSession {
  const session = new RedisSession({
    conversationId: `frozen-${++counter}`,
    ...(options.client ? {} : { redisUrl: server.url }),
    ...TIMEOUTS,
    ...options,
  });
  sessions.push(session);
  return session;
}

async function assertConnectionError(work: Promise<unknown>, what: string): Promise<RedisSessionConnectionError> {
  const error = await rejectsWithin(work, BOUND_MS, what);
  assert.ok(error instanceof RedisSessionConnectionError, `${what}: expected RedisSessionConnectionError, got ${String(error)}`);
  return error;
}

before(async () => {
  server = await startRedisServer({ logName: 'faults-frozen' });
});

after(async () => {
  thawAll();
  await Promise.all(sessions.map((session) => settlesWithin(session.close(), BOUND_MS, 'close')));
  await settlesWithin(closeSharedConnections(), BOUND_MS, 'closeSharedConnections');
  await server?.stop();
});

describe('a frozen server (SIGSTOP)', () => {
  it('fails every operation of a URL session with RedisSessionConnectionError, then recovers', async () => {
    const session = open({ ttl: 600, changeEvents: true });
    await session.addItems([user('before')]);
    await whileFrozen(server, async () => {
      // The write was sent on the open connection: whether it applied is unknown, and the error says so.
      const write = await assertConnectionError(session.addItems([user('lost?')]), 'addItems');
      assert.match(write.message, /outcome of this write is unknown/);
      // The connection was torn down: the next calls fail to reconnect, within the connect timeout.
      await assertConnectionError(session.getItems(), 'getItems');
      await assertConnectionError(session.popItem(), 'popItem');
      await assertConnectionError(session.clearSession(), 'clearSession');
      await assertConnectionError(
        session.applyHistoryTransaction({ operationId: 'op-frozen', transaction: { type: 'append_items', items: [user('x')] } }),
        'applyHistoryTransaction',
      );
      await assertConnectionError(session.subscribe(() => {}), 'subscribe');
      await assertConnectionError(
        watchConversations({ redisUrl: server.url, ...TIMEOUTS }, () => {}),
        'watchConversations',
      );
    });
    // The timed-out connection was torn down: the next operation opens a fresh one.
    const items = await session.getItems();
    assert.ok(items.length >= 1);
    const stop = await session.subscribe(() => {});
    await stop();
  });

  it('close() and closeSharedConnections() return although the server answers nothing', async () => {
    const session = open();
    await session.addItems([user('x')]);
    const watcher = open();
    const stopSubscription = await watcher.subscribe(() => {});
    const stopWatching = await watchConversations({ redisUrl: server.url, ...TIMEOUTS }, () => {});
    await whileFrozen(server, async () => {
      // A command in flight when closing: close() must not wait for its reply forever.
      const pending = session.getItems().catch((error: unknown) => error);
      assert.equal((await settlesWithin(stopSubscription(), BOUND_MS, 'the stop function of subscribe')).ok, true);
      assert.equal((await settlesWithin(stopWatching(), BOUND_MS, "watchConversations' stop function")).ok, true);
      assert.equal((await settlesWithin(session.close(), BOUND_MS, 'session.close()')).ok, true);
      assert.equal((await settlesWithin(watcher.close(), BOUND_MS, 'session.close() with a subscription')).ok, true);
      assert.equal((await settlesWithin(closeSharedConnections(), BOUND_MS, 'closeSharedConnections()')).ok, true);
      await settlesWithin(pending, BOUND_MS, 'the command in flight');
    });
  });

  it('fails the calls on a client passed in, and leaves that client open', async () => {
    const client = createClient({ url: server.url });
    await client.connect();
    try {
      const session = open({ client, durability: undefined });
      await session.addItems([user('x')]);
      await whileFrozen(server, async () => {
        await assertConnectionError(session.getItems(), 'getItems on a client passed in');
        await assertConnectionError(session.addItems([user('y')]), 'addItems on a client passed in');
        await assertConnectionError(session.subscribe(() => {}), 'subscribe on a client passed in');
      });
      assert.equal(client.isOpen, true);
      assert.equal(await client.ping(), 'PONG');
      assert.ok((await session.getItems()).length >= 1);
      await settlesWithin(session.close(), BOUND_MS, 'close');
    } finally {
      client.destroy();
    }
  });
});
