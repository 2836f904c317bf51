/**
 * Security behaviour on a real redis-server with a password and ACL users
 * (harness, loopback): no password ever reaches an error or a log line; the
 * least-privilege, read-only and tenant ACL rules of docs/security.md (read
 * from that file, so the doc and the test cannot drift apart) allow every
 * session operation and nothing more.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import util from 'node:util';
import {
  closeSharedConnections,
  RedisSession,
  RedisSessionCommandError,
  RedisSessionConnectionError,
  RedisSessionDurabilityError,
  watchConversations,
  type ChangeEvent,
  type Logger,
} from 'agents-redis-session';
import { respCommand, startRedisServer, stopAllRedisServers, waitUntil, type RedisServerHandle } from './harness/index.js';
import { collect, runCli, runCliJson, spawnCli, waitForStderr } from './support/cli.js';
import { composeList } from './support/composeFile.js';
import { exerciseSession } from './support/exerciseSession.js';
import { userMessage } from './support/items.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECURITY_DOC = readFileSync(`${ROOT}docs/security.md`, 'utf8');
/** The README, CONTRIBUTING.md and every page of docs/ but security.md, by path. */
const OTHER_DOCS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(`${ROOT}docs`).filter((name) => name.endsWith('.md') && name !== 'security.md').map((name) => `docs/${name}`)]
  .map((path) => ({ path, text: readFileSync(`${ROOT}${path}`, 'utf8') }));

// Passwords with URL-special characters, so that both raw and percent-encoded forms are looked for.
const ADMIN_PASSWORD = 'Adm1n-p@ss:w/rd?#x';
const PASSWORDS: Record<string, string> = {
  APP_PASSWORD: 'App-s3cret:with@chars',
  RO_PASSWORD: 'R0-s3cret-7d1',
  ADMIN_PASSWORD: 'Adm1n-user-s3cret-5e0',
  TENANT_A_PASSWORD: 'TenantA-s3cret-91b',
};
const WRONG_PASSWORD = 'Wr0ng-p@ss-c4f2';
const SECRETS = [ADMIN_PASSWORD, WRONG_PASSWORD, ...Object.values(PASSWORDS)].flatMap((secret) => [secret, encodeURIComponent(secret)]);

/** The `ACL SETUSER <user> ...` line of docs/security.md, as arguments, with its password placeholder filled in. */
function documentedRule(user: string): string[] {
  const line = SECURITY_DOC.split('\n').find((text) => text.startsWith(`ACL SETUSER ${user} `));
  assert.ok(line, `docs/security.md has an "ACL SETUSER ${user}" rule`);
  return line.split(' ').map((token) => (token.startsWith('>') && PASSWORDS[token.slice(1)] ? `>${PASSWORDS[token.slice(1)]}` : token));
}

/** A logger of the SDK's shape that records every line, formatted. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record = (message: string, ...args: unknown[]) => void lines.push(`${util.format(message, ...args)} ${util.inspect(args, { depth: Infinity })}`);
  return { logger: { namespace: 'test:security', debug: record, warn: record, error: record, dontLogModelData: false, dontLogToolData: false }, lines };
}

/** Everything an error shows: message, stack, own properties and its whole `cause` chain. */
function everythingShown(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    parts.push(String(current), util.inspect(current, { depth: Infinity, showHidden: true }));
    if (current instanceof Error) parts.push(current.stack ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} must not contain a password, but shows:\n${text}`);
}

/** Runs `operation`, expects it to fail with `type`, checks that no password is shown, returns the error. */
async function expectFailure<T extends Error>(operation: () => Promise<unknown>, type: new (...args: never[]) => T, where: string): Promise<T> {
  const error = await operation().then(
    () => assert.fail(`${where}: expected a ${type.name}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof type, `${where}: expected a ${type.name}, got ${util.inspect(error)}`);
  assertNoSecret(everythingShown(error), where);
  return error;
}

let server: RedisServerHandle;
const appUrl = (user = 'agents', password = PASSWORDS['APP_PASSWORD']!) =>
  `redis://${user}:${encodeURIComponent(password)}@127.0.0.1:${server.port}`;

before(async () => {
  server = await startRedisServer({ password: ADMIN_PASSWORD, logName: 'security' });
  for (const user of ['agents', 'agents_ro', 'agents_admin', 'tenant_a']) {
    assert.equal(await server.command(documentedRule(user)), 'OK', `ACL SETUSER ${user}`);
  }
});

