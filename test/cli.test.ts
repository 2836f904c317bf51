import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { freePort, startRedisServer, type RedisServerHandle } from './harness/index.js';
import { generateCertificates, tlsServerArgs, type CertificateSet } from './support/certificates.js';
import { collect, runBin, runCli, runCliJson, spawnCli, waitForStderr } from './support/cli.js';
import { assertTtlSince } from './support/ttl.js';

/**
 * The CLI against one throwaway server: every command, human and --json output, and bad input. Commands run in-process
 * (runCli); the built bin runs as a process (runBin, spawnCli) where only a process shows the behaviour: REDIS_URL from
 * the environment, the exit status of a process, everything it writes, signals and live output.
 */
describe('agents-redis-session CLI', () => {
  let server: RedisServerHandle;
  let redis: ReturnType<typeof createClient>;
  let url: string;
  /** Date.now() just before ada's TTL of 3600 s was set. */
  let adaWrittenAt: number;
  const sessions: RedisSession[] = [];
  const session = (conversationId: string, ttl?: number): RedisSession => {
    const created = new RedisSession({ redisUrl: url, conversationId, ttl });
    sessions.push(created);
    return created;
  };

  before(async () => {
    server = await startRedisServer({ logName: 'cli' });
    url = server.url;
    redis = createClient({ url });
    await redis.connect();
    adaWrittenAt = Date.now();
    await session('ada', 3600).addItems([
      { role: 'user', content: 'Hi, I am Ada.' },
      { type: 'function_call', name: 'lookup', callId: 'c1', arguments: '{"q":"Ada"}' },
      { type: 'function_call_result', name: 'lookup', callId: 'c1', status: 'completed', output: { type: 'text', text: 'found' } },
      { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello Ada!' }] },
    ]);
    await session('bob').addItems([{ role: 'user', content: 'Hello' }]);
    await redis.rPush('conv:odd', ['not json', '{"$enc":"v1:abc"}', '[1,2]', '{"role":"user","content":"fine"}']);
    await redis.set('conv:stringkey', 'not a list');
    await redis.rPush('other:zed', ['{"role":"user","content":"elsewhere"}']);
  });

  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await closeSharedConnections();
    redis.destroy();
    await server.stop();
  });

  it('list prints a table, and --json an array of {id, key, items, ttl, bytes}; other prefixes and non-lists are left out', async () => {
    const text = await runCli(['--url', url, 'list']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ID\s+ITEMS\s+TTL\s+SIZE/m);
    assert.match(text.stdout, /^ada\s+4\s+3\d{3} s/m);
    assert.match(text.stdout, /3 conversations under "conv:"/);

    const { result, json } = await runCliJson<{ id: string; key: string; items: number; ttl: number | null; bytes: number }[]>(['--url', url, 'list']);
    assert.equal(result.code, 0);
    assert.deepEqual(json.map((row) => row.id), ['ada', 'bob', 'odd']);
    const ada = json[0]!;
    assert.equal(ada.key, 'conv:ada');
    assert.equal(ada.items, 4);
    assert.ok(ada.ttl !== null && ada.ttl <= 3600, `ttl ${ada.ttl}`);
    assertTtlSince(ada.ttl, 3600, adaWrittenAt, 'ada');
    assert.ok(ada.bytes > 0);
    assert.equal(json[1]!.ttl, null);

    const other = await runCliJson<{ id: string }[]>(['--url', url, '--prefix', 'other:', 'list']);
    assert.deepEqual(other.json.map((row) => row.id), ['zed']);
    const matched = await runCliJson<{ id: string }[]>(['--url', url, 'list', '--match', 'b*']);
    assert.deepEqual(matched.json.map((row) => row.id), ['bob']);
  });

  it('show prints index, role/type and a preview; corrupt and encrypted entries are labelled, not fatal', async () => {
    const text = await runCli(['--url', url, 'show', 'ada']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /conv:ada: 4 items, TTL 3\d{3} s/);
    assert.match(text.stdout, /^0\s+user\s+Hi, I am Ada\.$/m);
    assert.match(text.stdout, /^1\s+function_call lookup\s+\{"q":"Ada"\}$/m);
    assert.match(text.stdout, /^3\s+assistant\s+Hello Ada!$/m);

    const odd = await runCli(['--url', url, 'show', 'odd']);
    assert.equal(odd.code, 0, odd.stderr);
    assert.match(odd.stdout, /^0\s+\(corrupt\)\s+not JSON/m);
    assert.match(odd.stdout, /^1\s+\(encrypted\)/m);
    assert.match(odd.stdout, /^2\s+\(corrupt\)\s+not an object/m);

    const { json } = await runCliJson<{ total: number; items: { index: number; item?: unknown; raw?: string; status?: string }[] }>([
      '--url', url, 'show', 'odd', '--last', '3',
    ]);
    assert.equal(json.total, 4);
    assert.deepEqual(json.items.map((entry) => entry.index), [1, 2, 3]);
    assert.deepEqual(json.items[0], { index: 1, raw: '{"$enc":"v1:abc"}', status: 'encrypted' });
    assert.deepEqual(json.items[2], { index: 3, item: { role: 'user', content: 'fine' } });
  });

  it('ttl and expire set and remove the expiry of every key, atomically', async () => {
    const ttl = await runCliJson<{ ttl: number | null }>(['--url', url, 'ttl', 'bob']);
    assert.equal(ttl.json.ttl, null);
    const expiredAt = Date.now();
    const set = await runCli(['--url', url, 'expire', 'bob', '120']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /expires in 120 s .* on 2 keys/);
    for (const key of ['conv:bob', '{conv:bob}:meta']) {
      const left = await redis.ttl(key);
      assert.ok(left <= 120, `${key}: ${left}`);
      assertTtlSince(left, 120, expiredAt, key);
    }
    assert.equal((await runCliJson<{ ttl: number }>(['--url', url, 'ttl', 'bob'])).json.ttl <= 120, true);
    const persist = await runCliJson<{ ttl: null; keys: number }>(['--url', url, 'expire', 'bob', '--persist']);
    assert.deepEqual([persist.json.ttl, persist.json.keys], [null, 2]);
    assert.deepEqual([await redis.ttl('conv:bob'), await redis.ttl('{conv:bob}:meta')], [-1, -1]);
  });

  it('rejects bad input with a clear message, a non-zero exit and nothing written', async () => {
    const before = await redis.dbSize();
    const cases: [string[], number, RegExp][] = [
      [['expire', 'bob', '0'], 2, /seconds must be a whole number from 1 to 315360000/],
      [['expire', 'bob', '1.5'], 2, /seconds must be a whole number/],
      [['expire', 'bob', '999999999999'], 2, /seconds must be a whole number/],
      [['expire', 'bob'], 2, /either <seconds> or --persist/],
      [['expire', 'nobody', '60'], 3, /conversation "nobody" not found/],
      [['expire', 'stringkey', '60'], 4, /not a conversation \(wrong type/],
      [['show', 'a{b}'], 2, /must not contain "\{" or "\}"/],
      [['ttl', 'nobody'], 3, /not found/],
      [['show', 'stringkey'], 4, /holds a string, not a list/],
      [['delete', 'stringkey', '--yes'], 4, /holds a string, not a list/],
      [['--prefix', 'bad{prefix', 'list'], 2, /--prefix must not contain/],
      [['list', '--count', 'many'], 2, /expected a whole number/],
      [['frobnicate'], 2, /unknown command/],
    ];
    for (const [args, code, message] of cases) {
      const result = await runCli(['--url', url, ...args]);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.equal(await redis.dbSize(), before);
    assert.equal(await redis.get('conv:stringkey'), 'not a list');
    assert.equal(await redis.ttl('conv:stringkey'), -1);
  });

  it('delete removes every key of the conversation, asks for --yes when it cannot ask, and says when there is nothing', async () => {
    await session('gone').addItems([{ role: 'user', content: 'bye' }]);
    const refused = await runCli(['--url', url, 'delete', 'gone']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /pass --yes/);
    assert.equal(await redis.exists(['conv:gone', '{conv:gone}:meta']), 2);

    const { result, json } = await runCliJson<{ deletedKeys: number }>(['--url', url, 'delete', 'gone', '--yes']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json.deletedKeys, 2);
    assert.equal(await redis.exists(['conv:gone', '{conv:gone}:meta']), 0);
    const again = await runCli(['--url', url, 'delete', 'gone', '--yes']);
    assert.equal(again.code, 3);
  });

  it('tail prints the change events of one conversation as JSON lines, written by a RedisSession', async () => {
    const child = spawnCli(['--url', url, '--json', 'tail', 'live', '--max-events', '2', '--timeout-ms', '20000']);
    const done = collect(child);
    await waitForStderr(child, 'Listening on {conv:live}:events');
    const writer = session('live');
    await session('not-live').addItems([{ role: 'user', content: 'elsewhere' }]);
    await writer.addItems([{ role: 'user', content: 'first' }]);
    await writer.popItem();
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; conversationId: string; version: number; items?: unknown[] });
    assert.deepEqual(events.map((event) => [event.conversationId, event.type, event.version]), [['live', 'add', 1], ['live', 'pop', 2]]);
    assert.deepEqual(events[0]!.items, [{ role: 'user', content: 'first' }]);
  });

  it('tail in text mode prints one readable line per event, and stops at --timeout-ms', async () => {
    const child = spawnCli(['--url', url, 'tail', 'slow', '--timeout-ms', '1500']);
    const done = collect(child);
    await waitForStderr(child, 'Listening on');
    await session('slow').addItems([{ role: 'user', content: 'Hello there' }]);
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\d\d:\d\d:\d\d\.\d{3}  slow  add v1 count=1  user: Hello there$/m);
  });

  it('watch prints the changes of every conversation under the prefix', async () => {
    const child = spawnCli(['--url', url, '--json', 'watch', '--max-events', '2', '--timeout-ms', '20000']);
    const done = collect(child);
    await waitForStderr(child, 'Listening on conv:__events__');
    await session('w1').addItems([{ role: 'user', content: 'one' }]);
    await session('w2').addItems([{ role: 'user', content: 'two' }]);
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    const ids = result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { conversationId: string }).conversationId);
    assert.deepEqual(ids.sort(), ['w1', 'w2']);
  });

  it('stats sums keys, conversations, items and memory under the prefix, with INFO figures', async () => {
    const { result, json } = await runCliJson<{
      prefix: string;
      keys: number;
      conversations: number;
      items: number;
      bytes: number;
      servers: Record<string, unknown>[];
    }>(['--url', url, '--prefix', 'other:', 'stats']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual([json.prefix, json.keys, json.conversations, json.items], ['other:', 1, 1, 1]);
    assert.ok(json.bytes > 0);
    const figures = json.servers[0]!;
    for (const field of ['redis_version', 'used_memory_human', 'maxmemory', 'maxmemory_policy', 'connected_clients', 'aof_enabled', 'rdb_last_save_time', 'evicted_keys', 'expired_keys', 'keyspace']) {
      assert.ok(field in figures, field);
    }
    assert.equal(figures.maxmemory_policy, 'noeviction');
    const text = await runCli(['--url', url, 'stats']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /conversations\s+\d+/);
    assert.match(text.stdout, /redis_version\s+7\./);
  });

  it('uses REDIS_URL when --url is not given', async () => {
    const result = await runBin(['ttl', 'ada'], { env: { REDIS_URL: url } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /conv:ada: TTL/);
  });

  it('fails fast and clearly when the server is unreachable', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runBin(['--url', `redis://127.0.0.1:${port}`, '--connect-timeout', '1500', 'list']);
    assert.equal(result.code, 4);
    assert.match(result.stderr, new RegExp(`cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}`));
    assert.ok(Date.now() - started < 15_000);
  });
});

