/**
 * Behaviour tests of RedisSession's options and Redis URL handling, against
 * throwaway redis-server processes from the harness (never the shared 6379).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import util from 'node:util';
import { AgentsError } from '@openai/agents';
import { createClient } from 'redis';
import {
  closeSharedConnections,
  DEFAULT_REDIS_URL,
  RedisSession,
  RedisSessionConfigError,
  RedisSessionConnectionError,
  RedisSessionError,
  type RedisSessionOptions,
} from 'agents-redis-session';
import { freePort, startRedisServer, stopAllRedisServers, type RedisServerHandle } from './harness/index.js';
import { serverConnections, waitForServerConnections } from './support/serverConnections.js';
import { userMessage } from './support/items.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Asserts that `options` are refused with a RedisSessionConfigError whose message matches `message`. */
function assertConfigError(options: unknown, message: RegExp): RedisSessionConfigError {
  let caught: unknown;
  try {
    new RedisSession(options as RedisSessionOptions);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof RedisSessionConfigError, `expected a RedisSessionConfigError for ${util.inspect(options)}, got ${String(caught)}`);
  assert.ok(caught instanceof RedisSessionError && caught instanceof AgentsError);
  assert.equal(caught.code, 'ERR_REDIS_SESSION_CONFIG');
  assert.match(caught.message, message);
  return caught;
}

/**
 * Asserts that none of the ways an error is usually printed or shipped
 * (message, String(), stack, JSON, util.inspect with its cause chain) contains any of `secrets`.
 */
