/**
 * Behaviour tests of RedisSession's sliding TTL, against throwaway
 * redis-server processes from the harness (never the shared 6379).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient } from 'redis';
import {
  MAX_TTL_SECONDS,
  RedisSession,
  RedisSessionConfigError,
  type RedisSessionOptions,
} from 'agents-redis-session';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCounters, sampleCommandOrigins } from '../tools/commandStats.js';
import { startRedisServer, waitUntil } from './harness/index.js';
import { useSessionFixture, type RawRedis } from './support/sessionFixture.js';
import { functionCall, userMessage } from './support/items.js';
import { assertTtlSince } from './support/ttl.js';

const TTL = 60;

const fixture = useSessionFixture();
const raw = (): RawRedis => fixture.redis;

/** A session on the file's server with a conversation id no other test uses. */
function newSession(options: Omit<RedisSessionOptions, 'redisUrl' | 'client'> = {}): RedisSession {
  return fixture.session({ conversationId: fixture.uniqueId('ttl'), ...options });
}

/** Creates the metadata hash (by recording a transaction) so that both keys exist. */
async function createMeta(session: RedisSession, operationId: string): Promise<void> {
  await session.applyHistoryTransaction({ operationId, transaction: { type: 'append_items', items: [userMessage(operationId)] } });
}

/** Asserts that both keys of `session` exist and expire within (`above`, TTL]. */
async function assertBothExpireWithin(session: RedisSession, above: number, what: string): Promise<void> {
  for (const key of session.keys.all) {
    const ttl = await raw().ttl(key);
    assert.ok(ttl > above && ttl <= TTL, `${what}: TTL ${key} is ${ttl}, expected (${above}, ${TTL}]`);
  }
}

/** Sets both keys of `session` to expire in half the TTL: an operation that slides the expiry puts it back above. */
async function halveExpiry(session: RedisSession, what: string): Promise<void> {
  for (const key of session.keys.all) assert.equal(await raw().expire(key, TTL / 2), 1, `${what}: ${key} should exist`);
}

/** Asserts that neither key's expiry moved since `halveExpiry` ran at `since` (a Date.now() taken just before it). */
async function assertNotSlid(session: RedisSession, since: number, what: string): Promise<void> {
  for (const key of session.keys.all) assertTtlSince(await raw().ttl(key), TTL / 2, since, `${what}: ${key} must not have slid`);
}

