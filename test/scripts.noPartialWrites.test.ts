/**
 * Nothing is written when a write throws, on a
 * real redis-server: every writing script × every way it can fail. Redis does
 * not roll back a script's writes when a later command fails, so each script
 * must refuse before its first write (src/scripts/lua/lib/guards.lua).
 *
 * The matrix is generated from two tables: OPERATIONS (each writing call,
 * with the commands it runs from its first write on, with change events, a
 * TTL and maxItems all in play) and the failure causes (an ACL user lacking
 * each of those commands, a metadata key of another type, an items key of
 * another type, a version field HINCRBY cannot increment, read-only access to
 * the metadata key). Each case checks the typed error, that its message names
 * what is missing, and that nothing changed: DUMP and PTTL of both keys, and
 * no change event published.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createClient, RESP_TYPES } from 'redis';
import { closeSharedConnections, RedisSession, RedisSessionCommandError } from 'agents-redis-session';
import type { RedisCommandTarget } from '../src/connection/commandTarget.js';
import { LuaScript } from '../src/scripts/luaScript.js';
import { startRedisServer, waitUntil, type RedisServerHandle } from './harness/index.js';
import { functionCall, user } from './support/items.js';

type RawRedis = ReturnType<typeof createClient>;

/** Every case starts from this history (two calls with one callId, so a mutation also removes one)... */
const SEED = [user('a'), functionCall('c1'), functionCall('c1')];
/** ...with this version and operation id in its metadata hash, and this expiry on both keys. */
const SEED_META = { v: '5', 'op:seed': 'fingerprint' };
const SEED_PTTL_MS = 5_000_000;
/** The session's options: every command in play (events are on by default). */
const TTL = 600;
const MAX_ITEMS = 3;
const PASSWORD = 'matrix-pw';
const MAX_VERSION = '9223372036854775807';

/** The CLI's `expire` script, assembled as src/cli/scripts.ts does (the .lua files are bundled by tsup, not importable here). */
const lua = (file: string) => readFileSync(new URL(`../src/scripts/lua/${file}`, import.meta.url), 'utf8');
const expireScript = new LuaScript('expireConversation', 2, lua('expireConversation-2.lua'), lua('lib/guards.lua'));

interface CaseContext {
  /** A session for the case's conversation, connected as the case's user. */
  session(): RedisSession;
  /** A plain node-redis client connected as the case's user. */
  client(): Promise<RedisCommandTarget>;
  keys: readonly [string, string];
}

interface Operation {
  readonly name: string;
  /** Every command the call runs from its first write on (from SEED, with TTL, MAX_ITEMS and events). */
  readonly commands: readonly string[];
  /** Whether it increments the version field v (then a bad v must refuse it). */
  readonly bumpsVersion: boolean;
  /** The error class a refusal surfaces as. */
  readonly refusal: abstract new (...args: never[]) => Error;
  run(context: CaseContext): Promise<unknown>;
}

const EVENT = ['HINCRBY', 'TIME', 'SPUBLISH', 'PUBLISH'];
const OPERATIONS: readonly Operation[] = [
  {
    name: 'addItems (append, trims to maxItems)',
    commands: ['RPUSH', 'LTRIM', 'HSET', ...EVENT, 'EXPIRE'],
    bumpsVersion: true,
    refusal: RedisSessionCommandError,
    run: (c) => c.session().addItems([user('new')]),
  },
  {
    name: 'replaceHistoryWithCompaction (replace, trims to maxItems)',
    commands: ['DEL', 'RPUSH', 'LTRIM', 'HSET', ...EVENT, 'EXPIRE'],
    bumpsVersion: true,
    refusal: RedisSessionCommandError,
    run: (c) => c.session().replaceHistoryWithCompaction([user('1'), user('2'), user('3'), user('4')]),
  },
  {
    name: 'popItem',
    commands: ['RPOP', 'HSET', ...EVENT, 'EXPIRE'],
    bumpsVersion: true,
    refusal: RedisSessionCommandError,
    run: (c) => c.session().popItem(),
  },
  {
    name: 'clearSession',
    commands: ['DEL', 'TIME', 'SPUBLISH', 'PUBLISH'],
    bumpsVersion: false,
    refusal: RedisSessionCommandError,
    run: (c) => c.session().clearSession(),
  },
  {
    name: 'applyHistoryTransaction append_items',
    commands: ['RPUSH', 'LTRIM', 'HSET', ...EVENT, 'EXPIRE'],
    bumpsVersion: true,
    refusal: RedisSessionCommandError,
    run: (c) => c.session().applyHistoryTransaction({ operationId: 'op-new', transaction: { type: 'append_items', items: [user('x')] } }),
  },
  {
    name: 'applyHistoryTransaction replace_suffix',
    commands: ['LTRIM', 'RPUSH', 'HSET', ...EVENT, 'EXPIRE'],
    bumpsVersion: true,
    refusal: RedisSessionCommandError,
    run: (c) =>
      c.session().applyHistoryTransaction({
        operationId: 'op-new',
        transaction: { type: 'replace_suffix', expectedSuffix: [functionCall('c1')], replacement: [user('y'), user('z')] },
      }),
  },
  {
    name: 'applyHistoryMutations',
    commands: ['LSET', 'LREM', 'HSET', ...EVENT, 'EXPIRE'],
    bumpsVersion: true,
    refusal: RedisSessionCommandError,
    run: (c) =>
      c.session().applyHistoryMutations({
        mutations: [{ type: 'replace_function_call', callId: 'c1', replacement: { ...functionCall('c1'), arguments: '{"new":1}' } as never }],
      }),
  },
  {
    name: 'update (title and metadata)',
    commands: ['HSET', 'HDEL', ...EVENT, 'EXPIRE'],
    bumpsVersion: true,
    refusal: RedisSessionCommandError,
    run: (c) => c.session().update({ title: 'New title', metadata: { k: 1 } }),
  },
  {
    name: 'CLI expire (expireConversation script)',
    commands: ['EXPIRE'],
    bumpsVersion: false,
    refusal: Error,
    run: async (c) => {
      const result = await expireScript.run(await c.client(), c.keys, [String(TTL)]);
      if (result === -2) throw new Error('expireConversation returned -2 (a key of another type)');
      return result;
    },
  },
];