after(async () => {
  await closeSharedConnections();
  await stopAllRedisServers();
});

describe('requirepass', () => {
  it('a session with the password in the URL works', async () => {
    await exerciseSession(new RedisSession({ redisUrl: server.url, ttl: 60 }), server.url);
  });

  it('a wrong password fails with RedisSessionConnectionError, and no password in the error or any log line', async () => {
    // Generous deadlines: the refusal (WRONGPASS) ends the attempt at once; a short deadline on a loaded machine
    // would fail with a timeout instead, and the test asserts the reason.
    const { logger, lines } = capturingLogger();
    for (const url of [
      `redis://:${encodeURIComponent(WRONG_PASSWORD)}@127.0.0.1:${server.port}`,
      `redis://agents:${encodeURIComponent(WRONG_PASSWORD)}@127.0.0.1:${server.port}/0`,
      `redis://nobody:${encodeURIComponent(WRONG_PASSWORD)}@127.0.0.1:${server.port}/0?max_connections=2`,
    ]) {
      const session = new RedisSession({ redisUrl: url, logger, connectTimeoutMs: 30_000, commandTimeoutMs: 30_000 });
      for (const [name, operation] of [
        ['getItems', () => session.getItems()],
        ['addItems', () => session.addItems([userMessage('x')])],
        ['subscribe', () => session.subscribe(() => {})],
        ['watchConversations', () => watchConversations({ redisUrl: url, logger, connectTimeoutMs: 30_000 }, () => {})],
      ] as const) {
        const error = await expectFailure(operation, RedisSessionConnectionError, `${name} with a wrong password`);
        assert.match(error.message, /WRONGPASS/, `${name}: the message says why`);
        assert.match(error.target, /:\*\*\*@127\.0\.0\.1/, `${name}: the target is redacted`);
      }
      await session.close();
    }
    await closeSharedConnections();
    assertNoSecret(lines.join('\n'), 'the log');
  });

  it('the same with the URL in REDIS_URL', async () => {
    const saved = process.env['REDIS_URL'];
    process.env['REDIS_URL'] = `redis://agents:${encodeURIComponent(WRONG_PASSWORD)}@127.0.0.1:${server.port}`;
    const { logger, lines } = capturingLogger();
    try {
      const session = new RedisSession({ logger, connectTimeoutMs: 30_000, commandTimeoutMs: 30_000 });
      const error = await expectFailure(() => session.addItems([userMessage('x')]), RedisSessionConnectionError, 'REDIS_URL with a wrong password');
      assert.match(error.message, /WRONGPASS/);
      await session.close();
      process.env['REDIS_URL'] = appUrl();
      const good = new RedisSession({ logger });
      await good.addItems([userMessage('via REDIS_URL')]);
      assert.deepEqual(await good.getItems(), [userMessage('via REDIS_URL')]);
      await good.clearSession();
      await good.close();
    } finally {
      if (saved === undefined) delete process.env['REDIS_URL'];
      else process.env['REDIS_URL'] = saved;
      await closeSharedConnections();
    }
    assertNoSecret(lines.join('\n'), 'the log');
  });
});

