/**
 * Persistence and recovery on real redis-server processes (harness, loopback):
 * - with the AOF on, a `kill -9` in the middle of a write load loses no
 *   acknowledged write, for appendfsync always and everysec (a crash of the
 *   process alone: the OS keeps what Redis wrote; a power loss is another story,
 *   see docs/operations.md);
 * - a backup (BGSAVE, copy dump.rdb) restores the same conversations, metadata
 *   and expiry times on a second server, with the AOF off or on.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { parseInfo, startRedisServer, stopAllRedisServers, waitUntil, type RedisServerHandle } from './harness/index.js';
import { userMessage } from './support/items.js';

const CONVERSATIONS = 50;
const WRITES_PER_CONVERSATION = 40; // 2,000 addItems in all
const KILL_AFTER_ACKS = 600;

const tempDirs: string[] = [];
after(async () => {
  await closeSharedConnections();
  await stopAllRedisServers();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function newClient(url: string) {
  const client = createClient({ url });
  client.on('error', () => {});
  return client;
}

async function withClient<T>(url: string, use: (client: ReturnType<typeof newClient>) => Promise<T>): Promise<T> {
  const client = newClient(url);
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** What one writer saw: the texts whose addItems resolved, in order, and the one that failed (if any). */
interface WriterLog {
  id: string;
  acked: string[];
  failed: string | undefined;
}

/** Writes to one conversation, one item at a time, until done or the first failure (after which the order is unknown). */
async function writer(session: RedisSession, log: WriterLog): Promise<void> {
  for (let i = 0; i < WRITES_PER_CONVERSATION; i++) {
    const text = `${log.id}#${i}`;
    try {
      await session.addItems([userMessage(text)]);
    } catch {
      log.failed = text;
      return;
    }
    log.acked.push(text);
  }
}

for (const appendfsync of ['always', 'everysec'] as const) {
  describe(`AOF with appendfsync ${appendfsync}`, () => {
    it('keeps every acknowledged write, in order and once, across a kill -9 during the writes', async () => {
      const server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', appendfsync], logName: `aof-${appendfsync}` });
      const logs: WriterLog[] = Array.from({ length: CONVERSATIONS }, (_, n) => ({ id: `crash-${appendfsync}-${n}`, acked: [], failed: undefined }));
      const sessions = logs.map(
        (log) => new RedisSession({ conversationId: log.id, redisUrl: server.url, commandTimeoutMs: 1500, connectTimeoutMs: 1000 }),
      );
      try {
        const writes = Promise.all(sessions.map((session, n) => writer(session, logs[n]!)));
        const ackedCount = () => logs.reduce((sum, log) => sum + log.acked.length, 0);
        await waitUntil(() => ackedCount() >= KILL_AFTER_ACKS, { timeoutMs: 30_000, intervalMs: 1, description: `${KILL_AFTER_ACKS} acknowledged writes` });
        await server.kill9();
        const ackedAtKill = ackedCount();
        await writes; // every writer stops at its first failure (connection lost, then command timeout)
        assert.equal(ackedCount(), ackedAtKill, 'nothing is acknowledged while the server is down');
        assert.ok(ackedAtKill < CONVERSATIONS * WRITES_PER_CONVERSATION, 'the kill happened in the middle of the writes');

        await server.restart(); // same port, same dir: Redis replays appendonlydir/
        let unacknowledgedPresent = 0;
        await withClient(server.url, async (client) => {
          for (const log of logs) {
            const stored = (await client.lRange(`conv:${log.id}`, 0, -1)).map((entry) => (JSON.parse(entry) as { content: string }).content);
            const extra = stored.slice(log.acked.length);
            assert.deepEqual(stored.slice(0, log.acked.length), log.acked, `${log.id}: every acknowledged write, in order`);
            // The write in flight at the kill may or may not have been applied; nothing else may be there.
            assert.deepEqual(extra, extra.length === 0 ? [] : [log.failed], `${log.id}: only the in-flight write may follow`);
            unacknowledgedPresent += extra.length;
          }
        });
        const aof = parseInfo(String(await server.command(['INFO', 'persistence'])));
        assert.equal(aof.get('aof_enabled'), '1');
        console.log(
          `appendfsync ${appendfsync}: ${ackedAtKill} writes acknowledged before kill -9, all ${ackedAtKill} present after restart; ` +
            `${logs.filter((log) => log.failed).length} in flight, ${unacknowledgedPresent} of them present`,
        );
      } finally {
        await Promise.all(sessions.map((session) => session.close()));
        await closeSharedConnections();
        await server.stop();
      }
    });
  });
}

