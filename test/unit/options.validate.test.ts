/**
 * Unit tests (no Redis): the option checks of src/config/ called directly: TTL, window limit, timeouts, change events,
 * history limits, conversation ids and key prefixes, and the option-name check. Each refusal is a
 * RedisSessionConfigError that says what was wrong; accepted values come back normalised.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversationKeys, validateConversationId, validateKeyPrefix } from '../../src/config/keys.js';
import { DEFAULT_MAX_ITEM_BYTES, validateLimits } from '../../src/config/limits.js';
import { checkOptionNames } from '../../src/config/optionNames.js';
import { SESSION_OPTIONS } from '../../src/sessionOptions.js';
import { MAX_TTL_SECONDS, validateChangeEvents, validateLimit, validateTimeout, validateTouch, validateTtl } from '../../src/config/options.js';
import { assertConfigError } from '../support/configError.js';

describe('validateTtl', () => {
  it('takes whole seconds from 1 to ten years; no TTL (undefined or null) is 0', () => {
    assert.equal(validateTtl(undefined), 0);
    assert.equal(validateTtl(null), 0);
    assert.equal(validateTtl(1), 1);
    assert.equal(validateTtl(MAX_TTL_SECONDS), MAX_TTL_SECONDS);
  });

  it('refuses anything else, describing the value without showing it', () => {
    for (const [value, shown] of [
      [0, 'the number 0'],
      [-1, 'the number -1'],
      [1.5, 'the number 1.5'],
      [MAX_TTL_SECONDS + 1, `the number ${MAX_TTL_SECONDS + 1}`],
      [Number.NaN, 'NaN'],
      ['3600', 'a string'],
      [{}, 'an object'],
    ] as const) {
      assertConfigError(() => validateTtl(value), new RegExp(`ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}.*got ${shown}\\.`));
    }
  });
});

describe('validateTouch', () => {
  it('takes "always" (the default), "write", or whole seconds of interval below the ttl', () => {
    assert.equal(validateTouch(undefined, 60), 'always');
    assert.equal(validateTouch('always', 60), 'always');
    assert.equal(validateTouch('write', 60), 'write');
    const given = { intervalSeconds: 59 };
    const checked = validateTouch(given, 60);
    assert.deepEqual(checked, { intervalSeconds: 59 });
    assert.notEqual(checked, given, 'a copy, which later changes of the caller\'s object cannot move');
    assert.ok(Object.isFrozen(checked));
    assert.deepEqual(validateTouch({ intervalSeconds: 1 }, 2), { intervalSeconds: 1 });
  });

  it('without a ttl: "always" and "write" are accepted (nothing slides), an interval is refused', () => {
    assert.equal(validateTouch(undefined, 0), 'always');
    assert.equal(validateTouch('write', 0), 'write');
    assertConfigError(() => validateTouch({ intervalSeconds: 5 }, 0), /touch: \{ intervalSeconds \} needs a ttl.*Set ttl \(in seconds\), or drop the touch option/);
  });

  it('refuses other forms, describing the value without showing it', () => {
    for (const [value, shown] of [
      ['never', 'a string'],
      ['', 'an empty string'],
      [true, 'a boolean'],
      [300, 'the number 300'],
      [null, 'null'],
      [['write'], 'an array'],
    ] as const) {
      assertConfigError(() => validateTouch(value, 60), new RegExp(`touch must be "always" .*"write" .*\\{ intervalSeconds: n \\}.*; got ${shown}\\.`));
    }
  });

  it('refuses an interval that is not whole seconds from 1, or not below the ttl', () => {
    for (const [value, shown] of [
      [0, 'the number 0'],
      [-5, 'the number -5'],
      [1.5, 'the number 1.5'],
      [Number.NaN, 'NaN'],
      ['300', 'a string'],
      [undefined, 'none'],
    ] as const) {
      assertConfigError(() => validateTouch({ intervalSeconds: value }, 60), new RegExp(`touch.intervalSeconds must be a whole number of seconds, at least 1 and less than ttl; got ${shown}\\.`));
    }
    assertConfigError(() => validateTouch({ intervalSeconds: 60 }, 60), /touch.intervalSeconds must be less than ttl \(60\); got the number 60\..*every ttl - I seconds never expires.*for example to 6, or use touch: "write"/);
    assertConfigError(() => validateTouch({ intervalSeconds: 3600 }, 600), /less than ttl \(600\); got the number 3600/);
    assertConfigError(() => validateTouch({ intervalSeconds: 1 }, 1), /less than ttl \(1\).*With a ttl of 1 second, use "always" or "write"/);
  });
});

describe('validateLimit, validateTimeout, validateChangeEvents', () => {
  it('a window limit is any whole number (0 or less is an empty window)', () => {
    assert.equal(validateLimit(20, 'limit'), 20);
    assert.equal(validateLimit(-3, 'limit'), -3);
    assertConfigError(() => validateLimit(2.5, 'sessionInputLimit'), /sessionInputLimit must be a whole number of items; got the number 2\.5\./);
    assertConfigError(() => validateLimit('10', 'limit'), /limit must be a whole number of items; got a string\./);
  });

  it('a timeout is whole milliseconds from 1 to ten minutes, 5000 by default', () => {
    assert.equal(validateTimeout(undefined, 'commandTimeoutMs'), 5000);
    assert.equal(validateTimeout(1, 'commandTimeoutMs'), 1);
    assert.equal(validateTimeout(600_000, 'commandTimeoutMs'), 600_000);
    for (const value of [0, 600_001, 1.5, null, '100']) {
      assertConfigError(() => validateTimeout(value, 'connectTimeoutMs'), /connectTimeoutMs must be a whole number of milliseconds from 1 to 600000/);
    }
  });

  it('changeEvents is true or false, true by default', () => {
    assert.equal(validateChangeEvents(undefined), true);
    assert.equal(validateChangeEvents(false), false);
    assertConfigError(() => validateChangeEvents('false'), /changeEvents must be true or false; got a string\./);
    assertConfigError(() => validateChangeEvents(null), /got null/);
  });
});

describe('validateLimits', () => {
  it('defaults to 16 MiB items, no item limit, and trimming', () => {
    assert.deepEqual(validateLimits({}), { maxItemBytes: DEFAULT_MAX_ITEM_BYTES, maxItems: 0, overflow: 'trim' });
    assert.deepEqual(validateLimits({ maxItemBytes: 1, maxItems: 10_000_000, overflow: 'reject' }), { maxItemBytes: 1, maxItems: 10_000_000, overflow: 'reject' });
    assert.equal(validateLimits({ maxItems: null }).maxItems, 0);
  });

  it('refuses sizes Redis cannot hold, item limits out of range and unknown policies', () => {
    assertConfigError(() => validateLimits({ maxItemBytes: 0 }), /maxItemBytes must be a whole number of bytes from 1 to 536870912/);
    assertConfigError(() => validateLimits({ maxItemBytes: 512 * 1024 * 1024 + 1 }), /maxItemBytes/);
    assertConfigError(() => validateLimits({ maxItems: 0 }), /maxItems must be a whole number of items from 1 to 10000000, or undefined/);
    assertConfigError(() => validateLimits({ maxItems: 10_000_001 }), /maxItems/);
    assertConfigError(() => validateLimits({ maxItems: 2.5 }), /maxItems/);
    assertConfigError(() => validateLimits({ overflow: 'drop' }), /overflow must be "trim" \(drop the oldest items\) or "reject"/);
  });
});

describe('conversation ids, key prefixes and keys', () => {
  it('builds the items key and its metadata key in the same hash slot', () => {
    assert.deepEqual(conversationKeys('conv:', 'user-1'), { items: 'conv:user-1', meta: '{conv:user-1}:meta', all: ['conv:user-1', '{conv:user-1}:meta'] });
    assert.deepEqual(conversationKeys('', 'x').all, ['x', '{x}:meta']);
  });

  it('takes any non-empty id up to 1024 characters, and any prefix up to 256 (the empty one too)', () => {
    assert.equal(validateConversationId('a'.repeat(1024)), 'a'.repeat(1024));
    assert.equal(validateKeyPrefix(''), '');
    assert.equal(validateKeyPrefix('p'.repeat(256)), 'p'.repeat(256));
  });

  it('refuses empty or long ids and prefixes, braces and control characters', () => {
    assertConfigError(() => validateConversationId(''), /conversationId must be a non-empty string; got an empty string\. Omit it/);
    assertConfigError(() => validateConversationId(42), /got the number 42/);
    assertConfigError(() => validateConversationId('a'.repeat(1025)), /conversationId is 1025 characters long; the maximum is 1024/);
    assertConfigError(() => validateKeyPrefix(null), /keyPrefix must be a string such as "conv:"; got null/);
    assertConfigError(() => validateKeyPrefix('p'.repeat(257)), /keyPrefix is 257 characters long; the maximum is 256/);
    for (const bad of ['a{b', 'a}b']) {
      assertConfigError(() => validateConversationId(bad), /conversationId must not contain "\{" or "\}"/);
      assertConfigError(() => validateKeyPrefix(bad), /keyPrefix must not contain "\{" or "\}"/);
    }
    for (const bad of ['a\nb', 'tab\t', 'nul\u0000', 'del\u007f']) {
      assertConfigError(() => validateConversationId(bad), /must not contain control characters/);
    }
  });
});

describe('checkOptionNames', () => {
  it('accepts known names, and leaves non-objects to the value checks', () => {
    checkOptionNames({ conversationId: 'a', ttl: 60 }, SESSION_OPTIONS, 'RedisSession options');
    checkOptionNames(undefined, SESSION_OPTIONS, 'RedisSession options');
    checkOptionNames('redis://x', SESSION_OPTIONS, 'RedisSession options');
  });

  it('names every unknown option, with the path inside option objects and arrays, never their values', () => {
    assertConfigError(() => checkOptionNames({ ttl: 1, tll: 2, sekret: 'hunter2' }, SESSION_OPTIONS, 'RedisSession options'), /Unknown options in RedisSession options .*"tll": did you mean "ttl"\?.*"sekret"/);
    assert.throws(() => checkOptionNames({ sekret: 'hunter2' }, SESSION_OPTIONS, 'X'), (error: Error) => !error.message.includes('hunter2'));
    assertConfigError(() => checkOptionNames({ sentinel: { name: 'm', sentinelRootNodes: [{ host: 'a', port: 1, hots: 'b' }] } }, SESSION_OPTIONS, 'X'), /"sentinel\.sentinelRootNodes\[0\]\.hots"/);
  });
});