describe('RedisSession ttl', () => {
  it('ttl: 60 makes the items and metadata keys expire within (0, 60]', async () => {
    const session = newSession({ ttl: TTL });
    assert.equal(session.ttl, TTL);
    await session.addItems([userMessage('hello')]);
    const itemsTtl = await raw().ttl(session.keys.items);
    assert.ok(itemsTtl > 0 && itemsTtl <= TTL, `items TTL ${itemsTtl}`);
    await createMeta(session, 'op-1');
    assert.equal(await raw().exists(session.keys.meta), 1);
    await assertBothExpireWithin(session, 0, 'after a transaction');
    await session.close();
  });

  for (const touch of [undefined, 'always'] as const) {
    it(`every read and write slides the expiry back up to the ttl (touch: ${touch ?? 'unset'})`, async () => {
      const session = newSession({ ttl: TTL, touch });
      assert.equal(session.touch, 'always');
      await session.addItems([userMessage('a'), functionCall('call-1', '{"q":1}'), userMessage('b'), userMessage('c'), userMessage('d')]);
      await createMeta(session, 'op-setup');
      const operations: [string, () => Promise<unknown>][] = [
        ['getItems()', () => session.getItems()],
        ['getItems(2)', () => session.getItems(2)],
        ['addItems', () => session.addItems([userMessage('e')])],
        ['popItem', () => session.popItem()],
        ['applyHistoryTransaction', () => createMeta(session, 'op-slide')],
        ['applyHistoryMutations', () =>
          session.applyHistoryMutations({
            mutations: [{ type: 'replace_function_call', callId: 'call-1', replacement: functionCall('call-1', '{"q":2}') }],
          })],
        ['replaceHistoryWithCompaction', () => session.replaceHistoryWithCompaction([userMessage('summary'), userMessage('kept')])],
        ['getPage()', () => session.getPage()],
      ];
      for (const [name, operation] of operations) {
        // Half the ttl: long enough that the keys outlive a slow operation on a loaded machine,
        // short enough that a TTL above it proves the operation slid the expiry back up.
        await halveExpiry(session, name);
        await operation();
        await assertBothExpireWithin(session, TTL / 2, name);
      }
      await session.close();
    });
  }

  it('a read of an empty conversation creates no key', async () => {
    const session = newSession({ ttl: TTL });
    assert.deepEqual(await session.getItems(), []);
    assert.equal(await session.popItem(), undefined);
    assert.equal(await raw().exists([...session.keys.all]), 0);
    await session.close();
  });

  it('ttl: null and an omitted ttl never expire', async () => {
    for (const options of [{ ttl: null }, {}] as RedisSessionOptions[]) {
      const session = newSession(options);
      assert.equal(session.ttl, null);
      await session.addItems([userMessage('a'), userMessage('b')]);
      await createMeta(session, 'op-1');
      await session.getItems();
      await session.popItem();
      for (const key of session.keys.all) assert.equal(await raw().ttl(key), -1, `${key} must not expire`);
      await session.close();
    }
  });

  it('a session without ttl leaves an existing expiry as it is', async () => {
    const withTtl = newSession({ ttl: TTL });
    await withTtl.addItems([userMessage('a')]);
    const without = new RedisSession({ conversationId: withTtl.conversationId, redisUrl: fixture.server.url });
    await without.addItems([userMessage('b')]);
    await without.getItems();
    const ttl = await raw().ttl(withTtl.keys.items);
    assert.ok(ttl > 0 && ttl <= TTL, `TTL ${ttl}`);
    await withTtl.close();
    await without.close();
  });

  it('invalid ttl values are refused and nothing is written', async () => {
    const invalid: unknown[] = [0, -1, Number.NaN, 1.5, '60', Number.POSITIVE_INFINITY, MAX_TTL_SECONDS + 1, true, {}];
    for (const ttl of invalid) {
      assert.throws(
        () => new RedisSession({ conversationId: 'invalid-ttl', redisUrl: fixture.server.url, ttl: ttl as number }),
        (error: unknown) =>
          error instanceof RedisSessionConfigError &&
          /ttl must be a whole number of seconds from 1 to 315360000 \(10 years\), or null for no expiry/.test(error.message),
        `ttl ${String(ttl)} should be refused`,
      );
    }
    assert.equal(await raw().exists(['conv:invalid-ttl', '{conv:invalid-ttl}:meta']), 0);
  });

  it('accepts the largest ttl, 10 years', async () => {
    assert.equal(MAX_TTL_SECONDS, 10 * 365 * 24 * 3600);
    const session = newSession({ ttl: MAX_TTL_SECONDS });
    await session.addItems([userMessage('long-lived')]);
    const ttl = await raw().ttl(session.keys.items);
    assert.ok(ttl > MAX_TTL_SECONDS - 60 && ttl <= MAX_TTL_SECONDS, `TTL ${ttl}`);
    await session.close();
  });
});

