/**
 * Unit tests (no Redis): parsing of single-host Redis URLs (redis://, rediss://) and of the multi-host forms the CLI
 * and REDIS_URL use for a cluster or a Sentinel master (redis+cluster://, redis+sentinel://).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_REDIS_URL, isMultiHostUrl, parseMultiHostUrl, parseRedisUrl, resolveRedisUrl } from '../../src/connection/redisUrl.js';
import { assertConfigError } from '../support/configError.js';

describe('parseRedisUrl', () => {
  it('splits a URL into the connection URL, the redacted target, TLS, database and pool size', () => {
    assert.deepEqual(parseRedisUrl('redis://localhost:6379/0'), {
      connectionUrl: 'redis://localhost:6379/0',
      target: 'redis://localhost:6379/0',
      tls: false,
      database: 0,
      poolSize: undefined,
    });
    const parsed = parseRedisUrl(' rediss://app:s3cret@cache.example:6380/3?max_connections=8 ');
    assert.equal(parsed.tls, true);
    assert.equal(parsed.database, 3);
    assert.equal(parsed.poolSize, 8);
    assert.equal(parsed.connectionUrl, 'rediss://app:s3cret@cache.example:6380/3', 'the query option is not passed on');
    assert.ok(!parsed.target.includes('s3cret'), parsed.target);
    assert.match(parsed.target, /^rediss:\/\/app:\*\*\*@cache\.example:6380/);
  });

  it('defaults the database to 0 and takes a URL without a port', () => {
    const parsed = parseRedisUrl('redis://cache.example');
    assert.equal(parsed.database, 0);
    assert.equal(parsed.connectionUrl, 'redis://cache.example/0');
  });

  it('refuses what is not a usable Redis URL, saying what is wrong', () => {
    assertConfigError(() => parseRedisUrl(''), /non-empty string/);
    assertConfigError(() => parseRedisUrl('   '), /non-empty string/);
    assertConfigError(() => parseRedisUrl('not a url'), /not a valid URL/);
    assertConfigError(() => parseRedisUrl('http://localhost:6379'), /scheme must be redis:\/\/ or rediss:\/\//);
    assertConfigError(() => parseRedisUrl('redis://localhost:6379/abc'), /database number/);
    assertConfigError(() => parseRedisUrl('redis://localhost:6379/0?pool=3'), /unknown query option "pool"/);
    assertConfigError(() => parseRedisUrl('redis://localhost:6379/0?max_connections=0'), /max_connections must be a whole number from 1 to 1000/);
    assertConfigError(() => parseRedisUrl('redis://localhost:6379/0?max_connections=1001'), /max_connections/);
    assertConfigError(() => parseRedisUrl('redis://localhost:6379/0?max_connections=2.5'), /max_connections/);
  });

  it('refuses a password whose "/" ends the host part early, without showing it', () => {
    assert.throws(
      () => parseRedisUrl('redis://:pa/ss@localhost:6379'),
      (error: Error) => /percent-encode/.test(error.message) && !error.message.includes('pa/ss'),
    );
  });
});

describe('isMultiHostUrl', () => {
  it('recognises the cluster and Sentinel schemes, in any case, and nothing else', () => {
    assert.equal(isMultiHostUrl('redis+cluster://a:1'), true);
    assert.equal(isMultiHostUrl(' REDIS+SENTINEL://a:1/mymaster'), true);
    assert.equal(isMultiHostUrl('redis://a:1'), false);
    assert.equal(isMultiHostUrl('rediss://a:1'), false);
  });
});

describe('parseMultiHostUrl', () => {
  it('reads every host:port of a cluster URL, with IPv6 hosts', () => {
    const parsed = parseMultiHostUrl('redis+cluster://10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002');
    assert.equal(parsed.scheme, 'redis+cluster');
    assert.deepEqual(parsed.hosts, [
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    assert.deepEqual(parsed.path, []);
    assert.equal(parsed.target, 'redis+cluster://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002');
  });

  it('reads the master name and database of a Sentinel URL, and decodes the credentials', () => {
    const parsed = parseMultiHostUrl('redis+sentinel://ops:p%40ss%2Fword@s1:26379,s2:26379/mymaster/2');
    assert.equal(parsed.scheme, 'redis+sentinel');
    assert.equal(parsed.username, 'ops');
    assert.equal(parsed.password, 'p@ss/word');
    assert.deepEqual(parsed.path, ['mymaster', '2']);
    assert.equal(parsed.target, 'redis+sentinel://ops:***@s1:26379,s2:26379/mymaster/2');
  });

  it('takes a password alone (no user)', () => {
    const parsed = parseMultiHostUrl('redis+cluster://:secret@a:1');
    assert.equal(parsed.username, undefined);
    assert.equal(parsed.password, 'secret');
    assert.equal(parsed.target, 'redis+cluster://***@a:1');
  });

  it('refuses a host without its port, a bad port, a query string and an unknown scheme', () => {
    assertConfigError(() => parseMultiHostUrl('redis+cluster://a:1,b'), /"b" is not host:port/);
    assertConfigError(() => parseMultiHostUrl('redis+cluster://a:0'), /is not host:port/);
    assertConfigError(() => parseMultiHostUrl('redis+cluster://a:65536'), /is not host:port/);
    assertConfigError(() => parseMultiHostUrl('redis+cluster://a:1?x=1'), /with no query string/);
    assertConfigError(() => parseMultiHostUrl('redis://a:1'), /expected redis\+cluster:\/\//);
  });

  it('never shows a password that holds a "/" before its "@"', () => {
    assert.throws(
      () => parseMultiHostUrl('redis+sentinel://:top/secret@s1:26379/mymaster'),
      (error: Error) => /percent-encode/.test(error.message) && !error.message.includes('top/secret') && !error.message.includes('secret'),
    );
  });
});

describe('resolveRedisUrl', () => {
  it('takes the explicit URL, else REDIS_URL (trimmed, if not blank), else the default', () => {
    const saved = process.env.REDIS_URL;
    try {
      process.env.REDIS_URL = ' redis://from-env:6379/1 ';
      assert.equal(resolveRedisUrl('redis://explicit:6379'), 'redis://explicit:6379');
      assert.equal(resolveRedisUrl(undefined), 'redis://from-env:6379/1');
      process.env.REDIS_URL = '  ';
      assert.equal(resolveRedisUrl(undefined), DEFAULT_REDIS_URL);
      delete process.env.REDIS_URL;
      assert.equal(resolveRedisUrl(undefined), DEFAULT_REDIS_URL);
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });
});
