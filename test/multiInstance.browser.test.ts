/**
 * examples/03_multi_instance_demo.ts: three agent server processes share one
 * conversation through a harness redis-server. A smoke test runs the demo to
 * completion; a browser test keeps it serving (`--serve`) and checks in
 * headless Chromium (Debian's `chromium`, driven by playwright-core) that the
 * page served by one instance updates live, through server-sent events fed by
 * the change feed, when messages go to the other instances.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isPidAlive, startRedisServer, waitUntil, type RedisServerHandle } from './harness/index.js';

const repo = resolve(import.meta.dirname, '..');
const DEMO = 'examples/03_multi_instance_demo.ts';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Generous: tsx compiles four processes on start, and the CI machine may be busy. */
const START_TIMEOUT_MS = 120_000;
/** How long a live update may take to show on the page. */
const LIVE_TIMEOUT_MS = 60_000;

/** The demo running as a child process, with everything it printed so far. */
interface DemoRun {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the demo (without OPENAI_API_KEY) against `redisUrl`. */
function startDemo(redisUrl: string, args: string[] = []): DemoRun {
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redisUrl };
  delete env.OPENAI_API_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', DEMO, ...args], { cwd: repo, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Stops a demo that is still running (SIGTERM by PID, SIGKILL after 10 s) and returns its exit code. */
async function stopDemo(demo: DemoRun): Promise<number | null> {
  if (demo.child.exitCode === null && demo.child.signalCode === null) {
    demo.child.kill('SIGTERM');
    const timer = setTimeout(() => demo.child.kill('SIGKILL'), 10_000);
    await demo.exited;
    clearTimeout(timer);
  }
  return demo.exited;
}

/** The instances the demo printed: name → { pid, url }. */
function instancesOf(output: string): Map<string, { pid: number; url: string }> {
  const found = new Map<string, { pid: number; url: string }>();
  for (const m of output.matchAll(/\[instance ([ABC])\] pid (\d+) listening on (http:\/\/127\.0\.0\.1:\d+)/g)) {
    found.set(m[1]!, { pid: Number(m[2]), url: m[3]! });
  }
  return found;
}

function conversationOf(output: string): string {
  const id = /Conversation (multi-\d+)/.exec(output)?.[1];
  assert.ok(id, `the demo prints its conversation id:\n${output}`);
  return id;
}

async function postChat(instanceUrl: string, conversationId: string, message: string): Promise<{ instance: string; reply: string }> {
  const response = await fetch(`${instanceUrl}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId, message }),
  });
  assert.equal(response.status, 200);
  return (await response.json()) as { instance: string; reply: string };
}

/** Waits until the page lists an item containing `text`. */
async function shows(page: Page, text: string): Promise<void> {
  await page.locator('#messages li', { hasText: text }).first().waitFor({ timeout: LIVE_TIMEOUT_MS });
}

describe('multi-instance demo (examples/03)', { timeout: 4 * START_TIMEOUT_MS }, () => {
  let server: RedisServerHandle;

  before(async () => {
    server = await startRedisServer({ logName: 'multi-instance' });
  });
  after(async () => {
    await server?.stop();
  });

  test('smoke: turns on A, B and C; each instance prints the others\' updates; exits 0 and stops its children', async () => {
    const demo = startDemo(server.url);
    const timer = setTimeout(() => demo.child.kill('SIGTERM'), START_TIMEOUT_MS);
    const code = await demo.exited;
    clearTimeout(timer);
    const output = demo.output();
    assert.equal(code, 0, output);
    for (const line of [
      `Redis:  ${server.url} (from REDIS_URL)`, // the quick-start demo's findRedis prints it
      'Turn 1 → instance A:  You: Hi, I\'m Ada.',
      'Turn 2 → instance B:  You: What\'s the weather in Paris?',
      'Turn 3 → instance C:  You: What\'s my name?   Agent: Your name is Ada.',
      'Page (live through server-sent events): http://127.0.0.1:',
      'Done.',
    ]) {
      assert.ok(output.includes(line), `output lacks ${JSON.stringify(line)}:\n${output}`);
    }
    for (const name of ['A', 'B', 'C']) {
      assert.match(output, new RegExp(`\\[instance ${name}\\] saw add v\\d+ from another instance`));
      const fromOthers = Number(new RegExp(`instance ${name} saw (\\d+) updates from other instances`).exec(output)?.[1]);
      assert.ok(fromOthers > 0, `instance ${name} saw updates from the others:\n${output}`);
    }
    const instances = instancesOf(output);
    assert.equal(instances.size, 3);
    for (const { pid } of instances.values()) assert.equal(isPidAlive(pid), false, `instance pid ${pid} is stopped`);
    const key = `demo:multi:conv:${conversationOf(output)}`;
    assert.equal(await server.command(['LLEN', key]), 8, 'three turns: 2 + 4 (tool call and result) + 2 items');
    const ttl = (await server.command(['TTL', key])) as number;
    assert.ok(ttl > 0 && ttl <= 300, `TTL ${ttl}`);
  });

  test(
    'browser: the page of instance B updates live (SSE) with messages sent to A, to C and through its own form',
    { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install Debian's chromium with apt-get install -y chromium` },
    async () => {
      const demo = startDemo(server.url, ['--serve']);
      let browser: Browser | undefined;
      try {
        await waitUntil(() => demo.output().includes('Serving until Ctrl-C.') || demo.child.exitCode !== null, {
          timeoutMs: START_TIMEOUT_MS,
          description: 'the demo serves',
        });
        const output = demo.output();
        assert.ok(output.includes('Serving until Ctrl-C.'), output);
        const instances = instancesOf(output);
        const [a, b, c] = ['A', 'B', 'C'].map((name) => instances.get(name)!);
        assert.ok(a && b && c, output);
        const conversationId = conversationOf(output);

        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
        const pageB = await browser.newPage();
        let navigations = 0;
        pageB.on('framenavigated', (frame) => frame === pageB.mainFrame() && navigations++);
        await pageB.goto(`${b.url}/?conversationId=${encodeURIComponent(conversationId)}`);
        await pageB.locator('#status', { hasText: 'live' }).waitFor({ timeout: LIVE_TIMEOUT_MS });
        assert.equal(await pageB.locator('#feed').textContent(), 'B', 'the live feed comes from instance B itself');
        await shows(pageB, 'Your name is Ada.'); // the demo's scripted turns
        assert.equal(await pageB.locator('#messages li').count(), 8);
        const loads = navigations;

        assert.equal((await postChat(a.url, conversationId, "Hi, I'm Grace.")).instance, 'A');
        await shows(pageB, "Hi, I'm Grace.");
        await shows(pageB, 'Nice to meet you, Grace!');

        assert.equal((await postChat(c.url, conversationId, "What's my name?")).reply, 'Your name is Grace.');
        await shows(pageB, 'Your name is Grace.');

        // The form of page B posts to B; a page served by A shows the turn too.
        const pageA = await browser.newPage();
        await pageA.goto(`${a.url}/?conversationId=${encodeURIComponent(conversationId)}`);
        await pageA.locator('#status', { hasText: 'live' }).waitFor({ timeout: LIVE_TIMEOUT_MS });
        await pageB.locator('#send input[name=message]').fill("What's the weather in Rome?");
        await pageB.locator('#send button').click();
        await shows(pageA, 'sunny and 22°C in Rome');
        await shows(pageB, 'sunny and 22°C in Rome');
        await pageB.locator('#status', { hasText: 'last turn ran on instance B' }).waitFor({ timeout: LIVE_TIMEOUT_MS });

        assert.equal(navigations, loads, 'page B never reloaded: every update came through server-sent events');
        assert.equal(await pageB.locator('#messages li').count(), 16, '8 scripted + 2 + 2 + 4 items, none twice');
        const events = Number(await pageB.locator('#messages').getAttribute('data-events'));
        assert.ok(events >= 3, `page B received ${events} change events`);
        assert.equal(await pageB.locator('#messages').getAttribute('data-snapshots'), '1', 'one stream, never reconnected');
        assert.equal(await server.command(['LLEN', `demo:multi:conv:${conversationId}`]), 16);
      } finally {
        await browser?.close();
        await stopDemo(demo);
      }
      assert.equal(await demo.exited, 0, `SIGTERM stops the demo cleanly:\n${demo.output()}`);
      for (const { pid } of instancesOf(demo.output()).values()) assert.equal(isPidAlive(pid), false, `instance pid ${pid} is stopped`);
    },
  );
});