describe('least-privilege ACL user "agents" (docs/security.md)', () => {
  it('runs every session operation, with and without TTL and change events, on one connection and on a pool', async () => {
    for (const ttl of [undefined, 60]) {
      for (const changeEvents of [true, false]) {
        for (const url of [appUrl(), `${appUrl()}/0?max_connections=2`]) {
          await exerciseSession(new RedisSession({ redisUrl: url, ttl, changeEvents }), server.url);
        }
      }
    }
  });

  it('keeps a capped history (maxItems, overflow trim and reject) under the same rule', async () => {
    for (const overflow of ['trim', 'reject'] as const) {
      const session = new RedisSession({ redisUrl: appUrl(), ttl: 60, maxItems: 2, overflow });
      await session.addItems([userMessage('1'), userMessage('2')]);
      await session.addItems([userMessage('3')]).catch((error: unknown) => assert.equal(overflow, 'reject', util.inspect(error)));
      assert.equal((await session.getItems()).length, 2);
      await session.clearSession();
      await session.close();
    }
  });

  it('receives change events through subscribe and watchConversations', async () => {
    const session = new RedisSession({ redisUrl: appUrl(), ttl: 60 });
    const seen: ChangeEvent[] = [];
    const watched: ChangeEvent[] = [];
    const unsubscribe = await session.subscribe((event) => void seen.push(event));
    const unwatch = await watchConversations({ redisUrl: appUrl() }, (event) => void watched.push(event));
    await session.addItems([userMessage('one')]);
    await session.popItem();
    await session.clearSession();
    await waitUntil(() => seen.length === 3 && watched.length === 3, { timeoutMs: 30_000, description: 'three events on both channels' });
    assert.deepEqual(seen.map((event) => event.type), ['add', 'pop', 'clear']);
    await unsubscribe();
    await unwatch();
    await session.close();
  });

  it('may send WAIT (durability): with no replica it gets a durability error, not NOPERM', async () => {
    const session = new RedisSession({ redisUrl: appUrl(), durability: { replicas: 1, timeoutMs: 10 } });
    await expectFailure(() => session.addItems([userMessage('x')]), RedisSessionDurabilityError, 'WAIT');
    await session.clearSession().catch(() => {});
    await session.close();
  });

  it('cannot run FLUSHALL, FLUSHDB, KEYS, SCAN, CONFIG or SHUTDOWN, nor touch keys or channels outside conv:', async () => {
    await server.command(['SET', 'other:key', 'private']);
    const as = { username: 'agents', password: PASSWORDS['APP_PASSWORD']! };
    for (const command of [
      ['FLUSHALL'],
      ['FLUSHDB'],
      ['KEYS', '*'],
      ['SCAN', '0'],
      ['CONFIG', 'GET', 'requirepass'],
      ['SHUTDOWN', 'NOSAVE'],
      ['GET', 'other:key'],
      ['SET', 'conv:x', '1'],
      ['LRANGE', 'other:key', '0', '-1'],
      ['PUBLISH', 'other-channel', 'x'],
      ['EVAL', "return redis.call('GET', 'other:key')", '0'],
      ['EVAL', "return redis.call('LRANGE', KEYS[1], 0, -1)", '1', 'other:key'],
    ]) {
      // Inside a script, a denied command fails with "ERR The user executing the script can't ..." (Redis 7.0)
      // or "ERR ACL failure in script: User agents has no permissions to run ..." (Redis 7.4, Valkey 8).
      await assert.rejects(
        respCommand(server.port, command, as),
        /NOPERM|user executing the script can't|ACL failure in script: .* has no permissions/,
        command.join(' '),
      );
    }
    assert.equal(await server.command(['GET', 'other:key']), 'private');
    assert.equal(await server.command(['PING']), 'PONG', 'the server is still up');
  });

  it(
    'a user missing a channel of the rule: the failed write changes nothing (so a retry cannot duplicate it)',
    async () => {
      const rule = documentedRule('agents').filter((token) => token !== '&conv:__events__');
      rule[2] = 'agents_no_prefix_channel';
      assert.equal(await server.command(rule), 'OK');
      const session = new RedisSession({ conversationId: 'half-written', redisUrl: appUrl('agents_no_prefix_channel') });
      const error = await expectFailure(() => session.addItems([userMessage('x')]), RedisSessionCommandError, 'addItems without the prefix channel');
      assert.match(error.message, /lacks a permission/, 'the message points at the ACL');
      assert.equal(await server.command(['EXISTS', 'conv:half-written']), 0, 'a rejected write stored nothing');
      // A pop refused the same way removes nothing.
      await server.command(['RPUSH', 'conv:half-written', JSON.stringify(userMessage('kept'))]);
      await expectFailure(() => session.popItem(), RedisSessionCommandError, 'popItem without the prefix channel');
      assert.equal(await server.command(['LLEN', 'conv:half-written']), 1, 'a rejected pop removed nothing');
      await session.close();
    },
  );

  it('is the rule deploy/docker-compose.prod.yml creates', () => {
    const command = composeList(readFileSync(`${ROOT}deploy/docker-compose.prod.yml`, 'utf8'), 'command');
    const composeRule = command.slice(command.indexOf('--user') + 1, command.indexOf('+wait') + 1);
    const docRule = documentedRule('agents').slice(2); // without "ACL SETUSER"
    const withoutPassword = (tokens: string[]) => tokens.filter((token) => !token.startsWith('>') && token !== 'reset');
    assert.deepEqual(withoutPassword(composeRule), withoutPassword(docRule));
  });
});

