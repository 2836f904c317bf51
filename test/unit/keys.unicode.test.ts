/**
 * Unit tests (no Redis): conversation ids and key prefixes must be well-formed
 * Unicode. Redis stores keys as UTF-8, where every lone surrogate becomes U+FFFD,
 * so 'user-\ud800' and 'user-\udfff' would be one conversation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisSession, type RedisSessionOptions } from '../../src/index.js';
import { validateConversationId, validateKeyPrefix } from '../../src/config/keys.js';
import { checkedKeys, checkedPrefix } from '../../src/cli/conversations.js';

const LONE = ['user-\ud800', 'user-\udfff', '\udfff\ud800', 'cut-😀'.slice(0, -1), '\ud83d'];
const WHOLE = ['user-😀', 'ünïcödé-名前', '\ud83d\ude00'];

/** Refused with a RedisSessionConfigError that explains what is wrong. */
const refused = (code: () => unknown, name: RegExp) =>
  assert.throws(code, (error: Error) => {
    assert.equal((error as { code?: unknown }).code, 'ERR_REDIS_SESSION_CONFIG');
    assert.match(error.message, name);
    assert.match(error.message, /well-formed Unicode/);
    return true;
  });

describe('ids and prefixes must be well-formed Unicode', () => {
  it('two ids with different lone surrogates encode to the same UTF-8 bytes (why they are refused)', () => {
    assert.deepEqual(Buffer.from('user-\ud800'), Buffer.from('user-\udfff'));
  });

  for (const id of LONE) {
    it(`refuses the id ${JSON.stringify(id)} (and as sessionId, and as a prefix)`, () => {
      refused(() => validateConversationId(id), /^conversationId/);
      refused(() => new RedisSession({ conversationId: id, redisUrl: 'redis://127.0.0.1:1' }), /^conversationId/);
      refused(() => new RedisSession({ sessionId: id, redisUrl: 'redis://127.0.0.1:1' }), /^conversationId/);
      refused(() => validateKeyPrefix(id), /^keyPrefix/);
      refused(() => new RedisSession({ keyPrefix: id, redisUrl: 'redis://127.0.0.1:1' } as RedisSessionOptions), /^keyPrefix/);
    });
  }

  it('accepts ids and prefixes with whole surrogate pairs and other non-ASCII text', () => {
    for (const text of WHOLE) {
      assert.equal(validateConversationId(text), text);
      assert.equal(validateKeyPrefix(text), text);
      assert.equal(new RedisSession({ conversationId: text, keyPrefix: text, redisUrl: 'redis://127.0.0.1:1' }).keys.items, text + text);
    }
  });

  it('the CLI checks ids and prefixes with the same validators (a usage error, exit 2)', () => {
    for (const code of [() => checkedKeys('conv:', 'user-\ud800'), () => checkedPrefix('conv-\udfff:')]) {
      assert.throws(code, (error: Error & { exitCode?: number }) => {
        assert.equal(error.name, 'CliError');
        assert.equal(error.exitCode, 2);
        assert.match(error.message, /well-formed Unicode/);
        return true;
      });
    }
    assert.equal(checkedKeys('conv:', 'user-😀').items, 'conv:user-😀');
  });
});
