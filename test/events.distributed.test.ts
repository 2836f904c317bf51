import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { closeSharedConnections, RedisSession, type ChangeEvent, type GapInfo } from 'agents-redis-session';
import { startRedisServer, waitUntil, type RedisServerHandle } from './harness/index.js';
import { waitForServerConnections } from './support/serverConnections.js';
import { user } from './support/items.js';

let server: RedisServerHandle;
const sessions: RedisSession[] = [];

before(async () => {
  server = await startRedisServer({ logName: 'events-distributed' });
});

after(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await closeSharedConnections();
  await server.stop();
});

function session(conversationId: string): RedisSession {
  const created = new RedisSession({ redisUrl: server.url, conversationId });
  sessions.push(created);
  return created;
}

/** A subscription's events and gaps, with bounded waits. */
async function subscribed(target: RedisSession) {
  const events: ChangeEvent[] = [];
  const gaps: GapInfo[] = [];
  const unsubscribe = await target.subscribe((event) => events.push(event), { onGap: (gap) => gaps.push(gap) });
  return {
    events,
    gaps,
    unsubscribe,
    waitFor: (count: number) => waitUntil(() => events.length >= count, { timeoutMs: 30_000, description: `${count} event(s)` }),
  };
}

/** Waits until the server has a subscriber on the conversation's sharded channel again. */
async function resubscribed(target: RedisSession): Promise<void> {
  const channel = `{${target.keys.items}}:events`;
  await waitUntil(
    async () => {
      const reply = (await server.command(['PUBSUB', 'SHARDNUMSUB', channel]).catch(() => [])) as unknown[];
      return Number(reply[1] ?? 0) >= 1;
    },
    { timeoutMs: 60_000, intervalMs: 50, description: `a subscriber on ${channel}` },
  );
}

describe('subscriptions come back after a reconnect', () => {
  it('CLIENT KILL TYPE pubsub: the subscription is restored, and every version is delivered or reported as a gap', async () => {
    const conversation = session('killed-subscriber');
    const feed = await subscribed(conversation);
    await conversation.addItems([user('before')]);
    await feed.waitFor(1);

    await server.command(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await conversation.addItems([user('while reconnecting (probably missed)')]);
    await resubscribed(conversation);
    await conversation.addItems([user('after')]);
    await waitUntil(() => feed.events.some((event) => event.version === 3), { timeoutMs: 30_000, description: 'version 3' });
    await feed.unsubscribe();

    await waitForServerConnections(server, { pubsub: 0 }, 'the restored subscriber connection to close with the last subscription');
    const delivered = feed.events.map((event) => event.version);
    const reported = feed.gaps.flatMap(({ expected, received }) => Array.from({ length: received - expected }, (_, i) => expected + i));
    assert.deepEqual([...delivered, ...reported].sort((a, b) => a - b), [1, 2, 3], `delivered ${delivered}, gaps ${JSON.stringify(feed.gaps)}`);
  });

  it('kill -9 and restart of the server: the subscription is restored, and the lost history shows as a gap', async () => {
    const conversation = session('restarted-server');
    const feed = await subscribed(conversation);
    await conversation.addItems([user('one')]);
    await conversation.addItems([user('two')]);
    await feed.waitFor(2);

    await server.kill9();
    await server.restart(); // no persistence: the conversation is gone, its version starts again at 1
    await resubscribed(conversation);
    await waitUntil(
      async () => {
        try {
          await conversation.addItems([user('after restart')]);
          return true;
        } catch {
          return false; // the command connection is still reconnecting
        }
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'a write after the restart' },
    );
    await feed.waitFor(3);
    await feed.unsubscribe();

    assert.deepEqual(feed.events.map((event) => event.version), [1, 2, 1]);
    assert.deepEqual(feed.gaps, [{ expected: 3, received: 1 }]);
    assert.deepEqual(await conversation.getItems(), [user('after restart')]);
  });
});

const execFileAsync = promisify(execFile);

/** A child process that appends to a conversation with its own RedisSession, one item per call, then exits. */
const WRITER = `
import { RedisSession, closeSharedConnections } from 'agents-redis-session';
const [url, conversationId, count] = process.argv.slice(1);
const session = new RedisSession({ redisUrl: url, conversationId });
for (let i = 0; i < Number(count); i++) await session.addItems([{ role: 'user', content: 'from child ' + i }]);
await session.close();
await closeSharedConnections();
`;

describe('change events cross processes', () => {
  it('a child process writes; the parent’s subscription receives every change, in order, with no gap', async () => {
    const conversation = session('cross-process');
    const feed = await subscribed(conversation);
    await execFileAsync(process.execPath, ['--input-type=module', '-e', WRITER, server.url, conversation.conversationId, '5'], {
      cwd: new URL('..', import.meta.url),
      timeout: 120_000,
    });
    await feed.waitFor(5);
    await feed.unsubscribe();
    assert.deepEqual(feed.events.map((event) => [event.type, event.version, event.items]), [0, 1, 2, 3, 4].map((i) => ['add', i + 1, [user(`from child ${i}`)]]));
    assert.deepEqual(feed.gaps, []);
  });
});
