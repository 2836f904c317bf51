import assert from 'node:assert/strict';
import { createClient } from 'redis';
import type { RedisSession } from 'agents-redis-session';
import { functionCall, userMessage } from './items.js';

/**
 * Runs every operation of a session on a fresh conversation, checks each
 * result, and checks that both of its keys live on the server at `masterUrl`
 * (on a cluster: the master of the conversation's slot). Closes the session.
 */
export async function exerciseSession(session: RedisSession, masterUrl: string): Promise<void> {
  const where = `${session.keys.items} (ttl ${session.ttl})`;
  await session.addItems([userMessage('one'), functionCall('call-1', '{"v":1}')]);
  const append = { operationId: 'op-append', transaction: { type: 'append_items' as const, items: [userMessage('two')] } };
  await session.applyHistoryTransaction(append);
  await session.applyHistoryTransaction(append); // a repeat is a no-op
  await session.applyHistoryTransaction({
    operationId: 'op-replace',
    transaction: { type: 'replace_suffix', expectedSuffix: [userMessage('two')], replacement: [userMessage('TWO')] },
  });
  await session.applyHistoryMutations({
    mutations: [{ type: 'replace_function_call', callId: 'call-1', replacement: functionCall('call-1', '{"v":2}') }],
  });
  assert.deepEqual(await session.getItems(), [userMessage('one'), functionCall('call-1', '{"v":2}'), userMessage('TWO')], where);
  assert.deepEqual(await session.getItems(1), [userMessage('TWO')], where);

  const master = createClient({ url: masterUrl });
  master.on('error', () => {});
  await master.connect();
  try {
    assert.equal(await master.lLen(session.keys.items), 3, `${where} lives on ${masterUrl}`);
    assert.equal(await master.exists(session.keys.meta), 1, `${session.keys.meta} lives on ${masterUrl}`);
  } finally {
    master.destroy();
  }

  assert.deepEqual(await session.popItem(), userMessage('TWO'), where);
  await session.replaceHistoryWithCompaction([userMessage('summary')]);
  assert.deepEqual(await session.getItems(), [userMessage('summary')], where);
  await session.clearSession();
  assert.deepEqual(await session.getItems(), [], where);
  assert.equal(await session.popItem(), undefined, where);
  await session.close();
}
