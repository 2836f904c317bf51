import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession, type RedisSessionOptions } from 'agents-redis-session';
import { startRedisServer, waitUntil, type RedisServerHandle } from './harness/index.js';

const SESSIONS = 200;

let server: RedisServerHandle;

/** Client connections the server has open, not counting the one that asks. */
async function serverConnections(): Promise<number> {
  const list = String(await server.command(['CLIENT', 'LIST']));
  return list.split('\n').filter((line) => line.trim() !== '').length - 1;
}

/** Opens `SESSIONS` sessions with `options`, subscribes each, and returns how many connections that took; then cleans up. */
async function connectionsFor200Subscriptions(options: (index: number) => RedisSessionOptions): Promise<number> {
  const sessions = Array.from({ length: SESSIONS }, (_, index) => new RedisSession({ conversationId: `shared-sub-${index}`, ...options(index) }));
  try {
    const stops = await Promise.all(sessions.map((session) => session.subscribe(() => {})));
    const connections = await serverConnections();
    await Promise.all(stops.map((stop) => stop()));
    return connections;
  } finally {
    await Promise.all(sessions.map((session) => session.close()));
  }
}

before(async () => {
  server = await startRedisServer({ logName: 'shared-subscriber' });
});

after(async () => {
  await closeSharedConnections();
  await server?.stop();
});

describe('one subscriber connection per underlying client', () => {
  for (const durability of [undefined, { replicas: 1, timeoutMs: 50 }]) {
    const label = durability ? ' with durability' : '';
    it(`${SESSIONS} subscribed sessions on one client passed in${label} share one subscriber connection`, async () => {
      const client = createClient({ url: server.url });
      await client.connect();
      try {
        const connections = await connectionsFor200Subscriptions(() => ({ client, durability, changeEvents: true }));
        // The client's own connection, plus one subscriber (at most one more is allowed).
        assert.ok(connections <= 3, `expected at most 3 connections, got ${connections}`);
        await waitUntil(async () => (await serverConnections()) === 1, { timeoutMs: 10_000, description: 'the subscriber closes' });
      } finally {
        client.destroy();
      }
    });

    it(`${SESSIONS} subscribed sessions on one URL${label} share one subscriber connection`, async () => {
      const connections = await connectionsFor200Subscriptions(() => ({ redisUrl: server.url, durability, changeEvents: true }));
      assert.ok(connections <= 2, `expected at most 2 connections, got ${connections}`);
    });
  }

  it('delivers events to every session sharing the subscriber of a client passed in', async () => {
    const client = createClient({ url: server.url });
    await client.connect();
    try {
      const sessions = Array.from({ length: 3 }, (_, index) => new RedisSession({ client, conversationId: `deliver-${index}` }));
      const seen = new Set<string>();
      const stops = await Promise.all(sessions.map((session) => session.subscribe((event) => void seen.add(event.conversationId))));
      await Promise.all(sessions.map((session) => session.addItems([{ role: 'user', content: 'hi' }])));
      await waitUntil(() => seen.size === 3, { timeoutMs: 10_000, description: 'every session gets its event' });
      await Promise.all(stops.map((stop) => stop()));
      await Promise.all(sessions.map((session) => session.close()));
    } finally {
      client.destroy();
    }
  });
});
