/**
 * What users install: `npm pack`, installed into a fresh app, must work on its
 * own through ESM `import`, CJS `require` and its type declarations.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

/** A few lines any user would write first: store a turn and read it back. */
const usage = (load: string) => `${load}
const session = new RedisSession({ redisUrl: process.env.REDIS_URL, conversationId: 'pack-' + process.pid, ttl: 60 });
session.addItems([{ role: 'user', content: 'hello from the tarball' }])
  .then(() => session.getItems())
  .then(async (items) => {
    await session.clearSession();
    await session.close();
    console.log(JSON.stringify(items));
  });
`;

describe('the packed tarball in a fresh app', { timeout: 900_000 }, () => {
  let server: RedisServerHandle;
  let app: string;
  let files: string[];
  /** What `npm install` of the tarball printed (warnings go to stderr). */
  let installOutput: string;

  before(async () => {
    server = await startRedisServer();
    app = await mkdtemp(join(tmpdir(), 'agents-redis-session-app-'));
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], { cwd: repo });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(packed);
    files = packed.files.map((file) => file.path);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true }));
    const installed = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', join(app, packed.filename), '@openai/agents@0.20.0', '@types/node@20'],
      { cwd: app, timeout: 600_000 },
    );
    installOutput = `${installed.stdout}\n${installed.stderr}`;
  });

  after(async () => {
    await server?.stop();
    if (app) await rm(app, { recursive: true, force: true });
  });

  const runNode = (args: string[]) => run(process.execPath, args, { cwd: app, env: { ...process.env, REDIS_URL: server.url } });
  const expected = [{ role: 'user', content: 'hello from the tarball' }];

  test('ships the builds and docs, not the sources or tests', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli.js', 'README.md', 'LICENSE', 'package.json']) {
      assert.ok(files.includes(file), `${file} is in the tarball`);
    }
    assert.deepEqual(files.filter((file) => /^(src|test|bench|demo|examples)\//.test(file)), []);
  });

  test('installs with no install-time script (nothing npm warns about), and ships the MIT license and the links of its docs', async () => {
    const manifest = JSON.parse(await readFile(join(app, 'node_modules', 'agents-redis-session', 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
      engines?: { node?: string };
      repository?: { url?: string };
      homepage?: string;
      bugs?: { url?: string };
    };
    const installTime = ['preinstall', 'install', 'postinstall', 'prepare'].filter((name) => manifest.scripts?.[name] !== undefined);
    assert.deepEqual(installTime, [], 'scripts that would run when a user installs the package');
    // On a Node below the supported range npm rightly says so (EBADENGINE); nothing else about our package.
    const unsupportedNode = Number(process.versions.node.split('.')[0]) < 22;
    const ours = installOutput.split('\n').filter((line) => /warn/i.test(line) && /agents-redis-session/.test(line));
    assert.deepEqual(ours.filter((line) => !(unsupportedNode && /EBADENGINE/.test(line))), [], 'npm warned about our package while installing it');
    if (unsupportedNode) assert.ok(ours.some((line) => /EBADENGINE/.test(line)), `npm did not say Node ${process.version} is unsupported`);
    assert.match(manifest.engines?.node ?? '', /^>=22/);
    assert.match(manifest.repository?.url ?? '', /github\.com\/agents-redis-session\/agents-redis-session/);
    assert.match(manifest.homepage ?? '', /#readme$/);
    assert.match(manifest.bugs?.url ?? '', /\/issues$/);
    const license = await readFile(join(app, 'node_modules', 'agents-redis-session', 'LICENSE'), 'utf8');
    assert.match(license, /^MIT License\n\nCopyright \(c\) \d{4} agents-redis-session contributors\n/);
    assert.match(license, /THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND/);
  });

  test('ESM import works', async () => {
    await writeFile(join(app, 'esm.mjs'), usage("import { RedisSession } from 'agents-redis-session';"));
    const { stdout } = await runNode(['esm.mjs']);
    assert.deepEqual(JSON.parse(stdout), expected);
  });

  test('CJS require works', async () => {
    await writeFile(join(app, 'cjs.cjs'), usage("const { RedisSession } = require('agents-redis-session');"));
    const { stdout } = await runNode(['cjs.cjs']);
    assert.deepEqual(JSON.parse(stdout), expected);
  });

  test('the CLI runs from the installed package (bin)', async () => {
    const cli = join(app, 'node_modules', '.bin', 'agents-redis-session');
    const env = { ...process.env, REDIS_URL: server.url };
    const help = await run(cli, ['--help'], { cwd: app, env });
    assert.match(help.stdout, /list/);
    await writeFile(join(app, 'seed.mjs'), usage("import { RedisSession } from 'agents-redis-session';").replace("await session.clearSession();", ''));
    await runNode(['seed.mjs']);
    const { stdout } = await run(cli, ['--json', 'list'], { cwd: app, env });
    const listed = JSON.parse(stdout) as { id: string; items: number }[];
    assert.ok(listed.some((conversation) => conversation.id.startsWith('pack-') && conversation.items === 1), stdout);
  });

  test('type declarations check for ESM and CJS consumers', async () => {
    const typed = (load: string) => `${load}
import type { Session } from '@openai/agents';
const session: Session = new RedisSession({ conversationId: 'typed', ttl: 3600, keyPrefix: 'tenant_a:conv:', limit: 20 });
const failure: RedisSessionError | undefined = undefined;
void session; void failure;
// @ts-expect-error ttl must be a number or null
new RedisSession({ ttl: '1h' });
new RedisSession({ maxItems: 100, overflow: 'reject', maxItemBytes: 1 << 20, tls: { ca: 'PEM' }, encryption: { keys: { k1: new Uint8Array(32) }, currentKeyId: 'k1' } });
// @ts-expect-error overflow is 'trim' or 'reject'
new RedisSession({ overflow: 'drop' });
`;
    await writeFile(join(app, 'typed.mts'), typed("import { RedisSession, RedisSessionError } from 'agents-redis-session';"));
    await writeFile(
      join(app, 'typed.cts'),
      typed("import { RedisSession, RedisSessionError } from 'agents-redis-session';"),
    );
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node'];
    // Fails (rejects with tsc's output) on any type error, including in our .d.ts files.
    await run(process.execPath, [tsc, ...flags, 'typed.mts', 'typed.cts'], { cwd: app });
  });
});
