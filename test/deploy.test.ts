/**
 * The deployment files in deploy/ and the compose files: each redis.conf runs
 * on a real redis-server (loopback, free port, temp dir, from the harness),
 * a RedisSession works on it, and the settings in effect are the ones
 * docs/operations.md describes. The compose files are checked as text: they
 * reference files that exist and hold no password.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeSharedConnections, RedisSession, watchConversations, type ChangeEvent } from 'agents-redis-session';
import { parseInfo, respCommand, startRedisServer, stopAllRedisServers, waitUntil, type RedisServerHandle } from './harness/index.js';
import { composeList, interpolate } from './support/composeFile.js';
import { exerciseSession } from './support/exerciseSession.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEV_CONF = path.join(ROOT, 'deploy/redis.dev.conf');
const PROD_CONF = path.join(ROOT, 'deploy/redis.prod.conf');
const DEV_COMPOSE = path.join(ROOT, 'docker-compose.yml');
const PROD_COMPOSE = path.join(ROOT, 'deploy/docker-compose.prod.yml');
const ADMIN_PASSWORD = 'admin pw "with" spaces $x';
const APP_PASSWORD = 'app-pw-7f3c';

after(async () => {
  await closeSharedConnections();
  await stopAllRedisServers();
});

/** CONFIG GET name → value. */
async function configGet(server: RedisServerHandle, name: string): Promise<string> {
  const reply = (await server.command(['CONFIG', 'GET', name])) as string[];
  assert.equal(reply[0], name, `CONFIG GET ${name}`);
  return reply[1]!;
}