describe('read-only ACL user "agents_ro" (docs/security.md)', () => {
  it('can run the CLI read commands and cannot write', async () => {
    const session = new RedisSession({ conversationId: 'ro-check', redisUrl: server.url, ttl: 600 });
    await session.addItems([userMessage('readable')]);
    await session.close();
    const as = { username: 'agents_ro', password: PASSWORDS['RO_PASSWORD']! };
    for (const command of [
      ['SCAN', '0', 'MATCH', 'conv:*', 'COUNT', '100'],
      ['TYPE', 'conv:ro-check'],
      ['LLEN', 'conv:ro-check'],
      ['LRANGE', 'conv:ro-check', '0', '-1'],
      ['TTL', 'conv:ro-check'],
      ['PTTL', 'conv:ro-check'],
      ['MEMORY', 'USAGE', 'conv:ro-check'],
      ['HGETALL', '{conv:ro-check}:meta'],
      ['INFO', 'keyspace'],
    ]) {
      await respCommand(server.port, command, as);
    }
    for (const command of [
      ['RPUSH', 'conv:ro-check', 'x'],
      ['DEL', 'conv:ro-check'],
      ['EXPIRE', 'conv:ro-check', '1'],
      ['HSET', '{conv:ro-check}:meta', 'v', '9'],
      ['EVAL', 'return 1', '0'],
      ['LRANGE', 'other:key', '0', '-1'],
      ['FLUSHALL'],
    ]) {
      await assert.rejects(respCommand(server.port, command, as), /NOPERM/, command.join(' '));
    }
    assert.equal(await server.command(['LLEN', 'conv:ro-check']), 1);
    // watch-style subscriptions are allowed on the prefix's channels.
    const watcher = await watchConversations({ redisUrl: appUrl('agents_ro', PASSWORDS['RO_PASSWORD']!) }, () => {});
    await watcher();
  });
});

describe('tenant isolation (docs/security.md)', () => {
  const tenantUrl = () => appUrl('tenant_a', PASSWORDS['TENANT_A_PASSWORD']!);

  it('tenant_a works fully under its own prefix', async () => {
    for (const ttl of [undefined, 60]) {
      await exerciseSession(new RedisSession({ redisUrl: tenantUrl(), keyPrefix: 'tenant_a:', ttl }), server.url);
    }
    const session = new RedisSession({ redisUrl: tenantUrl(), keyPrefix: 'tenant_a:' });
    const seen: ChangeEvent[] = [];
    const unsubscribe = await session.subscribe((event) => void seen.push(event));
    const unwatch = await watchConversations({ redisUrl: tenantUrl(), keyPrefix: 'tenant_a:' }, () => {});
    await session.addItems([userMessage('a')]);
    await waitUntil(() => seen.length === 1, { timeoutMs: 30_000, description: "tenant_a's own event" });
    await unsubscribe();
    await unwatch();
    await session.clearSession();
    await session.close();
  });

  it("tenant_a cannot read, write or subscribe to tenant_b's conversations: typed NOPERM errors, no password, nothing written", async () => {
    const victim = new RedisSession({ conversationId: 'secret-conv', redisUrl: server.url, keyPrefix: 'tenant_b:', ttl: 600 });
    await victim.addItems([userMessage("tenant b's data")]);
    await victim.close();
    const before = await server.command(['LRANGE', 'tenant_b:secret-conv', '0', '-1']);
    const { logger, lines } = capturingLogger();

    for (const ttl of [undefined, 60]) {
      for (const changeEvents of [true, false]) {
        const intruder = new RedisSession({ conversationId: 'secret-conv', redisUrl: tenantUrl(), keyPrefix: 'tenant_b:', ttl, changeEvents, logger });
        const where = `ttl ${ttl}, changeEvents ${changeEvents}`;
        const operations: [string, () => Promise<unknown>][] = [
          ['getItems', () => intruder.getItems()],
          ['addItems', () => intruder.addItems([userMessage('injected')])],
          ['popItem', () => intruder.popItem()],
          ['clearSession', () => intruder.clearSession()],
          ['applyHistoryTransaction', () => intruder.applyHistoryTransaction({ operationId: 'x', transaction: { type: 'append_items', items: [userMessage('injected')] } })],
          ['replaceHistoryWithCompaction', () => intruder.replaceHistoryWithCompaction([userMessage('injected')])],
          ['applyHistoryMutations', () => intruder.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'c', replacement: { type: 'function_call', callId: 'c', name: 'n', arguments: '{}' } }] })],
          ['subscribe', () => intruder.subscribe(() => {})],
        ];
        for (const [name, operation] of operations) {
          const error = await expectFailure(operation, RedisSessionCommandError, `${name} (${where})`);
          assert.match(error.message, /NOPERM/, `${name} (${where}) names the cause`);
          assert.equal(error.operation, name);
        }
        await intruder.close();
      }
    }
    const watchError = await expectFailure(
      () => watchConversations({ redisUrl: tenantUrl(), keyPrefix: 'tenant_b:', logger }, () => {}),
      RedisSessionCommandError,
      "watchConversations on tenant_b's prefix",
    );
    assert.match(watchError.message, /NOPERM/);
    assertNoSecret(lines.join('\n'), 'the log');

    assert.deepEqual(await server.command(['LRANGE', 'tenant_b:secret-conv', '0', '-1']), before, "tenant_b's conversation is unchanged");
    assert.deepEqual(await server.command(['HGET', '{tenant_b:secret-conv}:meta', 'v']), '1', "tenant_b's version is unchanged");
    const [, keys] = (await server.command(['SCAN', '0', 'MATCH', 'tenant_b:*', 'COUNT', '1000'])) as [string, string[]];
    assert.deepEqual(keys, ['tenant_b:secret-conv'], 'nothing new under tenant_b:');
  });
});

