/**
 * TLS (`rediss://`) with certificate verification, against real redis-server
 * processes serving certificates made by `openssl` in the test: the configured
 * CA is trusted, any other is refused, nothing is written over a refused
 * connection, and no password appears in the errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  closeSharedConnections,
  RedisSession,
  RedisSessionConfigError,
  RedisSessionConnectionError,
  watchConversations,
  type ChangeEvent,
} from 'agents-redis-session';
import { freePort, startRedisServer, waitUntil, type RedisServerHandle } from './harness/index.js';
import { generateCertificates, tlsServerArgs, type CertificateSet } from './support/certificates.js';
import { userMessage } from './support/items.js';

const PASSWORD = 'tls-secret-Pa55';
/** Deadlines for calls expected to succeed (or to fail for a stated reason): generous, a TLS handshake on a loaded machine is slow. */
const PATIENT = { connectTimeoutMs: 30_000, commandTimeoutMs: 30_000 } as const;
/** Short deadlines, only for a call expected to fail whatever the reason. */
const FAST = { connectTimeoutMs: 1500, commandTimeoutMs: 1500 } as const;
/**
 * For a refused certificate, whose reason the test asserts: long enough for a TLS handshake on a loaded
 * machine, short because the client retries a refused certificate until connectTimeoutMs (unlike WRONGPASS).
 */
const REFUSED = { connectTimeoutMs: 5000, commandTimeoutMs: 5000 } as const;

describe('TLS (rediss://) with certificate verification', () => {
  let trusted: CertificateSet;
  let rogue: CertificateSet;
  let server: RedisServerHandle;
  let rogueServer: RedisServerHandle;
  let mutualServer: RedisServerHandle;
  const ports = { server: 0, rogue: 0, mutual: 0 };
  const url = (port: number) => `rediss://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;

  before(async () => {
    trusted = generateCertificates('trusted');
    rogue = generateCertificates('rogue');
    ports.server = await freePort();
    server = await startRedisServer({ logName: 'tls', password: PASSWORD, args: tlsServerArgs(trusted, ports.server) });
    ports.rogue = await freePort();
    rogueServer = await startRedisServer({ logName: 'tls-rogue', password: PASSWORD, args: tlsServerArgs(rogue, ports.rogue) });
    ports.mutual = await freePort();
    mutualServer = await startRedisServer({ logName: 'tls-mutual', password: PASSWORD, args: tlsServerArgs(trusted, ports.mutual, true) });
  });

  after(async () => {
    await closeSharedConnections();
    await Promise.all([server?.stop(), rogueServer?.stop(), mutualServer?.stop()]);
    trusted?.remove();
    rogue?.remove();
  });

  it('works with the configured CA, from a URL and from a pool, including subscriptions', async () => {
    for (const suffix of ['', '?max_connections=3']) {
      const session = new RedisSession({ redisUrl: url(ports.server) + suffix, tls: { ca: trusted.ca }, ...PATIENT });
      const events: ChangeEvent[] = [];
      const stop = await session.subscribe((event) => void events.push(event));
      await session.addItems([userMessage('over TLS')]);
      assert.deepEqual(await session.getItems(), [userMessage('over TLS')]);
      await waitUntil(() => events.length === 1, { timeoutMs: 30_000, description: 'the change event over TLS' });
      await stop();
      await session.clearSession();
      await session.close();
    }
    // The CA as bytes works the same.
    const session = new RedisSession({ redisUrl: url(ports.server), tls: { ca: Buffer.from(trusted.ca) }, ...PATIENT });
    await session.addItems([userMessage('bytes CA')]);
    assert.equal((await session.getItems()).length, 1);
    await session.close();
  });

  it('watchConversations takes the same tls option', async () => {
    const seen: ChangeEvent[] = [];
    const stop = await watchConversations({ redisUrl: url(ports.server), tls: { ca: trusted.ca }, ...PATIENT }, (event) => void seen.push(event));
    const session = new RedisSession({ redisUrl: url(ports.server), tls: { ca: trusted.ca }, ...PATIENT });
    await session.addItems([userMessage('watched')]);
    await waitUntil(() => seen.length === 1, { timeoutMs: 30_000, description: 'the watched event over TLS' });
    await stop();
    await session.close();
  });

  it('refuses a server whose certificate is not signed by the configured CA, writing nothing and printing no password', async () => {
    const id = 'refused-conversation';
    for (const options of [{ tls: { ca: trusted.ca } }, {}]) {
      // With the trusted CA, or with Node's default roots (which trust neither test CA).
      const session = new RedisSession({ conversationId: id, redisUrl: url(ports.rogue), ...options, ...REFUSED });
      const error = await session.addItems([userMessage('must not be written')]).then(
        () => assert.fail('a server with an untrusted certificate was accepted'),
        (reason: unknown) => reason,
      );
      assert.ok(error instanceof RedisSessionConnectionError, `expected RedisSessionConnectionError, got ${String(error)}`);
      assert.match(error.message, /certificate/i);
      assert.ok(!JSON.stringify({ message: error.message, stack: error.stack }).includes(PASSWORD), 'the password leaked');
      await session.close();
    }
    assert.equal(await rogueServer.command(['EXISTS', `conv:${id}`]), 0);
  });

  it('sends a client certificate to a server that requires one, and fails clearly without it', async () => {
    const withCertificate = new RedisSession({
      redisUrl: url(ports.mutual),
      tls: { ca: trusted.ca, cert: trusted.cert, key: trusted.key },
      ...PATIENT,
    });
    await withCertificate.addItems([userMessage('mutual TLS')]);
    assert.equal((await withCertificate.getItems()).length, 1);
    await withCertificate.close();

    const without = new RedisSession({ redisUrl: url(ports.mutual), tls: { ca: trusted.ca }, ...FAST });
    await assert.rejects(without.getItems(), RedisSessionConnectionError);
    await without.close();
  });

  it('rejects tls options that cannot work, before connecting', () => {
    const cases: [unknown, RegExp][] = [
      [{ ca: 42 }, /tls\.ca must be PEM/],
      [{ cert: trusted.cert }, /cert and tls\.key go together/],
      [{ rejectUnauthorized: 'no' }, /rejectUnauthorized must be true or false/],
      ['yes', /tls must be an object/],
    ];
    for (const [tls, message] of cases) {
      assert.throws(() => new RedisSession({ redisUrl: url(ports.server), tls: tls as never }), (error: unknown) => {
        assert.ok(error instanceof RedisSessionConfigError);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('PRIVATE KEY') && !error.message.includes(PASSWORD));
        return true;
      });
    }
    assert.throws(
      () => new RedisSession({ redisUrl: `redis://127.0.0.1:${server.port}`, tls: { ca: trusted.ca } }),
      /not a TLS URL: use rediss:\/\//,
    );
  });
});