/** The lines of a compose file that are not comments or blank. */
function settingLines(text: string): string[] {
  return text.split('\n').filter((line) => !/^\s*(#|$)/.test(line));
}

async function info(server: RedisServerHandle, section: string): Promise<Map<string, string>> {
  return parseInfo(String(await server.command(['INFO', section])));
}

/** Adds, reads and changes one conversation through every session method (with and without a TTL). */
async function roundTrip(redisUrl: string, adminUrl: string): Promise<void> {
  for (const ttl of [undefined, 600]) {
    await exerciseSession(new RedisSession({ redisUrl, ttl }), adminUrl);
  }
}

describe('deploy/redis.dev.conf', () => {
  it('runs, serves sessions, and has the documented settings', async () => {
    const server = await startRedisServer({ configFile: DEV_CONF, persistenceFromConfig: true, logName: 'deploy-dev' });
    await roundTrip(server.url, server.url);
    const expected: Record<string, string> = {
      save: '3600 1 300 100 60 10000',
      appendonly: 'no',
      maxmemory: String(256 * 1024 * 1024),
      'maxmemory-policy': 'noeviction',
      'protected-mode': 'yes',
      bind: '127.0.0.1', // the harness's --bind; the file itself says 127.0.0.1 -::1
    };
    for (const [name, value] of Object.entries(expected)) assert.equal(await configGet(server, name), value, name);
    await server.stop();
  });
});

describe('deploy/redis.prod.conf', () => {
  it('runs with --requirepass on loopback: AOF on, noeviction, FLUSHALL/FLUSHDB/CONFIG gone, sessions work', async () => {
    const server = await startRedisServer({
      configFile: PROD_CONF,
      persistenceFromConfig: true,
      password: ADMIN_PASSWORD,
      logName: 'deploy-prod',
    });
    await roundTrip(server.url, server.url);

    const persistence = await info(server, 'persistence');
    assert.equal(persistence.get('aof_enabled'), '1');
    const memory = await info(server, 'memory');
    assert.equal(memory.get('maxmemory'), String(768 * 1024 * 1024));
    assert.equal(memory.get('maxmemory_policy'), 'noeviction');
    assert.ok(existsSync(path.join(server.dir, 'appendonlydir', 'appendonly.aof.manifest')), 'AOF files in appendonlydir/');

    for (const command of [['FLUSHALL'], ['FLUSHDB'], ['CONFIG', 'GET', 'save']]) {
      await assert.rejects(server.command(command), /unknown command/i, `${command[0]} is renamed away`);
    }
    await assert.rejects(respCommand(server.port, ['GET', 'conv:x']), /NOAUTH/, 'no access without the password');
    await server.stop();
  });

  it('has the documented persistence and network settings in effect (checked with CONFIG on a copy without the renames)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agents-redis-session-prodconf-'));
    try {
      const copy = path.join(dir, 'redis.prod.no-renames.conf');
      writeFileSync(copy, readFileSync(PROD_CONF, 'utf8').replace(/^rename-command .*$/gm, ''));
      const server = await startRedisServer({ configFile: copy, persistenceFromConfig: true, password: ADMIN_PASSWORD, logName: 'deploy-prod-config' });
      const expected: Record<string, string> = {
        appendonly: 'yes',
        appendfsync: 'everysec',
        appenddirname: 'appendonlydir',
        'aof-load-truncated': 'yes',
        'aof-use-rdb-preamble': 'yes',
        save: '3600 1 300 100 60 10000',
        'stop-writes-on-bgsave-error': 'yes',
        maxmemory: String(768 * 1024 * 1024),
        'maxmemory-policy': 'noeviction',
        'protected-mode': 'yes',
        'enable-debug-command': 'no',
        'enable-module-command': 'no',
        'tcp-keepalive': '300',
      };
      for (const [name, value] of Object.entries(expected)) assert.equal(await configGet(server, name), value, name);
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds no password and no ACL user (those come from the command line)', () => {
    for (const file of [DEV_CONF, PROD_CONF]) {
      const settings = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(#|$)/.test(line));
      assert.deepEqual(settings.filter((line) => /^\s*(requirepass|masterauth|user|aclfile)\b/i.test(line)), [], file);
    }
  });
});

describe('deploy/docker-compose.prod.yml', () => {
  const text = readFileSync(PROD_COMPOSE, 'utf8');
  const env = { REDIS_PASSWORD: ADMIN_PASSWORD, REDIS_APP_PASSWORD: APP_PASSWORD };

  it('references the prod conf, takes every password from the environment, and publishes on loopback by default', () => {
    assert.match(text, /^\s*image: redis:7\b/m);
    const volumes = composeList(text, 'volumes');
    const conf = volumes.find((volume) => volume.includes('redis.prod.conf'));
    assert.ok(conf, 'mounts redis.prod.conf');
    assert.ok(existsSync(path.resolve(path.dirname(PROD_COMPOSE), conf.split(':')[0]!)), `${conf} exists`);
    assert.ok(volumes.some((volume) => /^[\w-]+:\/data$/.test(volume)), 'a named volume for /data');
    assert.match(text, /^volumes:\n\s+redis-data:/m);

    const command = composeList(text, 'command');
    assert.equal(command[command.indexOf('--requirepass') + 1], '${REDIS_PASSWORD:?set REDIS_PASSWORD}');
    assert.match(text, /REDISCLI_AUTH: "\$\{REDIS_PASSWORD:\?set REDIS_PASSWORD\}"/);
    assert.deepEqual(command.filter((arg) => arg.startsWith('>')), ['>${REDIS_APP_PASSWORD:?set REDIS_APP_PASSWORD}']);
    // No literal secret: every password-like setting is a ${VAR}, and redis-cli never gets one in argv.
    const secretSettings = settingLines(text).filter((line) => /^\s*\w*(pass|auth|secret)\w*\s*:/i.test(line));
    assert.ok(secretSettings.length >= 1, 'REDISCLI_AUTH is checked');
    for (const line of secretSettings) {
      assert.match(line, /:\s*"\$\{\w+:\?[^}]*\}"$/, line);
    }
    assert.doesNotMatch(settingLines(text).join('\n'), /\s-a\s|--pass\s|--askpass/, 'redis-cli takes the password from REDISCLI_AUTH');

    const ports = composeList(text, 'ports');
    assert.deepEqual(ports.map((port) => interpolate(port, {})), ['127.0.0.1:6379:6379']);
    assert.match(text, /healthcheck:\n\s+test: \["CMD-SHELL", "redis-cli ping \| grep -q PONG"\]/);
    assert.match(text, /restart: unless-stopped/);
    assert.match(text, /memory: 1g/);
  });

  it('starts Redis with its own arguments; the "agents" ACL user runs every session operation and nothing else', async () => {
    // The compose command, with --bind dropped (tests stay on loopback) and the conf path pointed at the repo file.
    const args = composeList(text, 'command').map((arg) => interpolate(arg, env));
    assert.deepEqual(args.slice(0, 2), ['redis-server', '/usr/local/etc/redis/redis.conf']);
    const rest = args.slice(2);
    rest.splice(rest.indexOf('--bind'), 2);
    const server = await startRedisServer({
      configFile: PROD_CONF,
      persistenceFromConfig: true,
      password: ADMIN_PASSWORD,
      args: rest,
      logName: 'deploy-compose-prod',
    });
    const appUrl = `redis://agents:${encodeURIComponent(APP_PASSWORD)}@127.0.0.1:${server.port}`;
    await roundTrip(appUrl, server.url);

    const session = new RedisSession({ redisUrl: appUrl, ttl: 60 });
    const seen: ChangeEvent[] = [];
    const watched: ChangeEvent[] = [];
    const unsubscribe = await session.subscribe((event) => void seen.push(event));
    const unwatch = await watchConversations({ redisUrl: appUrl }, (event) => void watched.push(event));
    await session.addItems([{ type: 'message', role: 'user', content: 'hi' }]);
    await waitUntil(() => seen.length === 1 && watched.length === 1, { timeoutMs: 30_000, description: 'the change event on both channels' });
    await unsubscribe();
    await unwatch();
    await session.close();

    for (const command of [['KEYS', '*'], ['GET', 'other:key'], ['SET', 'conv:x', '1'], ['SCAN', '0'], ['SHUTDOWN']]) {
      await assert.rejects(respCommand(server.port, command, { password: APP_PASSWORD, username: 'agents' }), /NOPERM/, command.join(' '));
    }
    await server.stop();
  });
});

describe('docker-compose.yml (development)', () => {
  const text = readFileSync(DEV_COMPOSE, 'utf8');
  it('runs redis:7 with deploy/redis.dev.conf, published on 127.0.0.1:6379 only', () => {
    assert.match(text, /^\s*image: redis:7\b/m);
    const volumes = composeList(text, 'volumes');
    const conf = volumes.find((volume) => volume.includes('redis.dev.conf'));
    assert.ok(conf, 'mounts redis.dev.conf');
    assert.ok(existsSync(path.resolve(ROOT, conf.split(':')[0]!)), `${conf} exists`);
    assert.deepEqual(composeList(text, 'ports'), ['127.0.0.1:6379:6379']);
    const command = composeList(text, 'command');
    assert.equal(command[1], '/usr/local/etc/redis/redis.conf');
    assert.doesNotMatch(settingLines(text).join('\n'), /requirepass|password|REDISCLI_AUTH/i);
  });
});
