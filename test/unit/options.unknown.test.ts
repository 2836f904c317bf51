/**
 * Unit tests (no Redis): unknown option names are refused with a "did you
 * mean" hint, at the top level and inside option objects, for RedisSession and
 * watchConversations. Nothing connects: the checks run before any connection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, watchConversations, type RedisSessionOptions, type WatchConversationsOptions } from '../../src/index.js';

const URL = 'redis://127.0.0.1:1';

/** The message of the RedisSessionConfigError that `options` give (fails if they are accepted). */
function refusal(options: Record<string, unknown>): string {
  try {
    new RedisSession(options as RedisSessionOptions);
  } catch (error) {
    assert.equal((error as { code?: unknown }).code, 'ERR_REDIS_SESSION_CONFIG', String(error));
    return (error as Error).message;
  }
  assert.fail(`accepted ${Object.keys(options).join(', ')}`);
}

async function watchRefusal(options: Record<string, unknown>): Promise<string> {
  try {
    const stop = await watchConversations(options as WatchConversationsOptions, () => {});
    await stop();
  } catch (error) {
    assert.equal((error as { code?: unknown }).code, 'ERR_REDIS_SESSION_CONFIG', String(error));
    return (error as Error).message;
  }
  assert.fail(`accepted ${Object.keys(options).join(', ')}`);
}

