import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';
import { runCli, runCliJson } from './support/cli.js';

interface DoctorReport {
  ok: boolean;
  checks: { id: string; ok: boolean; skipped?: boolean; severity?: string; message: string; fix: string }[];
}

const PROD_CONF = path.resolve('deploy/redis.prod.conf');

/** `doctor` against a default development server, a hardened one, and deploy/redis.prod.conf. */
describe('agents-redis-session doctor', () => {
  const servers: RedisServerHandle[] = [];
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('warns about a default development server, with a fix for each warning, and exits 1', async () => {
    const server = await startRedisServer({ logName: 'doctor-dev' });
    servers.push(server);
    const { result, json } = await runCliJson<DoctorReport>(['--url', server.url, 'doctor']);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(json.ok, false);
    const byId = new Map(json.checks.map((check) => [check.id, check]));
    assert.deepEqual([...byId.keys()].sort(), ['auth', 'dangerous-commands', 'eviction', 'persistence', 'tls']);
    assert.equal(byId.get('persistence')!.ok, false);
    assert.match(byId.get('persistence')!.fix, /appendonly yes/);
    assert.equal(byId.get('dangerous-commands')!.ok, false);
    assert.match(byId.get('dangerous-commands')!.message, /FLUSHALL, FLUSHDB, CONFIG/);
    // Loopback only: no password is acceptable, and no TLS is needed.
    assert.equal(byId.get('auth')!.ok, true);
    assert.equal(byId.get('tls')!.ok, true);
    assert.equal(byId.get('eviction')!.ok, true);

    const text = await runCli(['--url', server.url, 'doctor']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^WARN  persistence: /m);
    assert.match(text.stdout, /^ {6}fix: /m);
    assert.match(text.stdout, /2 warnings\./);
  });

  it('flags an eviction policy that deletes live conversations, and a softer notice for volatile-*', async () => {
    const server = await startRedisServer({ logName: 'doctor-evict', args: ['--maxmemory-policy', 'allkeys-lru'] });
    servers.push(server);
    const evict = (await runCliJson<DoctorReport>(['--url', server.url, 'doctor'])).json.checks.find((check) => check.id === 'eviction')!;
    assert.deepEqual([evict.ok, evict.severity], [false, 'warning']);
    assert.match(evict.message, /allkeys-lru/);
    await server.command(['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru']);
    const soft = (await runCliJson<DoctorReport>(['--url', server.url, 'doctor'])).json.checks.find((check) => check.id === 'eviction')!;
    assert.deepEqual([soft.ok, soft.severity], [false, 'notice']);
  });

  it('passes a hardened server: AOF, password, dangerous commands renamed away (CONFIG too, so it says what it could not check)', async () => {
    const server = await startRedisServer({
      logName: 'doctor-hardened',
      password: 'doctor-Pa55',
      args: ['--appendonly', 'yes', '--rename-command', 'FLUSHALL', '', '--rename-command', 'FLUSHDB', '', '--rename-command', 'CONFIG', ''],
    });
    servers.push(server);
    const { result, json } = await runCliJson<DoctorReport>(['--url', server.url, 'doctor']);
    assert.equal(result.code, 0, JSON.stringify(json, null, 2));
    assert.equal(json.ok, true);
    assert.ok(json.checks.every((check) => check.ok));
    const text = await runCli(['--url', server.url, 'doctor']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /No warnings\./);
    assert.ok(!text.stdout.includes('doctor-Pa55'));
  });

  it('denied by ACL counts as disabled', async () => {
    const server = await startRedisServer({ logName: 'doctor-acl', args: ['--appendonly', 'yes'] });
    servers.push(server);
    await server.command(['ACL', 'SETUSER', 'default', '-flushall', '-flushdb', '-config']);
    const { json } = await runCliJson<DoctorReport>(['--url', server.url, 'doctor']);
    const dangerous = json.checks.find((check) => check.id === 'dangerous-commands')!;
    assert.equal(dangerous.ok, true, dangerous.message);
    const persistence = json.checks.find((check) => check.id === 'persistence')!;
    assert.equal(persistence.ok, true);
    // No warning. With CONFIG denied and no password, whether the server is exposed cannot be read: that check is a SKIP.
    assert.deepEqual(json.checks.filter((check) => !check.ok && !check.skipped), [], JSON.stringify(json.checks, null, 2));
  });

  it('as the least-privilege application user (no INFO, no CONFIG), says what it could not check instead of failing', async () => {
    const server = await startRedisServer({ logName: 'doctor-app-user', args: ['--appendonly', 'yes'] });
    servers.push(server);
    await server.command(['ACL', 'SETUSER', 'app', 'on', '>app-Pa55', '~conv:*', '-@all', '+hello', '+auth', '+ping', '+command', '+acl|whoami']);
    const { result, json } = await runCliJson<DoctorReport>(['--url', `redis://app:app-Pa55@127.0.0.1:${server.port}`, 'doctor']);
    // Nothing it could check was wrong, but most checks could not run: "incomplete" (5), never 0.
    assert.equal(result.code, 5, JSON.stringify(json));
    assert.equal(json.ok, false);
    for (const id of ['persistence', 'eviction']) {
      const check = json.checks.find((candidate) => candidate.id === id)!;
      assert.equal(check.skipped, true, JSON.stringify(check));
      assert.match(check.message, /INFO is denied.*run doctor as an admin user/);
    }
    assert.ok(!JSON.stringify(json).includes('app-Pa55'));
    const text = await runCli(['--url', `redis://app:app-Pa55@127.0.0.1:${server.port}`, 'doctor']);
    assert.equal(text.code, 5);
    assert.doesNotMatch(text.stdout, /No warnings\./);
    assert.match(text.stdout, /could not run \(SKIP above\).*Run doctor as an admin user/);
  });

  it('passes deploy/redis.prod.conf with no warnings (port, bind, dir and password overridden on the command line)', { skip: !existsSync(PROD_CONF) && 'deploy/redis.prod.conf not written yet' }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'doctor-prod-'));
    dirs.push(dir);
    const conf = path.join(dir, 'redis.prod.conf');
    copyFileSync(PROD_CONF, conf);
    const server = await startRedisServer({
      logName: 'doctor-prod',
      configFile: conf,
      persistenceFromConfig: true,
      dir,
      password: 'prod-Pa55word',
      args: ['--maxmemory', '64mb'],
    });
    servers.push(server);
    const { result, json } = await runCliJson<DoctorReport>(['--url', server.url, 'doctor']);
    assert.equal(result.code, 0, JSON.stringify(json, null, 2));
    assert.ok(json.checks.every((check) => check.ok), JSON.stringify(json.checks, null, 2));
    const persistence = json.checks.find((check) => check.id === 'persistence')!;
    assert.match(persistence.message, /AOF persistence is on/);
  });
});