/** A rule from `ACL SETUSER` on, as arguments, for another user and password (the rest unchanged). */
function asUser(rule: readonly string[], user: string, password: string): string[] {
  return rule.map((token, i) => (i === 2 ? user : token.startsWith('>') ? `>${password}` : token));
}

describe('every ACL rule in the docs is the one the code and the other copies use', () => {
  it("every copy of the application rule in the README and the other docs is docs/security.md's", () => {
    const documented = SECURITY_DOC.split('\n').find((text) => text.startsWith('ACL SETUSER agents '))!;
    const copies = OTHER_DOCS.flatMap(({ path, text }) => [...text.matchAll(/ACL SETUSER agents reset on >\S+ .*?\+wait\b/g)].map((match) => ({ path, rule: match[0] })));
    assert.ok(copies.some(({ path }) => path === 'docs/cli.md'), "docs/cli.md shows doctor's suggestion of the rule");
    for (const { path, rule } of copies) assert.deepEqual(rule.split(' '), documented.split(' '), `the copy in ${path}`);
  });

  it("doctor's suggested rule is the documented one, for any prefix; applied to a user, every session operation works", async () => {
    for (const prefix of ['conv:', 'tenant_x:']) {
      const { result, json } = await runCliJson<{ checks: { id: string; fix: string }[] }>(['--url', server.url, '--prefix', prefix, 'doctor']);
      assert.equal(result.code, 1, result.stderr);
      const fix = json.checks.find((check) => check.id === 'dangerous-commands')!.fix;
      const suggested = /ACL SETUSER \S+ reset on >\S+ .*?\+wait\b/.exec(fix)?.[0];
      assert.ok(suggested, `doctor suggests an ACL rule: ${fix}`);
      const documented = SECURITY_DOC.split('\n').find((text) => text.startsWith('ACL SETUSER agents '))!;
      assert.equal(suggested, documented.replaceAll('conv:', prefix), 'the same rule as docs/security.md, for this prefix');
      const user = `doctor_${prefix.replace(/\W/g, '')}`;
      const password = 'Doctor-rule-s3cret';
      assert.equal(await server.command(asUser(suggested.split(' '), user, password)), 'OK');
      const url = appUrl(user, password);
      for (const ttl of [undefined, 60]) {
        for (const changeEvents of [true, false]) {
          await exerciseSession(new RedisSession({ redisUrl: url, keyPrefix: prefix, ttl, changeEvents }), server.url);
        }
      }
      const session = new RedisSession({ redisUrl: url, keyPrefix: prefix, ttl: 60 });
      const seen: ChangeEvent[] = [];
      const watched: ChangeEvent[] = [];
      const unsubscribe = await session.subscribe((event) => void seen.push(event));
      const unwatch = await watchConversations({ redisUrl: url, keyPrefix: prefix }, (event) => void watched.push(event));
      await session.addItems([userMessage('one')]);
      await session.clearSession();
      await waitUntil(() => seen.length === 2 && watched.length === 2, { timeoutMs: 10_000, description: `events under ${prefix}` });
      await unsubscribe();
      await unwatch();
      await session.close();
    }
  });
});