describe('unknown RedisSession options', () => {
  const HINTS: [string, string][] = [
    ['url', 'redisUrl'],
    ['uri', 'redisUrl'],
    ['redisURL', 'redisUrl'],
    ['prefix', 'keyPrefix'],
    ['keyprefix', 'keyPrefix'],
    ['sessionTTL', 'ttl'],
    ['ttlSeconds', 'ttl'],
    ['expire', 'ttl'],
    ['host', 'redisUrl'],
    ['port', 'redisUrl'],
    ['password', 'redisUrl'],
    ['commandTimeout', 'commandTimeoutMs'],
    ['connectTimeout', 'connectTimeoutMs'],
    ['socket', 'redisUrl'],
    ['maxConnections', 'redisUrl'],
    ['conversationID', 'conversationId'],
    ['converstionId', 'conversationId'],
    ['maxItem', 'maxItems'],
    ['changeEvent', 'changeEvents'],
    ['comandTimeoutMs', 'commandTimeoutMs'],
    ['ssl', 'tls'],
    ['redisClient', 'client'],
    ['disableTouch', 'touch'],
    ['touchAfter', 'touch'],
    ['rolling', 'touch'],
  ];
  for (const [wrong, right] of HINTS) {
    it(`${wrong}: did you mean ${right}?`, () => {
      const message = refusal({ [wrong]: 'x' });
      assert.match(message, new RegExp(`"${wrong}": did you mean "${right}"`));
    });
  }

  it('says where the pool size goes, the unit of ttl, and that values are not shown', () => {
    assert.match(refusal({ maxConnections: 10 }), /max_connections=/);
    assert.match(refusal({ sessionTTL: 3600 }), /in seconds/);
    const message = refusal({ password: 'S3cret-Never-Printed' });
    assert.doesNotMatch(message, /S3cret/);
    assert.match(message, /redis:\/\/:password@host/);
  });

  it('the spellings of node-redis, connect-redis and LangChain together: each named, with its hint', () => {
    const message = refusal({ url: URL, prefix: 'app:', sessionTTL: 60 });
    for (const hint of ['"url": did you mean "redisUrl"', '"prefix": did you mean "keyPrefix"', '"sessionTTL": did you mean "ttl"']) {
      assert.ok(message.includes(hint), `${hint} not in: ${message}`);
    }
    assert.match(message, /^Unknown options /);
  });

  it('a name with no likely meaning lists the options', () => {
    const message = refusal({ frobnicate: true });
    assert.match(message, /"frobnicate"/);
    assert.match(message, /The options are: conversationId, sessionId, redisUrl/);
  });

  it('an unknown option set to undefined is refused too (it is still a misspelling)', () => {
    assert.match(refusal({ redisUrl: URL, prefix: undefined }), /keyPrefix/);
  });

  it('refuses unknown names inside tls, durability, encryption, cluster and sentinel', () => {
    const key = Buffer.alloc(32, 1);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ redisUrl: 'rediss://127.0.0.1:1', tls: { rejectUnauthorised: false } }, /"tls\.rejectUnauthorised": did you mean "rejectUnauthorized"/],
      [{ redisUrl: 'rediss://127.0.0.1:1', tls: { caFile: 'x' } }, /"tls\.caFile": did you mean "ca"/],
      [{ redisUrl: URL, durability: { replicas: 1, timeout: 100 } }, /"durability\.timeout": did you mean "timeoutMs"/],
      [{ redisUrl: URL, encryption: { keys: { k1: key }, currentKey: 'k1' } }, /"encryption\.currentKey": did you mean "currentKeyId"/],
      [{ cluster: { nodes: [{ url: URL }] } }, /"cluster\.nodes": did you mean "rootNodes"/],
      [{ cluster: { rootNodes: [{ host: '127.0.0.1', port: 7000 }] } }, /"cluster\.rootNodes\[0\]\.host": did you mean "url"/],
      [{ sentinel: { masterName: 'm', sentinelRootNodes: [{ host: 'h', port: 1 }] } }, /"sentinel\.masterName": did you mean "name"/],
      [{ sentinel: { name: 'm', sentinelRootNodes: [{ hostname: 'h', port: 1 }] } }, /"sentinel\.sentinelRootNodes\[0\]\.hostname": did you mean "host"/],
      [{ ttl: 60, touch: { interval: 5 } }, /"touch\.interval": did you mean "intervalSeconds" \(in seconds\)/],
      [{ ttl: 60, touch: { intervalSecond: 5 } }, /"touch\.intervalSecond": did you mean "intervalSeconds"/],
    ];
    for (const [options, message] of cases) assert.match(refusal(options), message);
  });

  it('accepts every known option name (the check does not refuse valid options)', () => {
    const session = new RedisSession({
      conversationId: 'known-options',
      redisUrl: URL,
      ttl: 60,
      keyPrefix: 'conv:',
      limit: 10,
      logger: undefined,
      connectTimeoutMs: 1000,
      commandTimeoutMs: 1000,
      changeEvents: true,
      durability: undefined,
      tls: undefined,
      maxItemBytes: 1024,
      maxItems: 100,
      overflow: 'trim',
      touch: { intervalSeconds: 30 },
      encryption: { keys: { k1: Buffer.alloc(32, 1) }, currentKeyId: 'k1', allowPlaintext: false },
    });
    assert.equal(session.conversationId, 'known-options');
    new RedisSession({ sentinel: { name: 'm', sentinelRootNodes: [{ host: 'h', port: 1 }], username: 'u', password: 'p', database: 0 } });
    new RedisSession({ cluster: { rootNodes: [{ url: URL }] } });
  });
});

describe('unknown watchConversations options', () => {
  it('url: did you mean redisUrl?', async () => {
    assert.match(await watchRefusal({ url: URL }), /"url": did you mean "redisUrl"/);
  });
  it('prefix: did you mean keyPrefix?', async () => {
    assert.match(await watchRefusal({ prefix: 'conv:' }), /"prefix": did you mean "keyPrefix"/);
  });
  it('a RedisSession option says it belongs to RedisSession', async () => {
    assert.match(await watchRefusal({ redisUrl: URL, ttl: 60 }), /"ttl": an option of RedisSession, not of watchConversations/);
  });
  it('inside tls', async () => {
    assert.match(await watchRefusal({ redisUrl: 'rediss://127.0.0.1:1', tls: { rejectUnauthorised: false } }), /tls\.rejectUnauthorised/);
  });
  it('options that are not an object', async () => {
    await assert.rejects(watchConversations(null as never, () => {}), { code: 'ERR_REDIS_SESSION_CONFIG' });
  });
});
