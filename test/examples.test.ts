/**
 * Smoke tests of the front door: `demo/main.ts`, the examples and the README's
 * offline snippet run as a new user would run them (separate processes, offline
 * model, no API key) against a harness redis-server, plus the demo's fallback
 * when no Redis answers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { freePort, isPidAlive, startRedisServer, type RedisServerHandle } from './harness/index.js';

const repo = resolve(import.meta.dirname, '..');
/** Generous: tsx compiles each script on start, and the CI machine may be busy. */
const SCRIPT_TIMEOUT_MS = 150_000;

interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a repo script with `node --import tsx`, without OPENAI_API_KEY, killing it (by PID) after the timeout. */
function runScript(script: string, env: Record<string, string>): Promise<ScriptResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.OPENAI_API_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repo, env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGTERM'), SCRIPT_TIMEOUT_MS);
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Asserts exit code 0, showing the output when it is not. */
function assertSucceeded(result: ScriptResult): void {
  assert.equal(result.code, 0, `exit code ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
}

function assertIncludes(output: string, expected: string[]): void {
  for (const line of expected) assert.ok(output.includes(line), `output lacks ${JSON.stringify(line)}:\n${output}`);
}

describe('demo and examples', { timeout: 4 * SCRIPT_TIMEOUT_MS }, () => {
  let server: RedisServerHandle;

  before(async () => {
    server = await startRedisServer({ logName: 'examples' });
  });
  after(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await server.command(['FLUSHALL']); // the harness server, never the shared one
  });

  test('demo: a second process resumes the conversation from Redis; prefix isolation; sliding TTL', async () => {
    const result = await runScript('demo/main.ts', { REDIS_URL: server.url });
    assertSucceeded(result);
    assertIncludes(result.stdout, [
      `Redis:  ${server.url}`,
      'offline demo model',
      "Agent: Nice to meet you, Ada! I'll remember that.",
      '[called get_weather]',
      'Stored: 6 items · session.ttl = 300 s',
      '6 items loaded from Redis.',
      'Agent: Your name is Ada.',
      'Agent: Your name is Grace.',
      'redis-cli -u "$REDIS_URL" LRANGE demo:conv:',
    ]);
    // Sliding TTL: the read set the expiry back up (to 300 s, give or take the rounding of TTL).
    const paused = Number(/TTL after a 1\.5 s pause: +(\d+) s/.exec(result.stdout)?.[1]);
    const afterRead = Number(/TTL after session\.getItems\(\): (\d+) s/.exec(result.stdout)?.[1]);
    assert.ok(paused < afterRead && afterRead >= 299, `TTL ${paused} s, then ${afterRead} s after the read`);

    const id = /Memory: demo:conv:(demo-\d+)/.exec(result.stdout)?.[1];
    assert.ok(id, 'the demo prints its conversation key');
    const process1 = /Process 1 \(pid (\d+)\)/.exec(result.stdout)?.[1];
    const process2 = /Process 2 \(pid (\d+)\)/.exec(result.stdout)?.[1];
    assert.ok(process1 && process2 && process1 !== process2, 'two different processes took part');

    // Only its own two conversations were written (items, and metadata holding the change-event version),
    // and both keep a sliding TTL.
    const keys = ((await server.command(['KEYS', '*'])) as string[]).sort();
    assert.deepEqual(keys, [`demo:conv:${id}`, `demo:tenant_b:conv:${id}`, `{demo:conv:${id}}:meta`, `{demo:tenant_b:conv:${id}}:meta`]);
    assert.equal(await server.command(['LLEN', `demo:conv:${id}`]), 8);
    assert.equal(await server.command(['LLEN', `demo:tenant_b:conv:${id}`]), 4);
    const ttl = (await server.command(['TTL', `demo:conv:${id}`])) as number;
    assert.ok(ttl > 0 && ttl <= 300, `TTL ${ttl}`);
    const metaTtl = (await server.command(['TTL', `{demo:conv:${id}}:meta`])) as number;
    assert.ok(metaTtl > 0 && metaTtl <= 300, `metadata TTL ${metaTtl}`);
  });

  test('example 01: basic usage with a TTL, leaving nothing behind', async () => {
    const result = await runScript('examples/01_basic_redis.ts', { REDIS_URL: server.url });
    assertSucceeded(result);
    assertIncludes(result.stdout, ['Agent: Your name is Ada.', '4 items stored at conv:example-basic-', 'expiring 3600 s']);
    assert.equal(await server.command(['DBSIZE']), 0);
  });

  test('example 02: shared client, tenant prefixes and the TTL patterns Redis reports, cleaned up', async () => {
    const result = await runScript('examples/02_production_redis.ts', { REDIS_URL: server.url });
    assertSucceeded(result);
    assertIncludes(result.stdout, [
      'TTL 300 s',
      'TTL 1800 s',
      'TTL 3600 s',
      'TTL 86400 s',
      'TTL -1 (no expiry)',
      'Your name is Ada.',
      'Your name is Grace.',
    ]);
    assert.match(result.stdout, /tenant_a:conv:support-\d+: Your name is Ada\./);
    assert.match(result.stdout, /tenant_b:conv:support-\d+: Your name is Grace\./);
    assert.equal(await server.command(['DBSIZE']), 0);
  });

  test('example 04: a sidebar of one owner page by page, rename, fork and usage, cleaned up', async () => {
    const result = await runScript('examples/04_conversations.ts', { REDIS_URL: server.url });
    assertSucceeded(result);
    assert.match(result.stdout, /^Sidebar of example-user-\d+:\n {2}Trip to Kyoto · 2 items · \d+ tokens\n {2}Trip to Lisbon · 2 items · \d+ tokens\n {2}-- more --\n {2}Trip to Rome · 2 items · \d+ tokens$/m);
    assertIncludes(result.stdout, ['Renamed; now on top: Rome, 3 days', 'has 4 conversations.', 'Usage of "Rome, 3 days": 1 request, 9 tokens in 1 turn']);
    assert.match(result.stdout, /^Forked example-lisbon-\d+ \(its first 1 item\) into [0-9a-f-]{36}$/m);
    assert.equal(await server.command(['DBSIZE']), 0, 'the conversations and the index are gone');
  });

  test("README: the offline variant of 'Use it in your app' runs as it is, without an API key", async () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const section = /^## Use it in your app\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    const snippets = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
    const offline = snippets.filter((code) => /\bModel\b/.test(code));
    assert.equal(snippets.length, 2, 'the section shows the snippet and its offline variant');
    assert.equal(offline.length, 1, 'one snippet brings its own model');
    // Inside the repository, so that 'agents-redis-session' resolves to this package (its built dist/) by name.
    const dir = join(repo, '.tmp', 'readme-snippets');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `offline-${process.pid}.ts`);
    writeFileSync(file, offline[0]!);
    try {
      const result = await runScript(file, { REDIS_URL: server.url });
      assertSucceeded(result);
      assertIncludes(result.stdout, ['You said: Hi, I am Ada. / What is my name?']);
      assert.equal(await server.command(['LLEN', 'conv:user-123']), 4);
      const ttl = (await server.command(['TTL', 'conv:user-123'])) as number;
      assert.ok(ttl > 0 && ttl <= 3600, `TTL ${ttl}`);
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('demo fallback: with nothing at REDIS_URL it runs its own redis-server and stops it', async () => {
    const port = await freePort(); // nothing listens here
    const result = await runScript('demo/main.ts', { REDIS_URL: `redis://127.0.0.1:${port}` });
    assertSucceeded(result);
    assertIncludes(result.stdout, ['started a throwaway redis-server', 'Agent: Your name is Ada.', 'Agent: Your name is Grace.']);
    const pid = Number(/throwaway redis-server\s+\(pid (\d+)\)/.exec(result.stdout)?.[1]);
    const dir = /data in (\S+);/.exec(result.stdout)?.[1];
    assert.ok(pid > 0 && dir, 'the demo prints the PID and dir of its server');
    assert.ok(result.stdout.includes(`Stopped the throwaway redis-server (pid ${pid})`));
    assert.equal(isPidAlive(pid), false, `redis-server ${pid} is gone`);
    assert.equal(existsSync(dir), false, `${dir} is removed`);
  });

  test('demo with no Redis and no redis-server: exit 1 naming the install commands and REDIS_URL', async () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'agents-redis-session-empty-path-'));
    try {
      const port = await freePort();
      const result = await runScript('demo/main.ts', { REDIS_URL: `redis://127.0.0.1:${port}`, PATH: emptyPath });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assertIncludes(result.stderr, ['redis-server is not installed', 'apt-get install -y redis-server', 'brew install redis', 'REDIS_URL=']);
    } finally {
      rmSync(emptyPath, { recursive: true, force: true });
    }
  });
});
