/**
 * Compression at rest (the `compression` option) against a real Redis: every method reads and writes as without it,
 * history transactions and mutations compare compressed entries correctly inside Lua, it combines with encryption,
 * subscribers get the items, the CLI reads compressed conversations, and the items take less memory.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AgentInputItem } from '@openai/agents';
import { RedisSession, RedisSessionConflictError, type ChangeEvent, type EncryptionOptions } from 'agents-redis-session';
import { waitUntil } from './harness/index.js';
import { collect, runCli, runCliJson, spawnCli, waitForStderr } from './support/cli.js';
import { exerciseSession } from './support/exerciseSession.js';
import { assistant, functionCall, user } from './support/items.js';
import { useSessionFixture } from './support/sessionFixture.js';

const fixture = useSessionFixture();
const COMPRESSED = '{"$z":"br"';
const encryption: EncryptionOptions = { keys: { k1: randomBytes(32) }, currentKeyId: 'k1' };

/** A page of documentation, as a fetch tool returns it: a few KiB of text that compresses well. */
const page = (seed: string, lines = 120): string =>
  Array.from({ length: lines }, (_, i) => `## ${seed} section ${i % 9}\nThe option number ${i % 17} configures the ${seed} client; see the API reference.`).join('\n');
const toolResult = (callId: string, text: string): AgentInputItem =>
  ({ type: 'function_call_result', callId, name: 'fetch', status: 'completed', output: { type: 'text', text } }) as AgentInputItem;
const bigCall = (callId: string, text: string) => functionCall(callId, JSON.stringify({ body: page(text, 40) }));
const turn = (n: number): AgentInputItem[] => [user(`question ${n}`), bigCall(`call-${n}`, `q${n}`), toolResult(`call-${n}`, page(`doc${n}`)), assistant(`answer ${n}`)];

async function raw(session: RedisSession): Promise<string[]> {
  return fixture.redis.lRange(session.keys.items, 0, -1);
}

