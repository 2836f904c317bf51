import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';
import { runCli, runCliJson } from './support/cli.js';
import { assertTtlSince } from './support/ttl.js';

/** Everything a conversation consists of in Redis, to compare before and after a round trip. */
async function snapshot(redis: ReturnType<typeof createClient>, id: string) {
  const items = `conv:${id}`;
  const meta = `{conv:${id}}:meta`;
  return {
    items: await redis.lRange(items, 0, -1),
    meta: { ...(await redis.hGetAll(meta)) },
    ttl: await redis.ttl(items),
    metaTtl: await redis.ttl(meta),
  };
}

/** export → FLUSHALL of a dedicated server → import gives back identical conversations, TTLs included. */
describe('agents-redis-session CLI export and import', () => {
  let server: RedisServerHandle;
  let redis: ReturnType<typeof createClient>;
  let dir: string;
  const ids = ['plain', 'with-ttl', 'long', 'transactions', 'raw'];

  before(async () => {
    server = await startRedisServer({ logName: 'cli-export' });
    redis = createClient({ url: server.url });
    await redis.connect();
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-export-'));
    const open = (conversationId: string, ttl?: number) => new RedisSession({ redisUrl: server.url, conversationId, ttl });
    await open('plain').addItems([{ role: 'user', content: 'héllo 👋' }, { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hi' }] }]);
    await open('with-ttl', 1000).addItems([{ role: 'user', content: 'expires' }]);
    await open('long', 5000).addItems(Array.from({ length: 2500 }, (_, i) => ({ role: 'user' as const, content: `message ${i}` })));
    await open('transactions').applyHistoryTransaction({
      operationId: 'op-1',
      transaction: { type: 'append_items', items: [{ role: 'user', content: 'once' }] },
    } as never);
    await redis.rPush('conv:raw', ['{"$enc":"v1:ciphertext"}', 'not json']);
    await closeSharedConnections();
  });

  after(async () => {
    await closeSharedConnections();
    redis.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips every conversation with its metadata and its expiry instant (less only the time elapsed), then is idempotent', async () => {
    const readAt = Date.now();
    const before = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await snapshot(redis, id)] as const)));
    assert.ok(Object.keys(before.transactions!.meta).some((field) => field.startsWith('op:')), 'setup: an applied operation id');
    const file = path.join(dir, 'all.jsonl');
    const exported = await runCliJson<{ exported: number }>(['--url', server.url, 'export', '--out', file]);
    assert.equal(exported.result.code, 0, exported.result.stderr);
    assert.equal(exported.json.exported, ids.length);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; key: string; ttl: number | null; items: string[]; meta: object });
    assert.deepEqual(lines.map((line) => line.id).sort(), [...ids].sort());
    assert.deepEqual(lines.find((line) => line.id === 'raw')!.items, ['{"$enc":"v1:ciphertext"}', 'not json']);

    await redis.flushAll();
    const imported = await runCliJson<{ imported: number; unchanged: number; refused: number }>(['--url', server.url, 'import', '--in', file]);
    assert.equal(imported.result.code, 0, imported.result.stderr);
    assert.deepEqual([imported.json.imported, imported.json.unchanged, imported.json.refused], [ids.length, 0, 0]);

    for (const id of ids) {
      const after = await snapshot(redis, id);
      const was = before[id]!;
      assert.deepEqual(after.items, was.items, id);
      assert.deepEqual(after.meta, was.meta, id);
      for (const [now, then] of [[after.ttl, was.ttl], [after.metaTtl, was.metaTtl]] as const) {
        if (then === -1 || then === -2) assert.equal(now, then, `${id} ttl`);
        else assertTtlSince(now, then, readAt, id);
      }
    }
    // The imported conversation works as a session again.
    const session = new RedisSession({ redisUrl: server.url, conversationId: 'long' });
    assert.equal((await session.getItems(1))[0] && JSON.stringify(await session.getItems(1)), JSON.stringify([{ role: 'user', content: 'message 2499' }]));
    await session.close();

    const again = await runCliJson<{ imported: number; unchanged: number; refused: number }>(['--url', server.url, 'import', '--in', file]);
    assert.equal(again.result.code, 0);
    assert.deepEqual([again.json.imported, again.json.unchanged, again.json.refused], [0, ids.length, 0]);
  });

  it('refuses to clobber a conversation whose content differs, unless --overwrite', async () => {
    const file = path.join(dir, 'plain.jsonl');
    const exported = await runCli(['--url', server.url, 'export', '--match', 'pla*']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout.trim().split('\n').length, 1);
    writeFileSync(file, exported.stdout);
    await redis.rPush('conv:plain', '{"role":"user","content":"added later"}');

    const refused = await runCliJson<{ refused: number; refusedConversations: { id: string; reason: string }[] }>(['--url', server.url, 'import', '--in', file]);
    assert.equal(refused.result.code, 1);
    assert.equal(refused.json.refused, 1);
    assert.match(refused.json.refusedConversations[0]!.reason, /different content .*--overwrite/);
    assert.equal(await redis.lLen('conv:plain'), 3);

    const overwritten = await runCliJson<{ imported: number }>(['--url', server.url, 'import', '--overwrite'], { input: exported.stdout });
    assert.equal(overwritten.result.code, 0, overwritten.result.stderr);
    assert.equal(overwritten.json.imported, 1);
    assert.equal(await redis.lLen('conv:plain'), 2);
  });

  it('never overwrites a key of another type, even with --overwrite', async () => {
    await redis.set('conv:foreign', 'someone else');
    const line = JSON.stringify({ id: 'foreign', key: 'conv:foreign', ttl: null, items: ['{"role":"user","content":"x"}'], meta: {} });
    const result = await runCliJson<{ refused: number; refusedConversations: { reason: string }[] }>(['--url', server.url, 'import', '--overwrite'], { input: `${line}\n` });
    assert.equal(result.result.code, 1);
    assert.match(result.json.refusedConversations[0]!.reason, /another type/);
    assert.equal(await redis.get('conv:foreign'), 'someone else');
  });

  it('validates every line first: bad JSON or missing fields name the line, and nothing is written', async () => {
    const good = JSON.stringify({ id: 'new-one', key: 'conv:new-one', ttl: 60, items: ['{"role":"user","content":"x"}'], meta: {} });
    const cases: [string, RegExp][] = [
      [`${good}\n{not json\n`, /line 2: not valid JSON/],
      [`${good}\n${JSON.stringify({ id: 'b', items: [], meta: {} })}\n`, /line 2: missing field "ttl"/],
      [`${JSON.stringify({ id: 'a{b}', ttl: null, items: [], meta: {} })}\n${good}\n`, /line 1: .*must not contain "\{"/],
      [`${good}\n${JSON.stringify({ id: 'c', ttl: -1, items: [], meta: {} })}\n`, /line 2: ttl must be null or a whole number/],
      [`${good}\n${JSON.stringify({ id: 'd', ttl: null, items: [1], meta: {} })}\n`, /line 2: "items" must be an array of strings/],
      [`${good}\n\n${good}\n`, /line 3: conversation "new-one" appears again \(first on line 1\)/],
    ];
    const keysBefore = await redis.dbSize();
    for (const [input, message] of cases) {
      const result = await runCli(['--url', server.url, 'import'], { input });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /nothing was written/);
      assert.match(result.stderr, message);
    }
    assert.equal(await redis.dbSize(), keysBefore);
    assert.equal(await redis.exists('conv:new-one'), 0);
  });
});
