import assert from 'node:assert/strict';

/** Asserts that `code` throws the package's config error (code ERR_REDIS_SESSION_CONFIG), its message matching `message`. */
export function assertConfigError(code: () => unknown, message: RegExp): void {
  assert.throws(code, (error: Error) => {
    assert.equal((error as { code?: unknown }).code, 'ERR_REDIS_SESSION_CONFIG', String(error));
    assert.match(error.message, message);
    return true;
  });
}