/** What the message of a refusal must contain, for the case's keys. */
type Mentions = (keys: readonly [string, string]) => string[];
type Expectation = { refused: true; mentions: Mentions } | { refused: false };

interface Cause {
  readonly name: string;
  /** The ACL user the call runs as; undefined for the default (admin) user. */
  readonly user?: string;
  /** Changes the seeded keys before the call. */
  prepare?(admin: RawRedis, keys: readonly [string, string]): Promise<unknown>;
  expect(operation: Operation): Expectation;
}

const refused = (mentions: Mentions): Expectation => ({ refused: true, mentions });

/** Replaces a key by a string (another program's), with the seed's expiry. */
const foreign = (index: 0 | 1) => async (admin: RawRedis, keys: readonly [string, string]) => {
  await admin.del(keys[index]);
  await admin.set(keys[index], 'written by another program', { PX: SEED_PTTL_MS });
};
const version = (value: string) => (admin: RawRedis, keys: readonly [string, string]) => admin.hSet(keys[1], 'v', value);

const aclUser = (command: string) => `lacks_${command.toLowerCase()}`;
const causesOf = (operation: Operation): Cause[] => [
  ...operation.commands.map(
    (command): Cause => ({ name: `an ACL user without ${command}`, user: aclUser(command), expect: () => refused(() => ['NOPERM', command]) }),
  ),
  {
    name: 'a metadata key of another type',
    prepare: foreign(1),
    // The CLI script answers -2 (the CLI names the key); the session's errors name it themselves.
    expect: (op) => refused((keys) => (op.refusal === Error ? ['-2'] : ['WRONGTYPE', keys[1]])),
  },
  {
    name: 'an items key of another type',
    prepare: foreign(0),
    expect: (op) => refused((keys) => (op.refusal === Error ? ['-2'] : ['WRONGTYPE', keys[0]])),
  },
  ...[['"abc"', 'abc'], ['2^63-1', MAX_VERSION], ['"1.5"', '1.5']].map(
    ([label, value]): Cause => ({
      name: `a version field v of ${label}`,
      prepare: version(value!),
      // clearSession is the repair (it deletes v); expire does not touch v.
      expect: (op) => (op.bumpsVersion ? refused((keys) => [keys[1], `HDEL ${keys[1]} v`]) : { refused: false }),
    }),
  ),
  {
    name: 'read-only access (%R~) to the metadata key',
    user: 'ro_meta',
    expect: () => refused((keys) => ['NOPERM', keys[1]]),
  },
];

