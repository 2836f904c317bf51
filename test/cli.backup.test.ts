/**
 * export/import as a backup that restores, on a real redis-server with the built CLI: a conversation
 * about to expire is exported with an absolute expiry and never makes the file unreadable; what expired in between is
 * skipped and counted; a BOM, an empty conversation and a bad version are handled; --json usage errors are JSON; the
 * import script checks the user's ACL before its first write.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';
import { collect, runCli, runCliJson, spawnCli } from './support/cli.js';

interface ImportReport {
  imported: number;
  unchanged: number;
  expired: number;
  empty: number;
  refused: number;
  skippedConversations: { id: string; reason: string }[];
}

interface ExportLine {
  id: string;
  ttl: number | null;
  expiresAt?: number | null;
  items: string[];
  meta: Record<string, string>;
}

const entry = (text: string) => JSON.stringify({ role: 'user', content: text });
const line = (fields: Record<string, unknown>) => `${JSON.stringify({ key: `conv:${String(fields.id)}`, items: [entry('x')], meta: { v: '1' }, ...fields })}\n`;

describe('CLI export/import as a backup', () => {
  let server: RedisServerHandle;
  let redis: ReturnType<typeof createClient>;
  let dir: string;

  before(async () => {
    server = await startRedisServer({ logName: 'cli-backup' });
    redis = createClient({ url: server.url });
    redis.on('error', () => {});
    await redis.connect();
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-backup-'));
  });

  after(async () => {
    await server.command(['CLIENT', 'UNPAUSE']).catch(() => {});
    redis.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a conversation with under 0.5 s left is exported with expiresAt and a ttl of at least 1; import accepts the file', async (t) => {
    await redis.rPush('conv:long-lived', [entry('stays')]);
    let exported: Awaited<ReturnType<typeof collect>> | undefined;
    let lines: ExportLine[] = [];
    let short: ExportLine | undefined;
    // The server is paused while the CLI starts and connects, then the export reads a PTTL near 400 ms (TTL would say 0).
    // The pause stops clients and active expiry, not the clock. A CLI that needs longer than the pause to start gets a
    // second, longer try.
    for (const pauseMs of [4600, 9600]) {
      await redis.del(['conv:short', '{conv:short}:meta']);
      await redis.rPush('conv:short', [entry('about to expire')]);
      await redis.hSet('{conv:short}:meta', 'v', '1');
      await redis.pExpire('conv:short', pauseMs + 400);
      await redis.pExpire('{conv:short}:meta', pauseMs + 400);
      // A connect timeout longer than the pause: the handshake waits for the pause to end, on a loaded machine too.
      const child = spawnCli(['--url', server.url, '--connect-timeout', '30000', 'export']);
      await server.command(['CLIENT', 'PAUSE', String(pauseMs), 'ALL']);
      exported = await collect(child, 60_000);
      assert.equal(exported.code, 0, exported.stderr);
      lines = exported.stdout.trim().split('\n').map((text) => JSON.parse(text) as ExportLine);
      short = lines.find((candidate) => candidate.id === 'short');
      if (short !== undefined) break;
    }
    if (short !== undefined) {
      assert.ok(short.ttl !== null && short.ttl >= 1, `ttl rounded up, never 0: ${JSON.stringify(short)}`);
      assert.ok(typeof short.expiresAt === 'number', 'an absolute expiry');
      const time = (await redis.time()) as unknown as [string, string] | Date;
      const now = time instanceof Date ? time.getTime() : Number(time[0]) * 1000;
      assert.ok(short.expiresAt > now - 60_000 && short.expiresAt < now + 2000, `expiresAt ${short.expiresAt} near ${now}`);
    } else {
      // So loaded a machine that the key expired before the MULTI: nothing to check about it, but the file must import.
      t.diagnostic('the short-lived conversation expired before the export read it');
    }
    const longLived = lines.find((candidate) => candidate.id === 'long-lived')!;
    assert.deepEqual([longLived.ttl, longLived.expiresAt], [null, null]);

    await redis.del(['conv:short', '{conv:short}:meta', 'conv:long-lived', '{conv:long-lived}:meta']);
    const imported = await runCliJson<ImportReport>(['--url', server.url, 'import'], { input: exported!.stdout });
    assert.equal(imported.result.code, 0, `the file is accepted: ${imported.result.stderr}`);
    const pttl = await redis.pTTL('conv:short');
    if (imported.json.expired === 1) {
      assert.deepEqual(imported.json.skippedConversations, [{ id: 'short', reason: 'expired' }]);
      assert.equal(await redis.exists(['conv:short', '{conv:short}:meta']), 0, 'an expired conversation is not written');
    } else if (short !== undefined) {
      assert.ok(pttl > 0 && pttl <= 2000, `imported with what was left of its TTL: ${pttl}`);
    }
    assert.equal(await redis.lLen('conv:long-lived'), 1);
    assert.equal(await redis.pTTL('conv:long-lived'), -1);
  });

  it('restores the remaining time from expiresAt, and from an old file ttl counted from the server clock', async () => {
    const now = Date.now();
    const input = line({ id: 'at-future', ttl: 1, expiresAt: now + 100_000 }) + line({ id: 'old-ttl', ttl: 50 });
    const result = await runCliJson<ImportReport>(['--url', server.url, 'import'], { input });
    assert.equal(result.result.code, 0, result.result.stderr);
    assert.equal(result.json.imported, 2);
    const future = await redis.pTTL('conv:at-future');
    assert.ok(future > 60_000 && future <= 100_000, `expiresAt wins over ttl: ${future}`);
    assert.ok((await redis.pTTL('{conv:at-future}:meta')) > 60_000, 'the metadata expires with it');
    const old = await redis.pTTL('conv:old-ttl');
    assert.ok(old > 10_000 && old <= 50_000, `old ttl: ${old}`);
  });

  it('skips and counts a conversation whose expiresAt has passed (or an old ttl of 0), importing the rest', async () => {
    const input =
      line({ id: 'gone', ttl: 5, expiresAt: Date.now() - 60_000 }) + line({ id: 'old-zero', ttl: 0 }) + line({ id: 'alive', ttl: null, expiresAt: null });
    const result = await runCliJson<ImportReport>(['--url', server.url, 'import'], { input });
    assert.equal(result.result.code, 0, result.result.stderr);
    assert.deepEqual([result.json.imported, result.json.expired, result.json.refused], [1, 2, 0]);
    assert.deepEqual(result.json.skippedConversations.map((skipped) => skipped.id).sort(), ['gone', 'old-zero']);
    assert.equal(await redis.exists(['conv:gone', '{conv:gone}:meta', 'conv:old-zero', '{conv:old-zero}:meta']), 0);
    assert.equal(await redis.lLen('conv:alive'), 1);

    const text = await runCli(['--url', server.url, 'import'], { input: line({ id: 'gone-2', ttl: 5, expiresAt: 1 }) });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Imported 0, unchanged 0, expired 1, empty 0, refused 0\./);
    assert.match(text.stderr, /skipped "gone-2": expired/);
  });

  it('accepts a UTF-8 byte order mark before the first line', async () => {
    const result = await runCliJson<ImportReport>(['--url', server.url, 'import'], { input: `\uFEFF${line({ id: 'bom', ttl: null })}` });
    assert.equal(result.result.code, 0, result.result.stderr);
    assert.equal(result.json.imported, 1);
    assert.equal(await redis.lLen('conv:bom'), 1);
  });

  it('reports a conversation with no items as skipped (empty), and writes nothing for it', async () => {
    const result = await runCliJson<ImportReport>(['--url', server.url, 'import'], { input: line({ id: 'hollow', ttl: null, items: [] }) });
    assert.equal(result.result.code, 0, result.result.stderr);
    assert.deepEqual([result.json.imported, result.json.empty], [0, 1]);
    assert.deepEqual(result.json.skippedConversations, [{ id: 'hollow', reason: 'empty' }]);
    assert.equal(await redis.exists(['conv:hollow', '{conv:hollow}:meta']), 0);
  });

  it('refuses a metadata version that is not a whole number the session can increment, naming the line; nothing written', async () => {
    const keysBefore = await redis.dbSize();
    for (const v of ['abc', '1.5', '-1', '007', ' 1', '9223372036854775807', '99999999999999999999']) {
      const input = line({ id: 'fine', ttl: null }) + line({ id: 'bad-v', ttl: null, meta: { v } });
      const result = await runCli(['--url', server.url, 'import'], { input });
      assert.equal(result.code, 2, `v ${JSON.stringify(v)}: ${result.stderr}`);
      assert.match(result.stderr, /line 2: "meta\.v" .*whole number/, v);
      assert.match(result.stderr, /nothing was written/);
    }
    assert.equal(await redis.dbSize(), keysBefore);
    assert.equal(await redis.exists(['conv:fine', 'conv:bad-v']), 0);
    const ok = await runCliJson<ImportReport>(['--url', server.url, 'import'], { input: line({ id: 'max-v', ttl: null, meta: { v: '9223372036854775806' } }) });
    assert.equal(ok.json.imported, 1, ok.result.stderr);
  });

  it('with --json, every usage error is one JSON line on stderr: {error, exitCode}', async () => {
    for (const args of [
      ['--json', 'list', '--bogus'],
      ['list', '--limit', 'abc', '--json'],
      ['--json', 'show'],
      ['--json', 'no-such-command'],
      ['--json'],
      ['--json', '--connect-timeout', '0', 'list'],
      ['--json', 'expire', 'x', '1', '2'],
    ]) {
      const result = await runCli(['--url', server.url, ...args]);
      const where = args.join(' ');
      assert.equal(result.code, 2, `${where}: ${result.stderr}`);
      assert.equal(result.stdout, '', where);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${where}: one line, got ${result.stderr}`);
      const error = JSON.parse(lines[0]!) as { error: unknown; exitCode: unknown };
      assert.equal(typeof error.error, 'string', where);
      assert.equal(error.exitCode, 2, where);
    }
    // Without --json, commander's text stays.
    const text = await runCli(['--url', server.url, 'list', '--bogus']);
    assert.equal(text.code, 2);
    assert.match(text.stderr, /unknown option '--bogus'/);
  });

  it('a user that may not set expiries gets a NOPERM naming the command, and nothing is written', async () => {
    await server.command(['ACL', 'SETUSER', 'no_expiry', 'on', '>no-expiry-Pa55', '~*', '&*', '+@all', '-expire', '-pexpireat', '-pexpire']);
    const url = `redis://no_expiry:no-expiry-Pa55@127.0.0.1:${server.port}`;
    const result = await runCli(['--url', url, 'import'], { input: line({ id: 'acl-check', ttl: 100, expiresAt: Date.now() + 100_000 }) });
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /NOPERM .*PEXPIREAT/);
    assert.equal(await redis.exists(['conv:acl-check', '{conv:acl-check}:meta']), 0, 'nothing written');

    // --overwrite of an existing conversation by a user without HSET: the old content is not deleted.
    await redis.rPush('conv:acl-keep', [entry('kept')]);
    await server.command(['ACL', 'SETUSER', 'no_hset', 'on', '>no-hset-Pa55', '~*', '&*', '+@all', '-hset']);
    const overwrite = await runCli(['--url', `redis://no_hset:no-hset-Pa55@127.0.0.1:${server.port}`, 'import', '--overwrite'], {
      input: line({ id: 'acl-keep', ttl: null }),
    });
    assert.equal(overwrite.code, 4, overwrite.stderr);
    assert.match(overwrite.stderr, /NOPERM .*HSET/);
    assert.deepEqual(await redis.lRange('conv:acl-keep', 0, -1), [entry('kept')]);
  });
});