describe('RedisSession ttl: atomic with the write', () => {
  it('addItems sends one EVALSHA, whose script writes the items and sets the expiry', async () => {
    const dedicated = await startRedisServer({ logName: 'session-ttl-stats' });
    const inspector = createClient({ url: dedicated.url });
    const monitor = createClient({ url: dedicated.url });
    inspector.on('error', () => {});
    monitor.on('error', () => {});
    const session = new RedisSession({ conversationId: 'atomic', redisUrl: dedicated.url, ttl: TTL });
    try {
      await inspector.connect();
      await monitor.connect();
      await session.addItems([userMessage('warm-up')]); // connects and caches the script
      const seen: string[] = [];
      await monitor.monitor((line) => seen.push(line));
      await inspector.configResetStat();

      await session.addItems([userMessage('measured')]);

      const stats = parseCounters(await inspector.info('commandstats')).calls;
      assert.equal(stats.get('evalsha'), 1, `commandstats: ${[...stats].join(' ')}`);
      assert.equal(stats.get('eval'), undefined);
      // Every other command counted was run by the script (or is the inspector's own CONFIG RESETSTAT):
      // the checks (key types, the version field, the owner and counters), the write, the info (createdAt, updatedAt),
      // the expiry, and the change event (version, server time, publication).
      for (const name of stats.keys()) {
        assert.ok(
          ['evalsha', 'config|resetstat', 'type', 'hget', 'hmget', 'llen', 'rpush', 'hset', 'expire', 'hincrby', 'time', 'spublish', 'publish'].includes(
            name,
          ),
          `unexpected command ${name}`,
        );
      }

      // MONITOR tells the session's commands from the script's ("[0 lua]") and the inspector's.
      await inspector.ping();
      await waitUntil(() => seen.some((line) => line.includes('"PING"')), { timeoutMs: 30_000, description: 'MONITOR to show PING' });
      const measured = seen.slice(0, seen.findIndex((line) => line.includes('"PING"')));
      const inspectorAddress = /addr=(\S+)/.exec(String(await inspector.sendCommand(['CLIENT', 'INFO'])))?.[1];
      assert.ok(inspectorAddress);
      const fromClients = measured.filter((line) => !line.includes(' [0 lua] ') && !line.includes(` ${inspectorAddress}] `));
      assert.equal(fromClients.length, 1, fromClients.join('\n'));
      assert.match(fromClients[0] ?? '', /"EVALSHA" "[0-9a-f]{40}" "2" "conv:atomic" "\{conv:atomic\}:meta" "60"/);
      const fromScript = measured.filter((line) => line.includes(' [0 lua] '));
      assert.ok(fromScript.some((line) => /"RPUSH" "conv:atomic"/.test(line)));
      assert.ok(fromScript.some((line) => /"EXPIRE" "conv:atomic" "60"/.test(line)));
      assert.ok(fromScript.some((line) => /"EXPIRE" "\{conv:atomic\}:meta" "60"/.test(line)));
      assert.ok(fromScript.some((line) => /"SPUBLISH" "\{conv:atomic\}:events"/.test(line)));
    } finally {
      await session.close();
      monitor.destroy();
      inspector.destroy();
      await dedicated.stop();
    }
  });
});