describe('no partial writes: every writing script × every failure cause', () => {
  let server: RedisServerHandle;
  let admin: RawRedis;
  let subscriber: RawRedis;
  const events: string[] = [];
  const clients: Array<{ destroy(): void }> = [];
  const sessions: RedisSession[] = [];
  let counter = 0;

  before(async () => {
    server = await startRedisServer({ logName: 'scripts-no-partial-writes' });
    admin = createClient({ url: server.url });
    await admin.connect();
    subscriber = admin.duplicate();
    await subscriber.connect();
    await subscriber.subscribe('conv:__events__', (message) => void events.push(message));
    const commands = new Set(OPERATIONS.flatMap((operation) => operation.commands));
    for (const command of commands) {
      await admin.sendCommand(['ACL', 'SETUSER', aclUser(command), 'on', `>${PASSWORD}`, '~*', '&*', '+@all', `-${command.toLowerCase()}`]);
    }
    await admin.sendCommand(['ACL', 'SETUSER', 'ro_meta', 'on', `>${PASSWORD}`, '~conv:*', '%R~{conv:*}:meta', '&*', '+@all']);
  });

  after(async () => {
    await Promise.all(sessions.map((session) => session.close()));
    await closeSharedConnections();
    for (const client of clients) client.destroy();
    subscriber?.destroy();
    admin?.destroy();
    await server?.stop();
  });

  /** DUMP and PTTL of both keys. */
  async function snapshot(keys: readonly [string, string]) {
    const binary = admin.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    return Promise.all(
      keys.map(async (key) => ({ key, dump: (await binary.dump(key))?.toString('base64') ?? null, pttl: await admin.pTTL(key) })),
    );
  }

  /** Waits until a marker published now arrives: every event published before it has arrived too. */
  async function eventsSettled(): Promise<void> {
    const marker = `marker-${++counter}`;
    await admin.publish('conv:__events__', marker);
    await waitUntil(() => events.includes(marker), { timeoutMs: 30_000, description: 'the marker event' });
  }

  for (const operation of OPERATIONS) {
    for (const cause of causesOf(operation)) {
      const expectation = cause.expect(operation);
      it(`${operation.name} × ${cause.name}: ${expectation.refused ? 'refused, nothing changed' : 'succeeds'}`, async () => {
        const conversationId = `matrix-${++counter}`;
        const keys = [`conv:${conversationId}`, `{conv:${conversationId}}:meta`] as const;
        await admin.rPush(keys[0], SEED.map((item) => JSON.stringify(item)));
        await admin.hSet(keys[1], SEED_META);
        for (const key of keys) await admin.pExpire(key, SEED_PTTL_MS);
        await cause.prepare?.(admin, keys);
        const url = cause.user ? `redis://${cause.user}:${PASSWORD}@127.0.0.1:${server.port}` : server.url;
        const context: CaseContext = {
          keys,
          session: () => {
            const session = new RedisSession({ conversationId, redisUrl: url, ttl: TTL, maxItems: MAX_ITEMS, commandTimeoutMs: 30_000 });
            sessions.push(session);
            return session;
          },
          client: async () => {
            const client = createClient({ url });
            clients.push(client);
            await client.connect();
            return client as unknown as RedisCommandTarget;
          },
        };
        await eventsSettled();
        const eventsBefore = events.length;
        const before = await snapshot(keys);

        const outcome = await operation.run(context).then(
          () => 'resolved' as const,
          (error: unknown) => error,
        );

        await eventsSettled();
        const published = events.slice(eventsBefore).filter((event) => event.includes(`"conversationId":"${conversationId}"`));
        if (!expectation.refused) {
          assert.equal(outcome, 'resolved', `expected success, got ${String(outcome)}`);
          return;
        }
        const now = await snapshot(keys);
        for (const [index, was] of before.entries()) {
          const is = now[index]!;
          assert.equal(is.dump, was.dump, `${was.key} is unchanged`);
          // The expiry only ran down (by the time the case took), and was not reset to the session's TTL.
          assert.ok(is.pttl <= was.pttl && is.pttl > was.pttl - 120_000, `${was.key}: PTTL ${was.pttl} → ${is.pttl}`);
        }
        assert.deepEqual(published, [], 'no change event was published');
        assert.ok(outcome instanceof operation.refusal, `expected a ${operation.refusal.name}, got ${String(outcome)}`);
        for (const text of expectation.mentions(keys)) {
          assert.ok(outcome.message.includes(text), `the message names ${text}: ${outcome.message}`);
        }
      });
    }
  }

  it('clearSession with a bad version field v deletes the conversation and publishes version 1', async () => {
    const conversationId = `matrix-${++counter}`;
    const session = new RedisSession({ conversationId, redisUrl: server.url });
    sessions.push(session);
    await session.addItems([user('a')]);
    await admin.hSet(session.keys.meta, 'v', MAX_VERSION);
    await eventsSettled();
    const eventsBefore = events.length;
    await session.clearSession();
    await eventsSettled();
    assert.equal(await admin.exists([...session.keys.all]), 0);
    const published = events.slice(eventsBefore).filter((event) => event.includes(`"conversationId":"${conversationId}"`));
    assert.equal(published.length, 1);
    assert.equal(JSON.parse(published[0]!).version, 1);
  });
});
