/**
 * Terminal injection: stored text that holds escape sequences, C1 controls or bidi overrides is shown
 * escaped by every command (show, list, tail, watch, errors), never sent raw to the operator's terminal, and --json
 * output escapes them as \uXXXX.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';
import { collect, runCli, spawnCli, waitForStderr, type CliResult } from './support/cli.js';

/** Sets the window title, clears the screen, a C1 CSI, a right-to-left override, and a carriage return that hides text. */
const PAYLOAD = 'hi \x1b]0;pwned\x07 \x1b[2J \x9b31m \u202eevil\u202c \rcover';
/** Raw characters a terminal acts on: C0 except newline, DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function assertNoRawControl(result: CliResult, where: string): void {
  for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
    const match = RAW_CONTROL.exec(text);
    assert.equal(match, null, `${where}: raw U+${match?.[0].charCodeAt(0).toString(16).padStart(4, '0')} on ${stream}: ${JSON.stringify(text)}`);
  }
}

describe('CLI output never passes terminal controls through', () => {
  let server: RedisServerHandle;
  let redis: ReturnType<typeof createClient>;

  before(async () => {
    server = await startRedisServer({ logName: 'cli-escape' });
    redis = createClient({ url: server.url });
    redis.on('error', () => {});
    await redis.connect();
    const session = new RedisSession({ redisUrl: server.url, conversationId: 'evil' });
    await session.addItems([{ role: 'user', content: PAYLOAD }]);
    await session.close();
    // An id found by SCAN is not validated: a key written by another program may hold anything.
    await redis.rPush('conv:id\x1b[2J\u202e', [JSON.stringify({ role: 'user', content: 'x' })]);
    await redis.rPush('conv:raw', ['not json \x1b[2J']);
  });

  after(async () => {
    await closeSharedConnections();
    redis.destroy();
    await server.stop();
  });

  it('show, list and their --json forms', async () => {
    const show = await runCli(['--url', server.url, 'show', 'evil']);
    assert.equal(show.code, 0, show.stderr);
    assertNoRawControl(show, 'show');
    assert.ok(show.stdout.includes('\\x1b]0;pwned\\x07'), show.stdout);
    assert.ok(show.stdout.includes('\\x1b[2J') && show.stdout.includes('\\x9b31m') && show.stdout.includes('\\u202eevil\\u202c'), show.stdout);
    assert.match(show.stdout, / cover$/m, 'a carriage return is shown as a space, so it cannot hide the text before it');

    const raw = await runCli(['--url', server.url, 'show', 'raw']);
    assertNoRawControl(raw, 'show of a corrupt entry');
    assert.ok(raw.stdout.includes('not JSON: not json \\x1b[2J'), raw.stdout);

    const json = await runCli(['--url', server.url, '--json', 'show', 'evil']);
    assert.equal(json.code, 0, json.stderr);
    assertNoRawControl(json, 'show --json');
    const parsed = JSON.parse(json.stdout) as { items: { item: { content: string } }[] };
    assert.equal(parsed.items[0]!.item.content, PAYLOAD, 'the JSON still decodes to the stored text');
    assert.ok(json.stdout.includes('\\u009b') && json.stdout.includes('\\u202e'), json.stdout);

    for (const args of [['list'], ['--json', 'list'], ['export'], ['stats']]) {
      const result = await runCli(['--url', server.url, ...args]);
      assert.equal(result.code, 0, result.stderr);
      assertNoRawControl(result, args.join(' '));
    }
    const list = await runCli(['--url', server.url, 'list']);
    assert.ok(list.stdout.includes('id\\x1b[2J\\u202e'), list.stdout);
  });

  it('error messages that quote what was typed', async () => {
    for (const args of [['show', '--\x1b[2J'], ['--json', 'show', '--\x1b[2J'], ['show', 'x\u202e'], ['show', 'a\x1b[2J']]) {
      const result = await runCli(['--url', server.url, ...args]);
      assert.notEqual(result.code, 0);
      assertNoRawControl(result, JSON.stringify(args));
    }
  });

  for (const command of ['tail', 'watch'] as const) {
    it(`${command} prints events with the items escaped (text and --json)`, async () => {
      for (const json of [false, true]) {
        const args = ['--url', server.url, ...(json ? ['--json'] : []), command, ...(command === 'tail' ? ['evil'] : []), '--max-events', '1', '--timeout-ms', '60000'];
        const child = spawnCli(args);
        const done = collect(child, 90_000);
        await waitForStderr(child, 'Listening on');
        const session = new RedisSession({ redisUrl: server.url, conversationId: 'evil' });
        await session.addItems([{ role: 'user', content: PAYLOAD }]);
        await session.close();
        const result = await done;
        assert.equal(result.code, 0, result.stderr);
        assertNoRawControl(result, `${command}${json ? ' --json' : ''}`);
        if (json) assert.equal((JSON.parse(result.stdout) as { items: { content: string }[] }).items[0]!.content, PAYLOAD);
        else assert.ok(result.stdout.includes('\\x1b]0;pwned\\x07'), result.stdout);
      }
    });
  }
});
