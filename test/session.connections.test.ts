/**
 * Behaviour tests of RedisSession's connections: sharing, closing, and
 * failures (nothing listening, server killed and restarted, WRONGTYPE),
 * against throwaway redis-server processes from the harness (never the shared 6379).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, type RedisClientType } from 'redis';
import {
  closeSharedConnections,
  RedisSession,
  RedisSessionCommandError,
  RedisSessionConnectionError,
  RedisSessionError,
} from 'agents-redis-session';
import { freePort, sleep, startRedisServer, stopAllRedisServers, waitUntil, type RedisServerHandle } from './harness/index.js';
import { serverConnections, waitForServerConnections } from './support/serverConnections.js';
import { userMessage } from './support/items.js';

const SESSION_COUNT = 10_000;
const BATCH_SIZE = 500;
/** Short timeouts for the failure tests; GUARD_MS only stops a hang from blocking the suite. */
const FAST = { connectTimeoutMs: 300, commandTimeoutMs: 300 } as const;
const GUARD_MS = 30_000;
/** For a session that must fail fast while its server is down and SUCCEED before and after: a short connect, a generous command deadline. */
const RECOVERING = { connectTimeoutMs: 1000, commandTimeoutMs: 10_000 } as const;

/** Resolves with the outcome of `promise`, failing the test if it has not settled within `ms`. */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the operation did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.allSettled([promise]).then(([outcome]) => outcome!), guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts that `promise` rejects (within the guard) and returns the reason. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await settleWithin(promise, GUARD_MS);
  assert.equal(outcome.status, 'rejected', 'expected the operation to fail');
  return (outcome as PromiseRejectedResult).reason;
}

/** A connected raw client for inspecting `server`; the caller destroys it. */
async function inspectorFor(server: RedisServerHandle): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url: server.url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** The number of clients connected to the inspector's server, other than the inspector itself. */
async function otherClients(inspector: RedisClientType): Promise<number> {
  const ownId = await inspector.clientId();
  const lines = String(await inspector.sendCommand(['CLIENT', 'LIST'])).trim().split('\n');
  return lines.filter((line) => line.startsWith('id=') && !line.startsWith(`id=${ownId} `)).length;
}

/** Runs `fn` for every index below `count`, at most `batch` at a time. */
async function inBatches(count: number, batch: number, fn: (index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    await Promise.all(Array.from({ length: end - start }, (_, offset) => fn(start + offset)));
  }
}

let server: RedisServerHandle;
let raw: RedisClientType;

before(async () => {
  server = await startRedisServer({ logName: 'session-connections' });
  raw = await inspectorFor(server);
});

after(async () => {
  raw.destroy();
  await closeSharedConnections();
  await stopAllRedisServers();
});

