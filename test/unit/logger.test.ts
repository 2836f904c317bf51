import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getLogger } from '@openai/agents';
import { debugEnabled, type Logger } from '../../src/logger.js';

// Unit tests (no Redis) of debugEnabled: every operation asks it before building debug output.

const withDebug = (debug: unknown): Logger => ({ ...getLogger('test:logger'), debug: debug as Logger['debug'] });

describe('debugEnabled', () => {
  it("the SDK's debug logger is off unless its namespace is enabled (the debug package says undefined, not false)", () => {
    const off = Object.defineProperty(() => {}, 'enabled', { get: () => undefined });
    const on = Object.defineProperty(() => {}, 'enabled', { get: () => true });
    assert.equal(debugEnabled(withDebug(off)), false);
    assert.equal(debugEnabled(withDebug(on)), true);
    assert.equal(debugEnabled(getLogger('test:logger-never-enabled')), process.env.DEBUG !== undefined && /test:/.test(process.env.DEBUG));
  });

  it("a caller's own debug function, without an enabled property, may print", () => {
    assert.equal(debugEnabled(withDebug(() => {})), true);
    assert.equal(debugEnabled(withDebug(Object.assign(() => {}, { enabled: false }))), false);
  });
});
