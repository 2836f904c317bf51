/**
 * No password in `console.log(session)`, `util.inspect(session, { depth: Infinity, showHidden: true })`
 * or `JSON.stringify(session)`, before and after an operation, for every way a
 * session connects with a password: a URL, a pooled URL, a cluster URL and
 * sentinel options. Also the package's internal connection objects (endpoint,
 * shared connection, the node-redis client it owns). Real servers from the harness.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import util from 'node:util';
import { closeSharedConnections, RedisSession, type RedisSessionOptions } from 'agents-redis-session';
import { endpointFromUrl, sentinelEndpoint } from '../src/connection/endpoints.js';
import { sharedConnection } from '../src/connection/sharedConnections.js';
import {
  startRedisCluster,
  startRedisSentinel,
  startRedisServer,
  type RedisClusterHandle,
  type RedisSentinelHandle,
  type RedisServerHandle,
} from './harness/index.js';
import { userMessage } from './support/items.js';

/** Contains "/" and "@" (percent-encoded in URLs), as generated passwords do. */
const PASSWORD = 'Qz/9@Xk-Never-Printed';
const ENCODED = encodeURIComponent(PASSWORD);

/** Every way a session (or an internal object) is usually printed or shipped. */
function renderings(value: unknown): Record<string, string> {
  const logged: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void logged.push(util.format(...args));
  try {
    console.log(value);
  } finally {
    console.log = original;
  }
  return {
    'console.log': logged.join('\n'),
    inspect: util.inspect(value),
    'inspect depth Infinity showHidden': util.inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    'JSON.stringify': JSON.stringify(value) ?? '',
  };
}

function assertNoPassword(value: unknown, what: string): void {
  for (const [how, text] of Object.entries(renderings(value))) {
    for (const secret of [PASSWORD, ENCODED, 'Never-Printed']) {
      assert.ok(!text.includes(secret), `${how} of ${what} shows the password: ${text.slice(0, 2000)}`);
    }
  }
}

/** Inspects a session before and after operations, and after close. */
async function checkSession(options: RedisSessionOptions, what: string): Promise<void> {
  const session = new RedisSession({ conversationId: `inspect-${what.replace(/\W+/g, '-')}`, ttl: 600, ...options });
  try {
    assertNoPassword(session, `${what}, before any operation`);
    assert.match(util.inspect(session), /RedisSession \{/);
    assert.match(util.inspect(session), /\*\*\*/);
    await session.addItems([userMessage('hello')]);
    assert.equal((await session.getItems()).length >= 1, true);
    const unsubscribe = await session.subscribe(() => {});
    assertNoPassword(session, `${what}, after operations and with a subscription`);
    await unsubscribe();
    await session.clearSession();
  } finally {
    await session.close();
  }
  assertNoPassword(session, `${what}, after close`);
}

/** Adds a user `app` with PASSWORD to a running server (ACL users are per node). */
async function addAppUser(server: RedisServerHandle): Promise<void> {
  await server.command(['ACL', 'SETUSER', 'app', 'on', `>${PASSWORD}`, '~*', '&*', '+@all']);
}

describe('no password in what a session prints', () => {
  after(closeSharedConnections);

  describe('one server, with requirepass', () => {
    let server: RedisServerHandle;
    before(async () => {
      server = await startRedisServer({ password: PASSWORD });
    });
    after(async () => {
      await closeSharedConnections();
      await server?.stop();
    });

    it('a URL with the password', async () => {
      await checkSession({ redisUrl: `redis://:${ENCODED}@127.0.0.1:${server.port}/0` }, 'url');
    });

    it('a pooled URL (?max_connections=3)', async () => {
      await checkSession({ redisUrl: `redis://:${ENCODED}@127.0.0.1:${server.port}/0?max_connections=3` }, 'pool');
    });

    it('an unparseable URL with the password is refused without echo (and a session is never built)', () => {
      assert.throws(() => new RedisSession({ redisUrl: `redis://:${PASSWORD}@127.0.0.1:${server.port}/0` }), (error: Error) => {
        assertNoPassword(error, 'the error');
        assert.doesNotMatch(error.message, /Qz|Xk|9@/);
        return true;
      });
    });

    it('internal objects: the endpoint, the shared connection and the node-redis client it owns', async () => {
      const endpoint = endpointFromUrl(`redis://:${ENCODED}@127.0.0.1:${server.port}/0`);
      assertNoPassword(endpoint, 'the endpoint');
      assert.match(endpoint.key, /^[0-9a-f]{64}$/);
      const shared = sharedConnection(endpoint, { connectTimeoutMs: 20_000, commandTimeoutMs: 20_000 });
      shared.retain();
      try {
        const target = await shared.target();
        assertNoPassword(shared, 'the shared connection');
        assertNoPassword(target, 'the node-redis client');
        assertNoPassword(target.withCommandOptions({ timeout: 1000 }), 'a view of the node-redis client');
      } finally {
        await shared.release();
      }
    });
  });

  describe('Redis Cluster, user with a password', { timeout: 180_000 }, () => {
    let cluster: RedisClusterHandle;
    before(async () => {
      cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 0 });
      await Promise.all(cluster.nodes.map(addAppUser));
    });
    after(async () => {
      await closeSharedConnections();
      await cluster?.stop();
    });

    it('a redis+cluster:// URL with the password', async () => {
      const hosts = cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
      await checkSession({ redisUrl: `redis+cluster://app:${ENCODED}@${hosts}`, connectTimeoutMs: 20_000, commandTimeoutMs: 20_000 }, 'cluster');
    });

    it('internal objects of a cluster connection (node-redis cluster clients print their options)', async () => {
      const endpoint = endpointFromUrl(`redis+cluster://app:${ENCODED}@127.0.0.1:${cluster.nodes[0]!.port}`);
      const shared = sharedConnection(endpoint, { connectTimeoutMs: 20_000, commandTimeoutMs: 20_000 });
      shared.retain();
      try {
        const target = await shared.target();
        assertNoPassword(shared, 'the shared cluster connection');
        assertNoPassword(target, 'the node-redis cluster client');
      } finally {
        await shared.release();
      }
    });
  });

  describe('Sentinel, master user with a password', { timeout: 180_000 }, () => {
    let deployment: RedisSentinelHandle;
    before(async () => {
      deployment = await startRedisSentinel({ readyTimeoutMs: 60_000 });
      await addAppUser(deployment.master);
      await addAppUser(deployment.replica);
    });
    after(async () => {
      await closeSharedConnections();
      await deployment?.stop();
    });

    it('sentinel options with the password', async () => {
      await checkSession(
        {
          sentinel: { name: deployment.masterName, sentinelRootNodes: deployment.sentinelRootNodes, username: 'app', password: PASSWORD },
          connectTimeoutMs: 20_000,
          commandTimeoutMs: 20_000,
        },
        'sentinel',
      );
    });

    it('a redis+sentinel:// URL with the password', async () => {
      const hosts = deployment.sentinelRootNodes.map(({ host, port }) => `${host}:${port}`).join(',');
      await checkSession(
        { redisUrl: `redis+sentinel://app:${ENCODED}@${hosts}/${deployment.masterName}/0`, connectTimeoutMs: 20_000, commandTimeoutMs: 20_000 },
        'sentinel-url',
      );
    });

    it('the sentinel endpoint', () => {
      const endpoint = sentinelEndpoint({ name: 'mymaster', sentinelRootNodes: deployment.sentinelRootNodes, password: PASSWORD });
      assertNoPassword(endpoint, 'the sentinel endpoint');
      assert.match(endpoint.key, /^[0-9a-f]{64}$/);
    });
  });
});