function assertNoSecret(error: unknown, secrets: string[]): void {
  const renderings = {
    message: (error as Error).message,
    string: String(error),
    stack: String((error as Error).stack),
    json: JSON.stringify(error),
    inspect: util.inspect(error, { depth: 10 }),
  };
  for (const [how, text] of Object.entries(renderings)) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${how} of the error contains a secret: ${text}`);
    }
  }
}

/** Runs `operation` and returns what it rejected with (fails if it resolves). */
async function rejection(operation: () => Promise<unknown>): Promise<unknown> {
  try {
    await operation();
  } catch (error) {
    return error;
  }
  assert.fail('expected the operation to reject');
}

/** Runs `fn` with `process.env.REDIS_URL` set to `value` (or unset), then restores it. */
async function withRedisUrlEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.REDIS_URL;
  if (value === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
  }
}

let server: RedisServerHandle;

before(async () => {
  server = await startRedisServer({ logName: 'session-config' });
});

after(async () => {
  await closeSharedConnections();
  await stopAllRedisServers();
});

/** A raw node-redis client on `db` of the file's server; the caller destroys it. */
async function rawClient(db = 0) {
  const client = createClient({ url: `${server.url}/${db}` });
  client.on('error', () => {});
  await client.connect();
  return client;
}

describe('RedisSession options: conversation id', () => {
  it('getSessionId returns conversationId', async () => {
    const session = new RedisSession({ conversationId: 'user-123', redisUrl: server.url });
    assert.equal(await session.getSessionId(), 'user-123');
    assert.equal(session.conversationId, 'user-123');
    await session.close();
  });

  it('sessionId is an alias of conversationId (alone, or equal to it)', async () => {
    const alias = new RedisSession({ sessionId: 'alias-1', redisUrl: server.url });
    assert.equal(await alias.getSessionId(), 'alias-1');
    const both = new RedisSession({ sessionId: 'same', conversationId: 'same', redisUrl: server.url });
    assert.equal(await both.getSessionId(), 'same');
    await alias.close();
    await both.close();
  });

  it('different conversationId and sessionId are refused', () => {
    assertConfigError({ conversationId: 'a', sessionId: 'b', redisUrl: server.url }, /aliases.*not two different values/);
  });

  it('an omitted id is a fresh random UUID', async () => {
    const first = new RedisSession({ redisUrl: server.url });
    const second = new RedisSession({ redisUrl: server.url });
    const id = await first.getSessionId();
    assert.match(id, UUID);
    assert.notEqual(id, await second.getSessionId());
    assert.equal(first.keys.items, `conv:${id}`);
    await first.close();
    await second.close();
  });

  it('invalid conversation ids are refused with a message saying what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      ['', /conversationId must be a non-empty string; got an empty string/],
      [123, /conversationId must be a non-empty string; got the number 123/],
      [{}, /conversationId must be a non-empty string; got an object/],
      [['a'], /conversationId must be a non-empty string; got an array/],
      [true, /conversationId must be a non-empty string; got a boolean/],
      ['x'.repeat(1025), /1025 characters long; the maximum is 1024/],
      ['a{b', /must not contain "\{" or "\}"/],
      ['a}b', /must not contain "\{" or "\}"/],
      ['{tag}', /Redis Cluster hash slot/],
      ['line\nbreak', /must not contain control characters/],
      ['tab\there', /must not contain control characters/],
      ['nul\u0000', /must not contain control characters/],
      ['del\u007f', /must not contain control characters/],
    ];
    for (const [conversationId, message] of cases) {
      assertConfigError({ conversationId, redisUrl: server.url }, message);
      assertConfigError({ sessionId: conversationId, redisUrl: server.url }, message);
    }
  });

  it('accepts an id of exactly 1024 characters, and unicode, spaces and colons', async () => {
    for (const id of ['x'.repeat(1024), 'ünïcødé-会話-😀', 'with space', 'a:b:c']) {
      const session = new RedisSession({ conversationId: id, redisUrl: server.url });
      assert.equal(await session.getSessionId(), id);
      await session.close();
    }
  });
});

describe('RedisSession options: key prefix, client, limit, timeouts', () => {
  it('invalid key prefixes are refused with a clear message', () => {
    const cases: [unknown, RegExp][] = [
      [42, /keyPrefix must be a string such as "conv:"; got the number 42/],
      [['conv:'], /keyPrefix must be a string such as "conv:"; got an array/],
      ['p'.repeat(257), /keyPrefix is 257 characters long; the maximum is 256/],
      ['tenant{a}:', /keyPrefix must not contain "\{" or "\}"/],
      ['conv\n', /keyPrefix must not contain control characters/],
    ];
    for (const [keyPrefix, message] of cases) {
      assertConfigError({ conversationId: 'c', keyPrefix, redisUrl: server.url }, message);
    }
  });

  it('null is refused for the id, its alias and the prefix, rather than meaning "use the default"', () => {
    // A missing user id passed as null must not silently start a new random conversation.
    assertConfigError({ conversationId: null, redisUrl: server.url }, /conversationId must be a non-empty string; got null/);
    assertConfigError({ sessionId: null, redisUrl: server.url }, /conversationId must be a non-empty string; got null/);
    assertConfigError({ conversationId: 'c', keyPrefix: null, redisUrl: server.url }, /keyPrefix must be a string such as "conv:"; got null/);
  });

  it('an empty prefix stores the items at exactly the conversation id', async () => {
    const session = new RedisSession({ conversationId: 'bare-id', keyPrefix: '', redisUrl: server.url });
    assert.equal(session.keys.items, 'bare-id');
    await session.close();
  });

  it('client and redisUrl together are refused, and so is a client that is not node-redis', () => {
    const client = createClient({ url: server.url }); // never connected
    assertConfigError({ client, redisUrl: server.url }, /either client or redisUrl, not both/);
    assertConfigError({ client: {} }, /client must be a node-redis client, pool or cluster client/);
  });

  it('a limit that is not a whole number is refused', () => {
    for (const limit of [1.5, '10', Number.NaN, Number.POSITIVE_INFINITY, null]) {
      assertConfigError({ conversationId: 'c', limit, redisUrl: server.url }, /limit must be a whole number of items/);
    }
    const session = new RedisSession({ conversationId: 'c', limit: 20, redisUrl: server.url });
    assert.equal(session.limit, 20);
  });

  it('invalid timeouts are refused', () => {
    for (const value of [0, -1, 1.5, '300', 10 * 60 * 1000 + 1]) {
      assertConfigError({ conversationId: 'c', connectTimeoutMs: value, redisUrl: server.url }, /connectTimeoutMs must be a whole number of milliseconds/);
      assertConfigError({ conversationId: 'c', commandTimeoutMs: value, redisUrl: server.url }, /commandTimeoutMs must be a whole number of milliseconds/);
    }
  });

  it('options that are not an object are refused', () => {
    assertConfigError(null, /options must be an object/);
    assertConfigError('user-123', /options must be an object/);
  });
});

describe('RedisSession options: redisUrl', () => {
  it('defaults to redis://localhost:6379/0, and constructing a session does not connect', async () => {
    assert.equal(DEFAULT_REDIS_URL, 'redis://localhost:6379/0');
    await withRedisUrlEnv(undefined, async () => {
      const session = new RedisSession({ conversationId: 'never-used' });
      await session.close();
    });
    // The same seen from a server: a session constructed on it (its URL from REDIS_URL) opens no connection.
    await waitForServerConnections(server, { commands: 0, pubsub: 0 }, 'connections of earlier tests to close');
    await withRedisUrlEnv(server.url, async () => {
      const session = new RedisSession({ conversationId: 'never-used' });
      assert.deepEqual((await serverConnections(server)).clients, [], 'constructing a session opens nothing');
      await session.close();
    });
  });

  it('defaults to process.env.REDIS_URL when set', async () => {
    await withRedisUrlEnv(`${server.url}/2`, async () => {
      const session = new RedisSession({ conversationId: 'from-env' });
      await session.addItems([userMessage('hello')]);
      await session.close();
    });
    const db2 = await rawClient(2);
    const db0 = await rawClient(0);
    try {
      assert.equal(await db2.lLen('conv:from-env'), 1);
      assert.equal(await db0.exists('conv:from-env'), 0);
    } finally {
      db2.destroy();
      db0.destroy();
    }
  });

  it('an explicit redisUrl wins over REDIS_URL', async () => {
    const nothingThere = `redis://127.0.0.1:${await freePort()}/0`;
    await withRedisUrlEnv(nothingThere, async () => {
      const session = new RedisSession({ conversationId: 'explicit-wins', redisUrl: server.url });
      await session.addItems([userMessage('hello')]);
      assert.equal((await session.getItems()).length, 1);
      await session.close();
    });
  });

  it('the database number in the path selects the database', async () => {
    const session = new RedisSession({ conversationId: 'db-three', redisUrl: `${server.url}/3` });
    await session.addItems([userMessage('one'), userMessage('two')]);
    await session.close();
    const db3 = await rawClient(3);
    const db0 = await rawClient(0);
    try {
      assert.deepEqual((await db3.lRange('conv:db-three', 0, -1)).map((entry) => JSON.parse(entry).content), ['one', 'two']);
      assert.equal(await db0.exists('conv:db-three'), 0);
    } finally {
      db3.destroy();
      db0.destroy();
    }
  });

  it('?max_connections=4 makes a pool that works and opens at most 4 connections', async () => {
    const pooled = await startRedisServer({ logName: 'session-config-pool' });
    const inspector = createClient({ url: pooled.url });
    inspector.on('error', () => {});
    await inspector.connect();
    try {
      const ownId = await inspector.clientId();
      const url = `${pooled.url}/0?max_connections=4`;
      const sessions = Array.from({ length: 100 }, (_, i) => new RedisSession({ conversationId: `pooled-${i}`, redisUrl: url }));
      await Promise.all(sessions.map((session, i) => session.addItems([userMessage(`item ${i}`)])));
      const read = await Promise.all(sessions.map((session) => session.getItems()));
      read.forEach((items, i) => assert.deepEqual(items, [userMessage(`item ${i}`)]));
      const clients = String(await inspector.sendCommand(['CLIENT', 'LIST']))
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith(`id=${ownId} `));
      assert.ok(clients.length >= 1 && clients.length <= 4, `expected 1..4 pool connections, got ${clients.length}`);
      await Promise.all(sessions.map((session) => session.close()));
    } finally {
      inspector.destroy();
      await pooled.stop();
    }
  });

  it('unknown query options and bad max_connections are config errors', () => {
    const base = `redis://127.0.0.1:${server.port}/0`;
    assertConfigError({ redisUrl: `${base}?foo=1` }, /unknown query option "foo"; supported: max_connections/);
    assertConfigError({ redisUrl: `${base}?max_connections=4&timeout=5` }, /unknown query option "timeout"/);
    for (const size of ['0', '-1', 'four', '1.5', '1001']) {
      assertConfigError({ redisUrl: `${base}?max_connections=${size}` }, /max_connections must be a whole number from 1 to 1000/);
    }
  });

  it('bad schemes, hosts, ports and databases are config errors', () => {
    const port = server.port;
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${port}/0`, /scheme must be redis:\/\/ or rediss:\/\/ \(TLS\), not http:\/\//],
      [`localhost:${port}`, /scheme must be redis:\/\/ or rediss:\/\/ \(TLS\), not localhost:\/\//],
      ['redis://:1234/0', /not a valid URL|no host name/],
      ['redis://127.0.0.1:0/0', /port must be between 1 and 65535/],
      ['redis://127.0.0.1:70000/0', /not a valid URL/],
      ['redis://127.0.0.1:port/0', /not a valid URL/],
      [`redis://127.0.0.1:${port}/abc`, /path must be a database number such as \/0, not \/abc/],
      [`redis://127.0.0.1:${port}/-1`, /path must be a database number/],
      [`redis://127.0.0.1:${port}/0/1`, /path must be a database number/],
      ['not a url', /not a valid URL/],
      ['', /redisUrl must be a non-empty string/],
      ['   ', /redisUrl must be a non-empty string/],
    ];
    for (const [redisUrl, message] of cases) assertConfigError({ redisUrl }, message);
    assertConfigError({ redisUrl: 42 }, /redisUrl must be a non-empty string/);
  });

  it('an invalid REDIS_URL is a config error at construction', async () => {
    await withRedisUrlEnv('ftp://example.invalid/0', async () => {
      assertConfigError({ conversationId: 'env-bad' }, /scheme must be redis:\/\//);
    });
  });
});