describe('backup and restore (RDB)', () => {
  /** Conversations with and without TTLs, and metadata (version, applied operation ids). */
  async function writeConversations(url: string): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) {
      const session = new RedisSession({ conversationId: `backup-${n}`, redisUrl: url, ttl: n % 2 === 0 ? 3600 + n : undefined });
      await session.addItems([userMessage(`hello ${n}`), userMessage(`again ${n}`)]);
      await session.applyHistoryTransaction({ operationId: `op-${n}`, transaction: { type: 'append_items', items: [userMessage(`tx ${n}`)] } });
      await session.close();
      ids.push(session.keys.items, session.keys.meta);
    }
    return ids;
  }

  /** Everything about a key that a restore must keep: type, value, absolute expiry time. */
  async function snapshot(url: string, keys: string[]): Promise<unknown[]> {
    return withClient(url, async (client) =>
      Promise.all(
        keys.map(async (key) => {
          const type = await client.type(key);
          const value = type === 'list' ? await client.lRange(key, 0, -1) : await client.hGetAll(key);
          return { key, type, value, pexpiretime: await client.sendCommand(['PEXPIRETIME', key]) };
        }),
      ),
    );
  }

  async function bgsaveAndWait(server: RedisServerHandle): Promise<void> {
    assert.match(String(await server.command(['BGSAVE'])), /Background saving started/);
    await waitUntil(
      async () => {
        const rdb = parseInfo(String(await server.command(['INFO', 'persistence'])));
        return rdb.get('rdb_bgsave_in_progress') === '0' && rdb.get('rdb_changes_since_last_save') === '0' && rdb.get('rdb_last_bgsave_status') === 'ok';
      },
      { timeoutMs: 60_000, description: 'BGSAVE to finish' },
    );
  }

  function newDir(label: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), `agents-redis-session-${label}-`));
    tempDirs.push(dir);
    return dir;
  }

  it('BGSAVE, copy dump.rdb, start a second server on the copy: identical conversations and expiry times', async () => {
    const source = await startRedisServer({ logName: 'backup-source' });
    const keys = await writeConversations(source.url);
    await bgsaveAndWait(source);
    const before = await snapshot(source.url, keys);
    assert.ok((before as { pexpiretime: number }[]).some((key) => key.pexpiretime > 0), 'some keys expire');
    assert.ok((before as { pexpiretime: number }[]).some((key) => key.pexpiretime === -1), 'some keys never expire');

    const restoreDir = newDir('restore-rdb');
    copyFileSync(path.join(source.dir, 'dump.rdb'), path.join(restoreDir, 'dump.rdb'));
    const restored = await startRedisServer({ dir: restoreDir, logName: 'backup-restored' });
    assert.deepEqual(await snapshot(restored.url, keys), before);
    const session = new RedisSession({ conversationId: 'backup-3', redisUrl: restored.url });
    assert.deepEqual(await session.getItems(), [userMessage('hello 3'), userMessage('again 3'), userMessage('tx 3')]);
    await session.close();
    await restored.stop();
    await source.stop();
  });

  it('restores the same dump.rdb into a server with the AOF on, through an AOF manifest (a bare dump.rdb would be ignored)', async () => {
    const source = await startRedisServer({ logName: 'backup-source-aof' });
    const keys = await writeConversations(source.url);
    await bgsaveAndWait(source);
    const before = await snapshot(source.url, keys);

    // Pitfall: with appendonly yes and no appendonlydir/, Redis 7 starts EMPTY and ignores dump.rdb.
    const ignoredDir = newDir('restore-ignored');
    copyFileSync(path.join(source.dir, 'dump.rdb'), path.join(ignoredDir, 'dump.rdb'));
    const ignored = await startRedisServer({ dir: ignoredDir, args: ['--appendonly', 'yes'], logName: 'backup-ignored' });
    assert.equal(await ignored.command(['DBSIZE']), 0, 'dump.rdb was ignored because the AOF is on');
    await ignored.stop();

    // The fix: make the snapshot the AOF's base file.
    const restoreDir = newDir('restore-aof');
    mkdirSync(path.join(restoreDir, 'appendonlydir'));
    copyFileSync(path.join(source.dir, 'dump.rdb'), path.join(restoreDir, 'appendonlydir', 'appendonly.aof.1.base.rdb'));
    writeFileSync(path.join(restoreDir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.rdb seq 1 type b\n');
    const restored = await startRedisServer({ dir: restoreDir, args: ['--appendonly', 'yes'], logName: 'backup-restored-aof' });
    assert.deepEqual(await snapshot(restored.url, keys), before);
    await restored.stop();
    await source.stop();
  });
});