describe('RedisSession connections: sharing and closing', () => {
  it(`${SESSION_COUNT} sessions on one URL share one connection, which closes with the last session`, async () => {
    const dedicated = await startRedisServer({ logName: 'session-connections-many' });
    const inspector = await inspectorFor(dedicated);
    try {
      const sessions = Array.from({ length: SESSION_COUNT }, (_, i) => new RedisSession({ conversationId: `many-${i}`, redisUrl: dedicated.url }));
      assert.equal((await serverConnections(inspector)).commands, 0, 'constructing sessions opens nothing');
      await inBatches(SESSION_COUNT, BATCH_SIZE, (i) =>
        i % 2 === 0 ? sessions[i]!.addItems([userMessage(`item ${i}`)]) : sessions[i]!.getItems(),
      );
      assert.equal(await otherClients(inspector), 1, 'one socket for all sessions');
      // Each written conversation: its items list and its metadata hash (holding the change-event version).
      assert.equal(await inspector.dbSize(), SESSION_COUNT);
      assert.equal(await inspector.lIndex('conv:many-42', 0), JSON.stringify(userMessage('item 42')));

      await inBatches(SESSION_COUNT, BATCH_SIZE, (i) => sessions[i]!.close());
      await waitUntil(async () => (await otherClients(inspector)) === 0, {
        timeoutMs: 60_000,
        description: 'the shared connection to disappear from CLIENT LIST',
      });
    } finally {
      inspector.destroy();
      await dedicated.stop();
    }
  });

  it('close() leaves a client passed in the client option open', async () => {
    const client = createClient({ url: server.url });
    client.on('error', () => {});
    await client.connect();
    try {
      const session = new RedisSession({ conversationId: 'borrowed', client });
      await session.addItems([userMessage('hello')]);
      const borrowed = await client.clientId();
      assert.equal((await serverConnections(raw, { except: [borrowed] })).commands, 0, 'a borrowed client is not a shared connection');
      await session.close();
      assert.equal(client.isOpen, true);
      assert.equal(await client.ping(), 'PONG');
      assert.equal(await client.lLen('conv:borrowed'), 1);
      const next = new RedisSession({ conversationId: 'borrowed', client });
      assert.deepEqual(await next.getItems(), [userMessage('hello')]);
      await next.close();
    } finally {
      client.destroy();
    }
  });

  it('every call after close() rejects with ERR_REDIS_SESSION_CLOSED', async () => {
    const client = createClient({ url: server.url });
    client.on('error', () => {});
    await client.connect();
    try {
      const fromUrl = new RedisSession({ conversationId: 'closed', redisUrl: server.url });
      const fromClient = new RedisSession({ conversationId: 'closed', client });
      for (const session of [fromUrl, fromClient]) {
        await session.addItems([userMessage('before close')]);
        await session.close();
        await session.close(); // idempotent
        const calls: [string, () => Promise<unknown>][] = [
          ['getItems', () => session.getItems()],
          ['addItems', () => session.addItems([userMessage('after close')])],
          ['popItem', () => session.popItem()],
          ['clearSession', () => session.clearSession()],
          ['applyHistoryTransaction', () =>
            session.applyHistoryTransaction({ operationId: 'op', transaction: { type: 'append_items', items: [userMessage('x')] } })],
          ['replaceHistoryWithCompaction', () => session.replaceHistoryWithCompaction([userMessage('x')])],
          ['applyHistoryMutations', () =>
            session.applyHistoryMutations({
              mutations: [{ type: 'replace_function_call', callId: 'c', replacement: { type: 'function_call', callId: 'c', name: 'f', arguments: '{}' } }],
            })],
          // Calls that have nothing to send must fail too, not resolve quietly.
          ['addItems', () => session.addItems([])],
          ['getItems', () => session.getItems(0)],
          ['applyHistoryMutations', () => session.applyHistoryMutations({ mutations: [] })],
        ];
        for (const [name, call] of calls) {
          const error = await rejectionOf(call());
          assert.ok(error instanceof RedisSessionError, `${name}: ${String(error)}`);
          assert.equal(error.code, 'ERR_REDIS_SESSION_CLOSED');
          assert.match(error.message, new RegExp(`RedisSession\\.${name} was called after close\\(\\)`));
        }
      }
      assert.equal(await client.lLen('conv:closed'), 2, 'nothing was written after close');
      await waitForServerConnections(raw, { commands: 0 }, 'the URL connection to close with its session', { except: [await client.clientId()] });
    } finally {
      client.destroy();
    }
  });

  it('closeSharedConnections closes URL connections, and live sessions reconnect on their next call', async () => {
    const session = new RedisSession({ conversationId: 'reconnects', redisUrl: server.url });
    await session.addItems([userMessage('one')]);
    assert.equal((await serverConnections(raw)).commands, 1);
    await closeSharedConnections();
    await waitForServerConnections(raw, { commands: 0 }, 'closeSharedConnections to close the URL connection');
    await session.addItems([userMessage('two')]);
    assert.equal((await session.getItems()).length, 2);
    assert.equal((await serverConnections(raw)).commands, 1, 'the session reconnected');
    await session.close();
    await waitForServerConnections(raw, { commands: 0 }, 'the connection to close with the session');
  });
});