describe('RedisSession options: authentication and secrets', () => {
  const password = 'Pw-7f3aQz-secret';
  const userPassword = 'Alice-9kLm-secret';
  let secured: RedisServerHandle;

  before(async () => {
    secured = await startRedisServer({ password, logName: 'session-config-auth' });
    assert.equal(await secured.command(['ACL', 'SETUSER', 'alice', 'on', `>${userPassword}`, '~*', '&*', '+@all']), 'OK');
  });

  after(async () => {
    await closeSharedConnections();
    await secured.stop();
  });

  it('works with a password-only URL and with a user and password URL', async () => {
    const byPassword = new RedisSession({ conversationId: 'auth', redisUrl: `redis://:${password}@127.0.0.1:${secured.port}/0` });
    await byPassword.addItems([userMessage('from default user')]);
    const byUser = new RedisSession({ conversationId: 'auth', redisUrl: `redis://alice:${userPassword}@127.0.0.1:${secured.port}/0` });
    await byUser.addItems([userMessage('from alice')]);
    assert.deepEqual((await byPassword.getItems()).map((item) => (item as { content: string }).content), ['from default user', 'from alice']);
    assert.equal(await secured.command(['LLEN', 'conv:auth']), 2);
    await byPassword.close();
    await byUser.close();
  });

  it('config errors for URLs with a password never show the password', () => {
    const secret = 'Hidden-Pw-41x';
    const urls = [
      `redis://:${secret}@127.0.0.1:70000/0`, // unparseable (port out of range)
      `redis://:${secret}@[::1/0`, // unparseable (bad IPv6 host)
      `redis://u:${secret}@127.0.0.1:port/0`, // unparseable (port not a number)
      `http://:${secret}@127.0.0.1:${secured.port}/0`,
      `redis://alice:${secret}@127.0.0.1:${secured.port}/notadb`,
      `redis://:${secret}@127.0.0.1:${secured.port}/0?bogus=1`,
      `redis://${secret}@127.0.0.1:${secured.port}/x`, // a password written without its colon
      secret, // not a URL at all
    ];
    for (const redisUrl of urls) {
      const error = assertConfigError({ redisUrl }, /./);
      assertNoSecret(error, [secret]);
    }
  });

  it('a wrong password is a typed connection error without the password', async () => {
    const wrong = 'Wrong-Pw-88q';
    const cases = [`redis://:${wrong}@127.0.0.1:${secured.port}/0`, `redis://alice:${wrong}@127.0.0.1:${secured.port}/0`];
    for (const redisUrl of cases) {
      const session = new RedisSession({ conversationId: 'auth', redisUrl, connectTimeoutMs: 300, commandTimeoutMs: 300 });
      const error = await rejection(() => session.getItems());
      assert.ok(error instanceof RedisSessionConnectionError, `got ${String(error)}`);
      assert.equal(error.operation, 'getItems');
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${secured.port}`));
      assert.match(error.target, /:\*\*\*@/);
      assertNoSecret(error, [wrong, password, userPassword]);
      await session.close();
    }
  });

  it('a refused password ends the connection attempt at once instead of retrying until connectTimeoutMs', async () => {
    const wrong = 'Wrong-Pw-fast-1';
    // A connect timeout far longer than the guard below: only giving up at the first WRONGPASS passes.
    const session = new RedisSession({ conversationId: 'auth', redisUrl: `redis://:${wrong}@127.0.0.1:${secured.port}`, connectTimeoutMs: 120_000 });
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('still retrying a refused password')), 30_000);
    });
    const error = await Promise.race([rejection(() => session.getItems()), guard]).finally(() => clearTimeout(timer));
    assert.ok(error instanceof RedisSessionConnectionError, `got ${String(error)}`);
    assert.match(error.message, /WRONGPASS/);
    assertNoSecret(error, [wrong, password]);
    await session.close();
  });

  it('a connection error for a URL with a password never shows the password', async () => {
    const secret = 'Nobody-Listens-Pw-5';
    const port = await freePort();
    const session = new RedisSession({
      conversationId: 'auth',
      redisUrl: `redis://alice:${secret}@127.0.0.1:${port}/0`,
      connectTimeoutMs: 300,
      commandTimeoutMs: 300,
    });
    const error = await rejection(() => session.addItems([userMessage('x')]));
    assert.ok(error instanceof RedisSessionConnectionError);
    assert.equal(error.target, `redis://alice:***@127.0.0.1:${port}/0`);
    assertNoSecret(error, [secret]);
    await session.close();
  });
});