describe('agents-redis-session CLI with a password', () => {
  const password = 's3cr3t-Pa55word';
  let server: RedisServerHandle;

  before(async () => {
    server = await startRedisServer({ logName: 'cli-auth', password });
  });
  after(async () => {
    await server.stop();
  });

  it('a wrong password is a clear error with a non-zero exit, and the password is never printed', async () => {
    const wrong = 'WrongPa55-word';
    for (const json of [false, true]) {
      const result = await runBin([...(json ? ['--json'] : []), '--url', `redis://:${wrong}@127.0.0.1:${server.port}`, 'list']);
      assert.equal(result.code, 4);
      assert.match(result.stderr, /cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
      assert.match(result.stderr, /WRONGPASS|invalid username-password/);
      assert.ok(!`${result.stdout}${result.stderr}`.includes(wrong), 'the password appears in the output');
    }
    const fromEnv = await runBin(['doctor'], { env: { REDIS_URL: `redis://default:${wrong}@127.0.0.1:${server.port}` } });
    assert.equal(fromEnv.code, 4);
    assert.ok(!`${fromEnv.stdout}${fromEnv.stderr}`.includes(wrong));
  });

  it('the right password works, and no output echoes it', async () => {
    const url = `redis://:${password}@127.0.0.1:${server.port}`;
    for (const args of [['list'], ['stats'], ['doctor'], ['--json', 'doctor'], ['show', 'missing'], ['export']]) {
      const result = await runBin(['--url', url, ...args]);
      assert.ok(result.code !== null && result.code <= 3, `${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      assert.ok(!`${result.stdout}${result.stderr}`.includes(password), `${args.join(' ')} printed the password`);
    }
    const list = await runBin(['--url', url, 'list']);
    assert.match(list.stdout, /No conversations under "conv:" on redis:\/\/:\*\*\*@127\.0\.0\.1/);
  });
});

describe('agents-redis-session CLI over TLS', () => {
  let certs: CertificateSet;
  let rogue: CertificateSet;
  let server: RedisServerHandle;
  let tlsPort: number;

  before(async () => {
    certs = generateCertificates('cli');
    rogue = generateCertificates('cli-rogue');
    tlsPort = await freePort();
    server = await startRedisServer({ logName: 'cli-tls', password: 'tls-Pa55', args: tlsServerArgs(certs, tlsPort) });
  });
  after(async () => {
    await server.stop();
    certs.remove();
    rogue.remove();
  });

  it('--tls-ca verifies the server; a CA that did not sign it is refused', async () => {
    const url = `rediss://:tls-Pa55@127.0.0.1:${tlsPort}`;
    const ok = await runCli(['--url', url, '--tls-ca', certs.caFile, 'list']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /No conversations under "conv:" on rediss:\/\/:\*\*\*@127\.0\.0\.1/);
    const doctor = await runCliJson<{ checks: { id: string; ok: boolean; message: string }[] }>(['--url', url, '--tls-ca', certs.caFile, 'doctor']);
    assert.match(doctor.json.checks.find((check) => check.id === 'tls')!.message, /uses TLS/);
    const refused = await runCli(['--url', url, '--tls-ca', rogue.caFile, '--connect-timeout', '3000', 'list']);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /cannot connect to Redis at rediss:\/\/:\*\*\*@/);
    assert.ok(!`${ok.stdout}${ok.stderr}${refused.stdout}${refused.stderr}`.includes('tls-Pa55'));
    const missing = await runCli(['--url', url, '--tls-ca', '/nonexistent/ca.crt', 'list']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the --tls-ca file/);
    const half = await runCli(['--url', url, '--tls-cert', certs.certFile, 'list']);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--tls-cert and --tls-key go together/);
  });
});