describe('compression at rest', () => {
  it('runs every session operation unchanged (small items stay plain JSON)', async () => {
    await exerciseSession(fixture.session({ compression: true }), fixture.server.url);
    await exerciseSession(fixture.session({ compression: { minBytes: 1 }, encryption }), fixture.server.url);
  });

  for (const [label, options] of [['plain', {}], ['encrypted', { encryption }]] as const) {
    it(`${label}: stores large items compressed, reads them back, and compares them in transactions and mutations`, async () => {
      const session = fixture.session({ compression: true, ...options });
      const items = [...turn(1), ...turn(2)];
      await session.addItems(items);
      const stored = await raw(session);
      if (label === 'plain') {
        assert.deepEqual(stored.map((entry) => entry.startsWith(COMPRESSED)), [false, true, true, false, false, true, true, false]);
      } else {
        assert.ok(stored.every((entry) => entry.startsWith('{"$enc":1,')));
        assert.deepEqual(stored.map((entry) => entry.includes('"z":"br"')), [false, true, true, false, false, true, true, false]);
      }
      assert.deepEqual(await session.getItems(), items);
      assert.deepEqual(await session.getItems(3), items.slice(5));
      assert.deepEqual((await session.getPage({ limit: 2 })).items, items.slice(6));

      // replace_suffix: the expected suffix (compressed and plain entries, keys in another order) matches inside Lua.
      const reordered = items.slice(5).map((item) => Object.fromEntries(Object.entries(item).reverse()) as AgentInputItem);
      await session.applyHistoryTransaction({
        operationId: 'op-1',
        transaction: { type: 'replace_suffix', expectedSuffix: reordered, replacement: [toolResult('call-2', page('replaced')), assistant('again')] },
      });
      await assert.rejects(
        session.applyHistoryTransaction({
          operationId: 'op-2',
          transaction: { type: 'replace_suffix', expectedSuffix: [toolResult('call-2', page('other')), assistant('again')], replacement: [] },
        }),
        RedisSessionConflictError,
      );
      const afterTransaction = [...items.slice(0, 5), toolResult('call-2', page('replaced')), assistant('again')];
      assert.deepEqual(await session.getItems(), afterTransaction);

      // replace_function_call finds a compressed function call by its clear-text call id.
      await session.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'call-1', replacement: bigCall('call-1', 'rewritten') }] });
      const afterMutation = [afterTransaction[0]!, bigCall('call-1', 'rewritten'), ...afterTransaction.slice(2)];
      assert.deepEqual(await session.getItems(), afterMutation);

      assert.deepEqual(await session.popItem(), assistant('again'));
      assert.deepEqual(await session.popItem(), toolResult('call-2', page('replaced')));
      const copy = await session.fork({ conversationId: fixture.uniqueId('fork') });
      assert.deepEqual(await copy.getItems(), afterMutation.slice(0, -2));
      await copy.close();
      await session.replaceHistoryWithCompaction([toolResult('summary', page('summary'))]);
      assert.deepEqual(await session.getItems(), [toolResult('summary', page('summary'))]);
    });
  }

  it('turning compression off (or on) later keeps reading every entry, and transactions still compare them', async () => {
    const id = fixture.uniqueId('toggle');
    const items = turn(1);
    await fixture.session({ conversationId: id, compression: true }).addItems(items.slice(0, 2));
    await fixture.session({ conversationId: id }).addItems(items.slice(2));
    const off = fixture.session({ conversationId: id });
    assert.deepEqual(await off.getItems(), items);
    await off.applyHistoryTransaction({
      operationId: 'op',
      transaction: { type: 'replace_suffix', expectedSuffix: items.slice(1), replacement: [assistant('short')] },
    });
    assert.deepEqual(await fixture.session({ conversationId: id, compression: { minBytes: 10 } }).getItems(), [items[0], assistant('short')]);
  });

  it('change events carry the items, decompressed for subscribers; encrypted ones carry counts', async () => {
    const session = fixture.session({ compression: true, changeEvents: true });
    const events: ChangeEvent[] = [];
    const stop = await session.subscribe((event) => void events.push(event));
    await session.addItems(turn(1));
    await session.applyHistoryTransaction({
      operationId: 'op',
      transaction: { type: 'replace_suffix', expectedSuffix: turn(1).slice(2), replacement: [toolResult('call-1', page('new'))] },
    });
    await waitUntil(() => events.length === 2, { timeoutMs: 30_000, description: 'two change events' });
    assert.deepEqual(events[0]!.items, turn(1));
    assert.deepEqual(events[1]!.items, [toolResult('call-1', page('new'))]);
    await stop();

    const encrypted = fixture.session({ compression: true, encryption, changeEvents: true });
    const sealed: ChangeEvent[] = [];
    const stopSealed = await encrypted.subscribe((event) => void sealed.push(event));
    await encrypted.addItems(turn(1));
    await waitUntil(() => sealed.length === 1, { timeoutMs: 30_000, description: 'the encrypted add event' });
    assert.equal(sealed[0]!.count, 4);
    assert.equal(sealed[0]!.items, undefined);
    await stopSealed();
  });

  it('the CLI shows, exports, imports and tails compressed conversations', async () => {
    const url = fixture.server.url;
    const prefix = `cli-${randomBytes(4).toString('hex')}:`;
    const session = new RedisSession({ redisUrl: url, keyPrefix: prefix, conversationId: 'zipped', compression: true, changeEvents: true });
    const items = turn(1);
    await session.addItems(items);

    const shown = await runCliJson<{ items: { index: number; item?: unknown; status?: string }[] }>(['--url', url, '--prefix', prefix, 'show', 'zipped']);
    assert.deepEqual(shown.json.items.map((row) => row.item), items);
    const text = await runCli(['--url', url, '--prefix', prefix, 'show', 'zipped']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /function_call_result\s+## doc1 section 0/);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'compression-'));
    try {
      const file = path.join(dir, 'export.jsonl');
      assert.equal((await runCli(['--url', url, '--prefix', prefix, 'export', '--out', file])).code, 0);
      const exported = JSON.parse(readFileSync(file, 'utf8')) as { items: string[] };
      assert.deepEqual(exported.items, await raw(session), 'export keeps the entries as stored');
      const otherPrefix = `${prefix}copy:`;
      const imported = await runCliJson<{ imported: number }>(['--url', url, '--prefix', otherPrefix, 'import', '--in', file]);
      assert.equal(imported.json.imported, 1);
      const reader = new RedisSession({ redisUrl: url, keyPrefix: otherPrefix, conversationId: 'zipped' });
      assert.deepEqual(await reader.getItems(), items);
      await reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const child = spawnCli(['--url', url, '--prefix', prefix, '--json', 'tail', 'zipped', '--max-events', '1', '--timeout-ms', '60000']);
    const done = collect(child, 90_000);
    await waitForStderr(child, 'Listening on');
    await session.addItems(turn(2));
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { items: unknown }).items, turn(2));
    await session.close();
  });

  it('the items of a conversation of tool outputs take several times less memory', async () => {
    const items = Array.from({ length: 10 }, (_, n) => turn(n)).flat();
    const plain = fixture.session();
    const compressed = fixture.session({ compression: true });
    await plain.addItems(items);
    await compressed.addItems(items);
    const usage = async (session: RedisSession) => Number(await fixture.redis.memoryUsage(session.keys.items));
    const [before, after] = [await usage(plain), await usage(compressed)];
    assert.ok(after * 2 < before, `compressed ${after} bytes, plain ${before} bytes`);
  });
});
