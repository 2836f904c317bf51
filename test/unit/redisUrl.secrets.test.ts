/**
 * Unit tests (no Redis): a Redis URL whose password holds reserved characters
 * (`/`, `?`, `#`, `@`, ...) unencoded never shows any part of the password,
 * in an error or in what the parsed endpoint prints.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import util from 'node:util';
import { parseMultiHostUrl, parseRedisUrl, redactRedisUrl } from '../../src/connection/redisUrl.js';
import { endpointFromUrl } from '../../src/connection/endpoints.js';

/** Letters that no message of the package spells three in a row, so that a match is a leak, not chance. */
const LETTERS = 'QXZJKVWqxzjkvw';
const RESERVED = '/?#@:%[]!$&\'()*+,;= ';

/** A small deterministic PRNG (mulberry32): every run tries the same passwords. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function password(next: () => number): string {
  const pick = (from: string) => from[Math.floor(next() * from.length)]!;
  const length = 6 + Math.floor(next() * 15);
  const chars = Array.from({ length }, () => pick(next() < 0.35 ? RESERVED : LETTERS));
  // At least one of the characters that end a URL's host part early, and a letter.
  chars[Math.floor(next() * length)] = pick('/?#@');
  chars[Math.floor(next() * length)] = pick(LETTERS);
  return chars.join('');
}

/** The parts of `secret` that would give it away: every run of 3 or more characters with a letter in it. */
function fragments(secret: string): string[] {
  const parts: string[] = [];
  for (let start = 0; start + 3 <= secret.length; start++) {
    const part = secret.slice(start, start + 3);
    if (/[A-Za-z]/.test(part)) parts.push(part);
  }
  return parts;
}

function assertHidden(rendering: string, secret: string, what: string): void {
  // Stack frames name files on this machine (as plain lines, or escaped with showHidden), not anything from the URL.
  const text = rendering.replace(/^\s+at .*$/gm, '').replace(/\(?(file:\/\/)?\/work\/[^\s)\\]*\)?/g, '<file>');
  for (const part of fragments(secret)) {
    assert.ok(!text.includes(part), `${what} shows ${JSON.stringify(part)} of the password ${JSON.stringify(secret)}: ${text}`);
  }
}

/** URL shapes a user writes, with the password inserted raw (not percent-encoded). */
const SHAPES: ((pw: string) => string)[] = [
  (pw) => `redis://:${pw}@127.0.0.1:6379`,
  (pw) => `redis://app:${pw}@127.0.0.1:6379/0`,
  (pw) => `rediss://app:${pw}@cache.example:6380/2?max_connections=4`,
  (pw) => `redis://:${pw}@127.0.0.1:99999`,
  (pw) => `redis://app:${pw}@127.0.0.1/abc`,
  (pw) => `redis://:${pw}@127.0.0.1:6379?pool=5`,
  (pw) => `redis+cluster://:${pw}@127.0.0.1:7000,127.0.0.1:7001`,
  (pw) => `redis+cluster://app:${pw}@127.0.0.1:7000/0`,
  (pw) => `redis+cluster://:${pw}@127.0.0.1`,
  (pw) => `redis+sentinel://app:${pw}@127.0.0.1:26379,127.0.0.1:26380/mymaster/0`,
  (pw) => `redis+sentinel://:${pw}@127.0.0.1:26379`,
];

/** Everything that may be printed about the endpoint of `url`, or about the error it gave. */
function renderings(url: string): { outcome: 'parsed' | 'refused'; texts: Record<string, string> } {
  try {
    const endpoint = endpointFromUrl(url);
    return {
      outcome: 'parsed',
      texts: {
        target: endpoint.target,
        key: endpoint.key,
        inspect: util.inspect(endpoint, { depth: Infinity, showHidden: true }),
        json: JSON.stringify(endpoint),
        redacted: redactRedisUrl(url),
      },
    };
  } catch (error) {
    assert.equal((error as { code?: unknown }).code, 'ERR_REDIS_SESSION_CONFIG', `not a config error for ${url}: ${String(error)}`);
    return {
      outcome: 'refused',
      texts: {
        message: (error as Error).message,
        stack: String((error as Error).stack),
        inspect: util.inspect(error, { depth: Infinity, showHidden: true }),
        redacted: redactRedisUrl(url),
      },
    };
  }
}

