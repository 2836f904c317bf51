/**
 * A node-redis client passed in the `client` option but never connected: the
 * first operation fails at once with a RedisSessionConfigError that says to
 * connect it first (not a connection error: no retry or wait fixes it), and
 * nothing is sent. Once connected, the same session works. Real redis-server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, createCluster } from 'redis';
import { RedisSession, RedisSessionConfigError, watchConversations } from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';

const HINT = /the client passed in the client option is not connected: call await client\.connect\(\) first/i;

describe('an unconnected client passed in', () => {
  let server: RedisServerHandle;
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('the first operation says to connect it first, writes nothing, and works once it is connected', async () => {
    const client = createClient({ url: server.url });
    const session = new RedisSession({ client, conversationId: 'unconnected' });
    try {
      for (const operation of [() => session.addItems([{ type: 'message', role: 'user', content: 'x' }]), () => session.getItems(), () => session.popItem(), () => session.clearSession()]) {
        await assert.rejects(operation(), (error: Error) => {
          assert.ok(error instanceof RedisSessionConfigError, `${error.name}: ${error.message}`);
          assert.match(error.message, HINT);
          return true;
        });
      }
      assert.equal(await server.command(['EXISTS', 'conv:unconnected']), 0);
      await client.connect();
      await session.addItems([{ type: 'message', role: 'user', content: 'now' }]);
      assert.equal((await session.getItems()).length, 1);
    } finally {
      await session.close();
      if (client.isOpen) await client.close();
    }
  });

  it('also for subscribe() and watchConversations()', async () => {
    const client = createClient({ url: server.url });
    const session = new RedisSession({ client, conversationId: 'unconnected-subscribe' });
    await assert.rejects(session.subscribe(() => {}), (error: Error) => error instanceof RedisSessionConfigError && HINT.test(error.message));
    await assert.rejects(watchConversations({ client }, () => {}), (error: Error) => error instanceof RedisSessionConfigError && HINT.test(error.message));
    await session.close();
  });

  it('an unconnected cluster client too', async () => {
    const cluster = createCluster({ rootNodes: [{ url: server.url }] });
    const session = new RedisSession({ client: cluster, conversationId: 'unconnected-cluster' });
    await assert.rejects(session.getItems(), (error: Error) => error instanceof RedisSessionConfigError && HINT.test(error.message));
    await session.close();
  });
});
