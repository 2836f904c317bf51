import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatParent, formatUsage, isoTime } from '../../src/cli/info.js';
import { emptyTotals } from '../../src/usage/usage.js';

// How the CLI shows a conversation's info and usage (show, list --owner, fork), without Redis.

describe('CLI: info and usage formatting', () => {
  it('usage in one line: requests, total tokens, then input, output and each detail by its short name', () => {
    assert.equal(formatUsage(emptyTotals()), '0 requests, 0 tokens (input 0, output 0)');
    assert.equal(
      formatUsage({ requests: 1, inputTokens: 412, outputTokens: 18, totalTokens: 430, inputTokensDetails: { cached_tokens: 256 }, outputTokensDetails: { reasoning_tokens: 7 } }),
      '1 request, 430 tokens (input 412, output 18, cached 256, reasoning 7)',
    );
  });

  it('times as ISO (server time in ms), "-" when unknown; a parent as its id and how many items were copied', () => {
    assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
    assert.equal(isoTime(null), '-');
    assert.equal(formatParent({ parent: null }), '-');
    assert.equal(formatParent({ parent: { conversationId: 'chat-1', upTo: 1 } }), 'chat-1 (its first 1 item)');
    assert.equal(formatParent({ parent: { conversationId: 'chat-1', upTo: 4 } }), 'chat-1 (its first 4 items)');
  });
});