describe('the CLI under the read-only and admin rules (docs/security.md)', () => {
  const roUrl = () => appUrl('agents_ro', PASSWORDS['RO_PASSWORD']!);
  const adminUrl = () => appUrl('agents_admin', PASSWORDS['ADMIN_PASSWORD']!);
  const line = (id: string) => `${JSON.stringify({ id, key: `conv:${id}`, ttl: 600, expiresAt: Date.now() + 600_000, items: [JSON.stringify(userMessage(id))], meta: { v: '1' } })}\n`;

  before(async () => {
    const session = new RedisSession({ conversationId: 'cli-acl', redisUrl: server.url, ttl: 600 });
    await session.addItems([userMessage('readable')]);
    await session.close();
  });

  /** Runs tail or watch under `url` until one event arrives, making the change with the admin password. */
  async function follow(url: string, args: string[]): Promise<Awaited<ReturnType<typeof collect>>> {
    const child = spawnCli(['--url', url, ...args, '--max-events', '1', '--timeout-ms', '60000']);
    const done = collect(child, 90_000);
    await waitForStderr(child, 'Listening on', 30_000).catch(() => {});
    const session = new RedisSession({ conversationId: 'cli-acl', redisUrl: server.url, ttl: 600 });
    await session.addItems([userMessage('more')]);
    await session.close();
    return done;
  }

  it('read-only: list, show, ttl, stats, export, tail and watch work', async () => {
    for (const args of [['list'], ['show', 'cli-acl'], ['ttl', 'cli-acl'], ['stats'], ['export'], ['--json', 'export']]) {
      const result = await runCli(['--url', roUrl(), ...args]);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assertNoSecret(result.stdout + result.stderr, args.join(' '));
    }
    const exported = await runCli(['--url', roUrl(), 'export']);
    assert.match(exported.stdout, /"id":"cli-acl".*"expiresAt":\d+/);
    for (const args of [['tail', 'cli-acl'], ['watch']]) {
      const result = await follow(roUrl(), args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /cli-acl\s+add v\d+ count=1/, args.join(' '));
    }
  });

  it('read-only: delete, import and expire fail with NOPERM (exit 4) and change nothing', async () => {
    const before = await server.command(['LRANGE', 'conv:cli-acl', '0', '-1']);
    const ttlBefore = Number(await server.command(['TTL', 'conv:cli-acl']));
    for (const [args, input] of [
      [['delete', 'cli-acl', '--yes'], undefined],
      [['import', '--overwrite'], line('cli-acl')],
      [['import'], line('ro-new')],
      [['expire', 'cli-acl', '5'], undefined],
      [['expire', 'cli-acl', '--persist'], undefined],
    ] as const) {
      const result = await runCli(['--url', roUrl(), ...args], { input });
      assert.equal(result.code, 4, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /NOPERM|no permissions|can't/i, args.join(' '));
      assertNoSecret(result.stdout + result.stderr, args.join(' '));
    }
    assert.deepEqual(await server.command(['LRANGE', 'conv:cli-acl', '0', '-1']), before);
    assert.ok(Math.abs(Number(await server.command(['TTL', 'conv:cli-acl'])) - ttlBefore) <= 60, 'the TTL is unchanged');
    assert.equal(await server.command(['EXISTS', 'conv:ro-new']), 0);
  });

  it('read-only: doctor says what it could not check and exits 5, not 0', async () => {
    const result = await runCli(['--url', roUrl(), 'doctor']);
    assert.equal(result.code, 5, result.stdout + result.stderr);
    assert.match(result.stdout, /^SKIP /m);
    assert.match(result.stdout, /could not run .*Run doctor as an admin user/);
    assert.doesNotMatch(result.stdout, /^No warnings\.$/m);
  });

  it('admin: import, export, expire, expire --persist and delete work', async () => {
    const steps: [string[], string | undefined, number][] = [
      [['import'], line('admin-new'), 0],
      [['import', '--overwrite'], line('cli-acl'), 0],
      [['export'], undefined, 0],
      [['expire', 'admin-new', '300'], undefined, 0],
      [['expire', 'admin-new', '--persist'], undefined, 0],
      [['delete', 'admin-new', '--yes'], undefined, 0],
      [['list'], undefined, 0],
      [['show', 'cli-acl'], undefined, 0],
    ];
    for (const [args, input, code] of steps) {
      const result = await runCli(['--url', adminUrl(), ...args], { input });
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assertNoSecret(result.stdout + result.stderr, args.join(' '));
    }
    assert.equal(await server.command(['EXISTS', 'conv:admin-new']), 0, 'deleted');
    assert.deepEqual(await server.command(['LRANGE', 'conv:cli-acl', '0', '-1']), [JSON.stringify(userMessage('cli-acl'))], 'imported over');
  });
});