describe('RedisSession touch', () => {
  /** A conversation of two items and a metadata hash, written by a session of its own (whose writes no reader saw). */
  async function seeded(): Promise<string> {
    const writer = newSession({ ttl: TTL });
    await writer.addItems([userMessage('a'), userMessage('b')]);
    await createMeta(writer, 'op-seed');
    return writer.conversationId;
  }

  it("'write': getItems and getPage never slide the expiry; writes still do", async () => {
    const session = fixture.session({ conversationId: await seeded(), ttl: TTL, touch: 'write' });
    assert.equal(session.touch, 'write');
    assert.equal(JSON.parse(JSON.stringify(session)).touch, 'write');
    const since = Date.now();
    await halveExpiry(session, 'before the reads');
    assert.equal((await session.getItems()).length, 3);
    assert.equal((await session.getItems(1)).length, 1);
    assert.equal((await session.getPage({ limit: 2 })).items.length, 2);
    await assertNotSlid(session, since, 'after getItems() and getPage()');
    await session.addItems([userMessage('c')]);
    await assertBothExpireWithin(session, TTL / 2, 'addItems with touch "write"');
  });

  it("'write' and a read of an empty conversation: nothing is created", async () => {
    const session = newSession({ ttl: TTL, touch: 'write' });
    assert.deepEqual(await session.getItems(), []);
    assert.deepEqual((await session.getPage()).items, []);
    assert.equal(await raw().exists([...session.keys.all]), 0);
  });

  it('an interval: the first read slides, the next reads within the interval do not', async () => {
    // 30 s of interval: the reads below take far less, however loaded the machine.
    const session = fixture.session({ conversationId: await seeded(), ttl: TTL, touch: { intervalSeconds: 30 } });
    assert.deepEqual(session.touch, { intervalSeconds: 30 });
    assert.deepEqual(JSON.parse(JSON.stringify(session)).touch, { intervalSeconds: 30 });
    await halveExpiry(session, 'first read');
    await session.getItems();
    await assertBothExpireWithin(session, TTL / 2, 'the first read');
    const since = Date.now();
    await halveExpiry(session, 'next reads');
    await session.getItems();
    await session.getItems(1);
    await session.getPage();
    await assertNotSlid(session, since, 'reads within the interval');
  });

  it('an interval: getPage slides too when it is the first read', async () => {
    const session = fixture.session({ conversationId: await seeded(), ttl: TTL, touch: { intervalSeconds: 30 } });
    await halveExpiry(session, 'first page');
    await session.getPage();
    await assertBothExpireWithin(session, TTL / 2, 'the first getPage');
    const since = Date.now();
    await halveExpiry(session, 'next read');
    await session.getItems();
    await assertNotSlid(session, since, 'getItems within the interval of the page');
  });

  it('an interval: the first read after the interval slides again', async () => {
    const session = fixture.session({ conversationId: await seeded(), ttl: TTL, touch: { intervalSeconds: 1 } });
    await session.getItems();
    const slidBy = Date.now(); // the slide was sent before this
    // The condition is time itself: wait until more than the interval has passed since the slide was sent.
    await sleep(1000 + 100 - (Date.now() - slidBy));
    await halveExpiry(session, 'after the interval');
    await session.getItems();
    await assertBothExpireWithin(session, TTL / 2, 'the first read after the interval');
  });

  it('an interval: a write restarts it; a duplicate transaction, which slides nothing, does not', async () => {
    const id = await seeded();
    const writing = fixture.session({ conversationId: id, ttl: TTL, touch: { intervalSeconds: 30 } });
    await writing.addItems([userMessage('c')]);
    const since = Date.now();
    await halveExpiry(writing, 'after a write');
    await writing.getItems();
    await assertNotSlid(writing, since, 'a read within the interval of a write');

    const duplicate = fixture.session({ conversationId: id, ttl: TTL, touch: { intervalSeconds: 30 } });
    const beforeDuplicate = Date.now();
    await halveExpiry(duplicate, 'before the duplicate');
    await createMeta(duplicate, 'op-seed'); // applied by the writer already: changes nothing, expiry included
    await assertNotSlid(duplicate, beforeDuplicate, 'the duplicate transaction');
    await duplicate.getItems();
    await assertBothExpireWithin(duplicate, TTL / 2, 'the first read after a duplicate transaction');
  });

  it('what getItems sends: LRANGE and the touch script with "always", LRANGE alone with "write" and within an interval', async () => {
    const id = await seeded();
    const SAMPLES = 4; // a power of two: the per-operation counts (sums of 1/SAMPLES) come out exact
    const origins = async (options: RedisSessionOptions) => {
      const session = fixture.session({ conversationId: id, ttl: TTL, ...options });
      await session.getItems(); // connects (and, with an interval, slides once)
      return sampleCommandOrigins(fixture.server.url, raw(), () => session.getItems(), SAMPLES);
    };
    const always = await origins({ touch: 'always' });
    assert.deepEqual(Object.fromEntries(always.sent), { lrange: 1, evalsha: 1 });
    assert.equal(always.insideLua.get('expire'), 2);
    for (const touch of ['write', { intervalSeconds: 30 }] as const) {
      const { sent, insideLua } = await origins({ touch });
      assert.deepEqual(Object.fromEntries(sent), { lrange: 1 }, `touch ${JSON.stringify(touch)}: sent`);
      assert.equal(insideLua.size, 0, `touch ${JSON.stringify(touch)}: no script ran`);
    }
    // And getPage: its read-only script alone.
    const page = fixture.session({ conversationId: id, ttl: TTL, touch: 'write' });
    await page.getPage();
    const paged = await sampleCommandOrigins(fixture.server.url, raw(), () => page.getPage(), SAMPLES);
    assert.deepEqual(Object.fromEntries(paged.sent), { evalsha: 1 });
    assert.equal(paged.insideLua.get('expire'), undefined);
  });

  it('an interval of at least the ttl, or without a ttl, is refused', () => {
    for (const options of [{ ttl: TTL, touch: { intervalSeconds: TTL } }, { touch: { intervalSeconds: 30 } }] as RedisSessionOptions[]) {
      assert.throws(() => fixture.session(options), RedisSessionConfigError);
    }
    assert.equal(fixture.session({ touch: 'write' }).touch, 'write');
  });
});
