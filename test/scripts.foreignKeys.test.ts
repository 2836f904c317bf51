/**
 * Keys of another type at a conversation's names,
 * on a real redis-server: every session call that meets one refuses with a
 * WRONGTYPE error naming the key, deletes nothing and sets no expiry, on the
 * native fast paths (no TTL, events off) as on the script paths.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESP_TYPES } from 'redis';
import { RedisSession, RedisSessionCommandError, type RedisSessionOptions } from 'agents-redis-session';
import { useSessionFixture } from './support/sessionFixture.js';
import { user } from './support/items.js';

const fixture = useSessionFixture();

/** TYPE, DUMP and PTTL of both keys. */
async function snapshot(session: RedisSession) {
  const binary = fixture.redis.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return Promise.all(
    session.keys.all.map(async (key) => [key, await fixture.redis.type(key), (await binary.dump(key))?.toString('base64'), await fixture.redis.pTTL(key)]),
  );
}

/** A conversation whose `which` key another program wrote as a string (the other key holds valid data, without expiry). */
async function conversationWithForeign(which: 'items' | 'meta', options: Omit<RedisSessionOptions, 'redisUrl' | 'client'>) {
  const session = fixture.session(options);
  if (which === 'items') {
    await fixture.redis.hSet(session.keys.meta, 'v', '3');
    await fixture.redis.set(session.keys.items, 'written by another program');
  } else {
    await fixture.redis.rPush(session.keys.items, JSON.stringify(user('kept')));
    await fixture.redis.set(session.keys.meta, 'written by another program');
  }
  return { session, foreignKey: session.keys[which] };
}

const CALLS: ReadonlyArray<readonly [string, (session: RedisSession) => Promise<unknown>]> = [
  ['clearSession', (session) => session.clearSession()],
  ['getItems', (session) => session.getItems()],
  ['addItems', (session) => session.addItems([user('x')])],
  ['popItem', (session) => session.popItem()],
];
const CONFIGURATIONS: ReadonlyArray<readonly [string, Omit<RedisSessionOptions, 'redisUrl' | 'client'>]> = [
  ['events off, no TTL (native commands)', { changeEvents: false }],
  ['events off, TTL', { changeEvents: false, ttl: 600 }],
  ['events on, no TTL', {}],
  ['events on, TTL', { ttl: 600 }],
];

describe('a key of another type is refused, named, and left as it was', () => {
  for (const [configuration, options] of CONFIGURATIONS) {
    for (const which of ['items', 'meta'] as const) {
      for (const [name, call] of CALLS) {
        // Without a TTL and events, getItems/addItems/popItem are single native commands on the items key only:
        // a foreign metadata key is then not theirs to judge (they neither read nor write it).
        const touchesMeta =
          name === 'clearSession' || options.ttl !== undefined || (name !== 'getItems' && options.changeEvents !== false);
        if (which === 'meta' && !touchesMeta) continue;
        // A plain LRANGE (getItems without a TTL) is the codec helper's call; its WRONGTYPE is Redis's own wording.
        const namesKey = !(name === 'getItems' && options.ttl === undefined);
        it(`${name} (${configuration}) with a ${which} key of another type`, async () => {
          const { session, foreignKey } = await conversationWithForeign(which, options);
          const before = await snapshot(session);
          const error = await call(session).then(
            () => assert.fail(`${name} did not refuse a foreign ${which} key`),
            (caught: unknown) => caught,
          );
          assert.deepEqual(await snapshot(session), before, 'both keys unchanged: nothing deleted, no expiry set');
          assert.ok(error instanceof RedisSessionCommandError, String(error));
          assert.match(error.message, /WRONGTYPE/);
          if (namesKey) assert.ok(error.message.includes(`WRONGTYPE ${foreignKey} holds a `), error.message);
        });
      }
    }
  }
});
