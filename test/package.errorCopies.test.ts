/**
 * Package tests of the built package (no Redis; run after the build): `instanceof` with this package's error classes works
 * across two copies of the package in one process: the ESM build (dist/index.js,
 * through `import`) and the CommonJS build (dist/index.cjs, through `require`).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as esm from 'agents-redis-session';

const require = createRequire(import.meta.url);
const cjs = require('agents-redis-session') as typeof esm;

const CLASSES = [
  'RedisSessionError',
  'RedisSessionConfigError',
  'RedisSessionInputError',
  'RedisSessionConflictError',
  'RedisSessionConnectionError',
  'RedisSessionCommandError',
  'RedisSessionDurabilityError',
  'RedisSessionLimitError',
  'RedisSessionIntegrityError',
] as const;

/** An error thrown by a copy of the package: a bad option, refused by the constructor. */
function configErrorFrom(copy: typeof esm): unknown {
  try {
    new copy.RedisSession({ ttl: -1 });
  } catch (error) {
    return error;
  }
  assert.fail('the constructor accepted ttl: -1');
}

describe('error classes across two copies of the package (ESM and CommonJS)', () => {
  it('are two copies indeed (different classes)', () => {
    assert.notEqual(esm.RedisSessionConfigError, cjs.RedisSessionConfigError);
    assert.notEqual(esm.RedisSession, cjs.RedisSession);
  });

  for (const [thrower, checker, label] of [
    [cjs, esm, 'CommonJS error, ESM classes'],
    [esm, cjs, 'ESM error, CommonJS classes'],
  ] as const) {
    it(`${label}: instanceof the error's classes, not of the others`, () => {
      const error = configErrorFrom(thrower);
      assert.ok(error instanceof checker.RedisSessionConfigError);
      assert.ok(error instanceof checker.RedisSessionError);
      assert.ok(error instanceof thrower.RedisSessionConfigError);
      for (const name of CLASSES) {
        if (name === 'RedisSessionError' || name === 'RedisSessionConfigError') continue;
        assert.equal(error instanceof checker[name], false, `instanceof ${name}`);
      }
    });
  }

  it('every class, constructed in one copy, is instanceof its namesake and the base class in the other', () => {
    const made: Record<(typeof CLASSES)[number], Error> = {
      RedisSessionError: new cjs.RedisSessionError('ERR_X', 'x'),
      RedisSessionConfigError: new cjs.RedisSessionConfigError('x'),
      RedisSessionInputError: new cjs.RedisSessionInputError('x'),
      RedisSessionConflictError: new cjs.RedisSessionConflictError('x'),
      RedisSessionConnectionError: new cjs.RedisSessionConnectionError('op', 'target', 'detail'),
      RedisSessionCommandError: new cjs.RedisSessionCommandError('op', 'x'),
      RedisSessionDurabilityError: new cjs.RedisSessionDurabilityError(0, 1, 10),
      RedisSessionLimitError: new cjs.RedisSessionLimitError('x'),
      RedisSessionIntegrityError: new cjs.RedisSessionIntegrityError('x'),
    };
    for (const [made_name, error] of Object.entries(made)) {
      for (const name of CLASSES) {
        const expected = name === made_name || name === 'RedisSessionError';
        assert.equal(error instanceof esm[name], expected, `${made_name} instanceof ${name}`);
      }
    }
  });

  it('other values are not instances: plain errors, look-alikes by name, primitives', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'RedisSessionConfigError', code: 'ERR_REDIS_SESSION_CONFIG' });
    for (const value of [new Error('x'), lookalike, null, undefined, 'RedisSessionConfigError', 42, {}]) {
      assert.equal(value instanceof esm.RedisSessionConfigError, false);
      assert.equal(value instanceof esm.RedisSessionError, false);
    }
  });

  it('subclasses of the error classes still work with instanceof', () => {
    class AppConfigError extends esm.RedisSessionConfigError {}
    const error = new AppConfigError('x');
    assert.ok(error instanceof AppConfigError);
    assert.ok(error instanceof cjs.RedisSessionConfigError);
    assert.ok(error instanceof cjs.RedisSessionError);
    assert.equal(new esm.RedisSessionConfigError('x') instanceof AppConfigError, false);
  });
});