describe('RedisSession connections: failures', () => {
  it('nothing listening: a connection error naming the operation and the target, within the timeouts', async () => {
    const port = await freePort();
    const session = new RedisSession({ conversationId: 'nowhere', redisUrl: `redis://127.0.0.1:${port}/0`, ...FAST });
    for (const [operation, call] of [
      ['getItems', () => session.getItems()],
      ['addItems', () => session.addItems([userMessage('x')])],
    ] as const) {
      const error = await rejectionOf(call());
      assert.ok(error instanceof RedisSessionConnectionError, String(error));
      assert.equal(error.code, 'ERR_REDIS_SESSION_CONNECTION');
      assert.equal(error.operation, operation);
      assert.equal(error.target, `redis://127.0.0.1:${port}/0`);
      assert.match(error.message, new RegExp(`RedisSession\\.${operation} failed: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0`));
    }
    await session.close();
    // Nothing is left trying to connect: a server started on that port now sees no connection arrive.
    const late = await startRedisServer({ port, logName: 'session-connections-late' });
    try {
      await sleep(3000); // longer than the longest reconnect delay (2 s)
      assert.equal((await serverConnections(late)).commands, 0, 'no connection left reconnecting');
    } finally {
      await late.stop();
    }
  });

  it('server killed mid-session: the next call fails with a connection error; after a restart the same session works', async () => {
    const victim = await startRedisServer({ logName: 'session-connections-victim' });
    const session = new RedisSession({ conversationId: 'survivor', redisUrl: victim.url, ttl: 600, ...RECOVERING });
    try {
      await session.addItems([userMessage('before crash')]);
      await victim.kill9();

      for (const [operation, call] of [
        ['getItems', () => session.getItems()],
        ['addItems', () => session.addItems([userMessage('during crash')])],
        ['popItem', () => session.popItem()],
      ] as const) {
        const error = await rejectionOf(call());
        assert.ok(error instanceof RedisSessionConnectionError, `${operation}: ${String(error)}`);
        assert.equal(error.operation, operation);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${victim.port}`));
      }

      await victim.restart(); // same port; no persistence, so the data is gone
      await waitUntil(
        async () => (await settleWithin(session.getItems(), GUARD_MS)).status === 'fulfilled',
        { timeoutMs: 30_000, intervalMs: 100, description: 'the session to work again after the restart' },
      );
      await session.addItems([userMessage('after restart')]);
      // The write that failed during the crash was not replayed after reconnecting.
      assert.deepEqual(await session.getItems(), [userMessage('after restart')]);
    } finally {
      await session.close();
      await victim.stop();
    }
  });

  it('WRONGTYPE: a key that is not a list gives a RedisSessionCommandError with a helpful message', async () => {
    await raw.set('conv:not-a-list', 'a string someone else wrote');
    for (const ttl of [null, 60]) {
      const session = new RedisSession({ conversationId: 'not-a-list', redisUrl: server.url, ttl });
      for (const [operation, call] of [
        ['getItems', () => session.getItems()],
        ['addItems', () => session.addItems([userMessage('x')])],
        ['popItem', () => session.popItem()],
        // Compaction deletes the old history first: it must refuse, not delete someone else's key.
        ['replaceHistoryWithCompaction', () => session.replaceHistoryWithCompaction([userMessage('x')])],
      ] as const) {
        const error = await rejectionOf(call());
        assert.ok(error instanceof RedisSessionCommandError, `${operation} (ttl ${ttl}): ${String(error)}`);
        assert.equal(error.code, 'ERR_REDIS_SESSION_COMMAND');
        assert.equal(error.operation, operation);
        assert.match(error.message, new RegExp(`^RedisSession\\.${operation} failed: Redis replied "WRONGTYPE`));
        assert.match(error.message, /holds a .*Use a different keyPrefix or conversationId/);
        // Every error names the key, except a plain LRANGE's (getItems without a TTL), which Redis words itself.
        if (!(operation === 'getItems' && ttl === null)) assert.match(error.message, /WRONGTYPE conv:not-a-list holds a /);
      }
      await session.close();
    }
    assert.equal(await raw.get('conv:not-a-list'), 'a string someone else wrote', 'the foreign key is untouched');
    assert.equal(await raw.ttl('conv:not-a-list'), -1, 'and was given no expiry');
  });
});