describe('Redis URL with reserved characters in the password', () => {
  it('never shows 3 characters of the password, for 300 random passwords in every URL shape', () => {
    const next = random(9);
    let refused = 0;
    let parsed = 0;
    for (let round = 0; round < 300; round++) {
      const secret = password(next);
      for (const shape of SHAPES) {
        const url = shape(secret);
        const { outcome, texts } = renderings(url);
        if (outcome === 'parsed') parsed++;
        else refused++;
        for (const [what, text] of Object.entries(texts)) assertHidden(text, secret, `${what} of ${outcome} ${url}`);
      }
    }
    // Both paths were exercised: some passwords parse (an "@" or ":" only), most are refused.
    assert.ok(parsed > 0 && refused > 0, `parsed ${parsed}, refused ${refused}`);
  });

  for (const [url, secret] of [
    ['redis://:zq/xv@host:6379', 'zq/xv'],
    ['redis://:zq/x@host:6379', 'zq/x'],
    ['redis://app:6379/0@host', '6379/0'],
    ['redis://app:1234#wxyz@host', '1234#wxyz'],
    ['redis://:qxz?jkv@host', 'qxz?jkv'],
    ['redis://:qxz#jkv@host', 'qxz#jkv'],
    ['redis://app:zq/xv@host:6379', 'zq/xv'],
    ['redis+cluster://:zq/xv@h:1,h:2', 'zq/xv'],
    ['redis+cluster://app:qxz#jkv@h:1,h:2', 'qxz#jkv'],
    ['redis+sentinel://:zq/9@h:1/mymaster', 'zq/9'],
  ] as const) {
    it(`refuses ${url.replace(secret, '<password>')} without echoing the password`, () => {
      assert.throws(
        () => endpointFromUrl(url),
        (error: Error) => {
          assert.equal((error as { code?: unknown }).code, 'ERR_REDIS_SESSION_CONFIG');
          for (const part of [secret, ...secret.split(/[/?#@]/).filter((piece) => piece.length >= 3)]) {
            assert.ok(!error.message.includes(part), `${JSON.stringify(part)} in: ${error.message}`);
          }
          assert.match(error.message, /percent-encode/);
          return true;
        },
      );
    });
  }

  it('takes an unencoded "@" in the password as part of it (the credentials end at the last "@")', () => {
    assert.equal(parseRedisUrl('redis://user:p@ss@host:6379/0').target, 'redis://user:***@host:6379/0');
    const cluster = parseMultiHostUrl('redis+cluster://user:sec@ret@h:1,h:2');
    assert.equal(cluster.password, 'sec@ret');
    assert.equal(cluster.target, 'redis+cluster://user:***@h:1,h:2');
  });

  it('builds the shown target from the parsed parts', () => {
    assert.equal(parseRedisUrl('rediss://app:s3cret@cache.example:6380/2?max_connections=4').target, 'rediss://app:***@cache.example:6380/2');
    assert.equal(parseRedisUrl('redis://s3cret@localhost').target, 'redis://***@localhost');
    assert.equal(redactRedisUrl('redis+sentinel://app:s3cret@h:1,[::1]:2/mymaster/3'), 'redis+sentinel://app:***@h:1,[::1]:2/mymaster/3');
    assert.match(redactRedisUrl('redis://u:12/c@host'), /hidden/);
  });

  it('refuses a master name that is not valid percent-encoding with a typed error', () => {
    assert.throws(() => endpointFromUrl('redis+sentinel://h:1/%zz'), { code: 'ERR_REDIS_SESSION_CONFIG' });
  });
});
