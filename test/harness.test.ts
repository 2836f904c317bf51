import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { createClient, createCluster } from 'redis';
import {
  freePorts,
  isPidAlive,
  parseInfo,
  requireBinary,
  respCommand,
  RespError,
  RedisStartError,
  startRedisCluster,
  startRedisServer,
  stopAllRedisServers,
  CLUSTER_BUS_PORT_OFFSET,
} from './harness/index.js';

after(() => stopAllRedisServers());

describe('harness: freePorts', () => {
  it('returns distinct ports whose cluster bus ports are valid and do not collide', async () => {
    const ports = await freePorts(6, { clusterBus: true });
    const all = [...ports, ...ports.map((p) => p + CLUSTER_BUS_PORT_OFFSET)];
    assert.equal(new Set(all).size, 12);
    for (const p of all) assert.ok(p > 1024 && p < 65536 && p !== 6379, `bad port ${p}`);
  });
});

describe('harness: requireBinary', () => {
  it('fails with a message containing the install hint', () => {
    assert.throws(
      () => requireBinary('definitely-not-a-binary', 'apt-get install -y hint-package'),
      (err: Error) =>
        err.message.includes('definitely-not-a-binary was not found on PATH') &&
        err.message.includes('apt-get install -y hint-package'),
    );
  });

  it('finds redis-server', () => {
    assert.match(requireBinary('redis-server', 'hint'), /redis-server$/);
  });
});

describe('harness: standalone redis-server', () => {
  it('starts, answers, and is gone after stop', async () => {
    const server = await startRedisServer();
    assert.equal(server.host, '127.0.0.1');
    assert.notEqual(server.port, 6379);
    assert.equal(server.url, `redis://127.0.0.1:${server.port}`);
    assert.ok(isPidAlive(server.pid));
    assert.equal(await server.command(['PING']), 'PONG');

    const client = createClient({ url: server.url });
    await client.connect();
    try {
      await client.set('k', 'v');
      assert.equal(await client.get('k'), 'v');
    } finally {
      client.destroy();
    }

    const { pid, dir } = server;
    await server.stop();
    assert.equal(server.running, false);
    assert.equal(isPidAlive(pid), false);
    assert.equal(existsSync(dir), false, 'harness-created dir is removed');
    await server.stop(); // idempotent
  });

  it('supports a password in url and probes', async () => {
    const server = await startRedisServer({ password: 'p@ss word' });
    try {
      assert.equal(server.url, `redis://:p%40ss%20word@127.0.0.1:${server.port}`);
      await assert.rejects(
        respCommand(server.port, ['PING']),
        (err: Error) => err instanceof RespError && /NOAUTH/.test(err.message),
      );
      const client = createClient({ url: server.url });
      await client.connect();
      try {
        assert.equal(await client.ping(), 'PONG');
      } finally {
        client.destroy();
      }
    } finally {
      await server.stop();
    }
  });

  it('kill9 + restart keeps the port and the dir (AOF data survives)', async () => {
    const server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    try {
      await server.command(['SET', 'survivor', '1']);
      const firstPid = server.pid;
      await server.kill9();
      assert.equal(isPidAlive(firstPid), false);
      assert.equal(server.running, false);
      await server.restart();
      assert.notEqual(server.pid, firstPid);
      assert.equal(await server.command(['GET', 'survivor']), '1');
    } finally {
      await server.stop();
    }
  });

  it('fails clearly, with the log tail, when the server cannot start', async () => {
    await assert.rejects(
      startRedisServer({ args: ['--no-such-directive', 'x'], startTimeoutMs: 60_000 }),
      (err: Error) =>
        err instanceof RedisStartError && /exited early/.test(err.message) && /no-such-directive/.test(err.message),
    );
  });
});

describe('harness: redis cluster', () => {
  it('starts 3 masters + 3 replicas with cluster_state:ok, fails over, then stops', { timeout: 240_000 }, async (t) => {
    const t0 = Date.now();
    const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    const startupMs = Date.now() - t0;
    t.diagnostic(`cluster came up in ${startupMs} ms`);
    const pids = cluster.nodes.map((n) => n.pid);
    try {
      assert.equal(cluster.nodes.length, 6);
      assert.equal(cluster.rootNodes.length, 6);
      for (const node of cluster.nodes) {
        const info = parseInfo(String(await node.command(['CLUSTER', 'INFO'])));
        assert.equal(info.get('cluster_state'), 'ok');
        assert.equal(info.get('cluster_known_nodes'), '6');
      }
      assert.equal((await cluster.masters()).length, 3);
      assert.equal((await cluster.replicas()).length, 3);

      const client = createCluster({ rootNodes: cluster.rootNodes });
      await client.connect();
      try {
        for (let i = 0; i < 20; i++) await client.set(`key:${i}`, String(i));
        assert.equal(await client.get('key:7'), '7');
      } finally {
        client.destroy();
      }

      // A killed master is failed over; waitUntilHealthy sees through the transition.
      const [victim] = await cluster.masters();
      assert.ok(victim);
      await victim.kill9();
      const t1 = Date.now();
      await cluster.waitUntilHealthy(120_000);
      t.diagnostic(`failover completed in ${Date.now() - t1} ms`);
      const masters = await cluster.masters();
      assert.equal(masters.length, 3);
      assert.ok(!masters.includes(victim));
      assert.equal((await cluster.replicas()).length, 2);
    } finally {
      await cluster.stop();
    }
    for (const pid of pids) assert.equal(isPidAlive(pid), false, `pid ${pid} still alive`);
  });
});
