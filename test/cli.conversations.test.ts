/**
 * The CLI's conversation commands (issue 11): `show` with the info and the usage, `rename`, `list` with owners and titles,
 * `list --owner` through the owner's index, `fork`; their --json shapes, and bad input (unknown id, invalid owner or
 * title) refused with a clear message, exit code and nothing written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunContext, Usage } from '@openai/agents';
import type { ConversationInfo, ConversationUsage } from 'agents-redis-session';
import { runCli, runCliJson, type CliResult } from './support/cli.js';
import { assistant, user } from './support/items.js';
import { useSessionFixture } from './support/sessionFixture.js';

const fixture = useSessionFixture();

/** One model request of `input` + `output` tokens on the run's usage, as the runner counts it. */
function request(context: RunContext, inputTokens: number, outputTokens: number): void {
  context.usage.add(
    new Usage({
      requests: 1,
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      inputTokensDetails: { cached_tokens: 4 },
      outputTokensDetails: { reasoning_tokens: 2 },
    }),
  );
}

/** The one JSON line a --json run prints on stderr for an error. */
function jsonError(result: CliResult): { error: string; exitCode: number } {
  assert.equal(result.stdout, '', 'nothing on stdout');
  return JSON.parse(result.stderr) as { error: string; exitCode: number };
}

/** DUMP and PTTL of every key of the server: what "nothing written" compares. */
async function serverState(): Promise<string> {
  const keys = (await fixture.redis.keys('*')).sort();
  const dumped = await Promise.all(keys.map(async (key) => [key, await fixture.redis.type(key), (await fixture.redis.pTTL(key)) >= 0 ? "expires" : "never", (await fixture.redis.sendCommand(['HGETALL', key]).catch(() => null)) as unknown]));
  return JSON.stringify(dumped);
}

describe('agents-redis-session CLI: conversations', () => {
  const url = () => fixture.server.url;

  it('show prints the info (owner, title, metadata, ISO times, TTL, parent) and the usage (totals, turns) before the items', async () => {
    const session = fixture.session({ conversationId: 'show-ada', owner: 'ada', title: 'Trip to Rome', metadata: { topic: 'travel' }, ttl: 3600 });
    const context = new RunContext();
    await session.getItems(undefined, context);
    request(context, 100, 20);
    await session.addItems([user('Plan a trip to Rome'), assistant('Here is a plan.')], context);
    request(context, 130, 30);
    await session.addItems([user('And Florence?'), assistant('Also nice.')], context);

    const text = await runCli(['--url', url(), 'show', 'show-ada']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^conv:show-ada: 4 items, TTL 3\d{3} s/m);
    assert.match(text.stdout, /^ {2}owner {5}ada$/m);
    assert.match(text.stdout, /^ {2}title {5}Trip to Rome$/m);
    assert.match(text.stdout, /^ {2}metadata {2}\{"topic":"travel"\}$/m);
    assert.match(text.stdout, /^ {2}created {3}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
    assert.match(text.stdout, /^ {2}updated {3}\d{4}-\d\d-\d\dT/m);
    assert.match(text.stdout, /^ {2}parent {4}-$/m);
    assert.match(text.stdout, /^ {2}usage {5}2 requests, 280 tokens \(input 230, output 50, cached 8, reasoning 4\) in 2 turns$/m);
    assert.match(text.stdout, /^ {4}turn 1 {2}\d{4}-\S+Z {2}2 items {2}1 request, 120 tokens \(input 100, output 20, cached 4, reasoning 2\)$/m);
    assert.match(text.stdout, /^ {4}turn 2 .* 160 tokens/m);
    assert.match(text.stdout, /^0\s+user\s+Plan a trip to Rome$/m);
    assert.ok(text.stdout.indexOf('usage') < text.stdout.indexOf('Plan a trip'), 'the info and usage come before the items');

    const { result, json } = await runCliJson<{ id: string; total: number; ttl: number; info: ConversationInfo; usage: ConversationUsage; items: unknown[] }>([
      '--url', url(), 'show', 'show-ada',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json.total, 4);
    assert.equal(json.items.length, 4);
    assert.deepEqual(json.info, await session.getInfo(), 'the info is what getInfo() returns');
    assert.deepEqual(json.usage, await session.getUsage(), 'the usage is what getUsage() returns');
    assert.equal(json.info.owner, 'ada');
    assert.equal(json.usage.totals.totalTokens, 280);
    assert.equal(json.usage.turns.length, 2);
  });

  it('show of a conversation without info (written by native commands) prints what it knows', async () => {
    await fixture.redis.rPush('conv:show-legacy', JSON.stringify(user('old')));
    const text = await runCli(['--url', url(), 'show', 'show-legacy']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {2}owner {5}-$/m);
    assert.match(text.stdout, /^ {2}created {3}-$/m);
    assert.match(text.stdout, /^ {2}usage {5}-$/m);
    const { json } = await runCliJson<{ info: ConversationInfo; usage: ConversationUsage }>(['--url', url(), 'show', 'show-legacy']);
    assert.equal(json.info.createdAt, null);
    assert.deepEqual(json.usage.turns, []);
  });

  it('rename sets and --clear removes the title of an owned conversation (read as its owner), stamping updatedAt', async () => {
    const session = fixture.session({ conversationId: 'rename-me', owner: 'grace' });
    await session.addItems([user('hi')]);
    const before = (await session.getInfo())!;
    await new Promise((resolve) => setTimeout(resolve, 3));

    const text = await runCli(['--url', url(), 'rename', 'rename-me', 'Weekend plans']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Renamed "rename-me" to "Weekend plans"\./);
    const renamed = (await session.getInfo())!;
    assert.equal(renamed.title, 'Weekend plans');
    assert.equal(renamed.owner, 'grace', 'the owner is unchanged');
    assert.ok(renamed.updatedAt! > before.updatedAt!, 'a rename is a change');

    const { result, json } = await runCliJson<{ id: string; key: string; title: string | null }>(['--url', url(), 'rename', 'rename-me', '--clear']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json, { id: 'rename-me', key: 'conv:rename-me', title: null });
    assert.equal((await session.getInfo())!.title, null);

    // A conversation without an owner is renamed by a session without one.
    const plain = fixture.session({ conversationId: 'rename-plain' });
    await plain.addItems([user('hi')]);
    assert.equal((await runCli(['--url', url(), 'rename', 'rename-plain', 'No owner'])).code, 0);
    assert.equal((await plain.getInfo())!.title, 'No owner');
  });

  it('rename refuses an invalid title, a missing one, and an unknown conversation, writing nothing', async () => {
    const session = fixture.session({ conversationId: 'rename-bad', owner: 'grace', title: 'Kept' });
    await session.addItems([user('hi')]);
    const state = await serverState();
    for (const [args, exitCode, message] of [
      [['rename', 'rename-bad', 'two\nlines'], 2, /title must not contain control characters/],
      [['rename', 'rename-bad', 'x'.repeat(1001)], 2, /title is 1001 characters long; the maximum is 1000/],
      [['rename', 'rename-bad', ''], 2, /title must be a non-empty string/],
      [['rename', 'rename-bad'], 2, /give either a <title> or --clear/],
      [['rename', 'rename-bad', 'New', '--clear'], 2, /give either a <title> or --clear/],
      [['rename', 'no-such-conversation', 'New'], 3, /conversation "no-such-conversation" not found/],
      [['rename', 'bad{id}', 'New'], 2, /The conversation id must not contain "\{"/],
    ] as const) {
      const result = await runCli(['--json', '--url', url(), ...args]);
      assert.equal(result.code, exitCode, `${args.join(' ')}: ${result.stderr}`);
      const error = jsonError(result);
      assert.equal(error.exitCode, exitCode);
      assert.match(error.error, message);
    }
    assert.equal(await serverState(), state, 'nothing was written');
    assert.equal((await session.getInfo())!.title, 'Kept');
  });

  it('list shows OWNER and TITLE columns when some conversation has them, and --json has owner and title on every row', async () => {
    const prefix = 'listing:';
    const owned = fixture.session({ conversationId: 'one', keyPrefix: prefix, owner: 'ada', title: 'Rome\u009b31m' });
    await owned.addItems([user('hi')]);
    const plain = fixture.session({ conversationId: 'two', keyPrefix: prefix });
    await plain.addItems([user('hi')]);

    const text = await runCli(['--url', url(), '--prefix', prefix, 'list']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ID\s+OWNER\s+TITLE\s+ITEMS\s+TTL\s+SIZE$/m);
    assert.match(text.stdout, /^one\s+ada\s+Rome\\x9b31m\s+1\s+none/m, 'the title is shown with its control characters escaped');
    assert.match(text.stdout, /^two\s+-\s+-\s+1\s+none/m);

    const { json } = await runCliJson<{ id: string; owner: string | null; title: string | null }[]>(['--url', url(), '--prefix', prefix, 'list']);
    assert.deepEqual(json.map(({ id, owner, title }) => ({ id, owner, title })), [
      { id: 'one', owner: 'ada', title: 'Rome\u009b31m' },
      { id: 'two', owner: null, title: null },
    ]);
  });

  it('list --owner refuses an invalid owner before connecting, and options that do not go with it', async () => {
    for (const [args, message] of [
      [['list', '--owner', 'a{b}'], /--owner must not contain "\{" or "\}"/],
      [['list', '--owner', 'tab\there'], /--owner must not contain control characters/],
      [['list', '--owner', 'x'.repeat(257)], /--owner is 257 characters long; the maximum is 256/],
      [['list', '--owner', ''], /--owner must be a non-empty string/],
      [['list', '--cursor', 'abc'], /--cursor pages through an owner's conversations: give --owner too/],
      [['list', '--owner', 'ada', '--match', 'a*'], /--match filters a SCAN/],
      [['list', '--owner', 'ada', '--limit', '1001'], /at most 1000/],
    ] as const) {
      // Port 1: nothing listens there, so these errors come before any connection.
      const result = await runCli(['--json', '--url', 'redis://127.0.0.1:1', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(jsonError(result).error, message);
    }
  });

  it('list --owner pages through the owner\'s index, newest first, with title, times, items, tokens and parent', async () => {
    const prefix = 'owned:';
    for (const [i, id] of ['oldest', 'middle', 'newest'].entries()) {
      const session = fixture.session({ conversationId: id, keyPrefix: prefix, owner: 'ada', title: `Chat ${i}` });
      await session.addItems([user(`hello ${i}`)]);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await fixture.session({ conversationId: 'other', keyPrefix: prefix, owner: 'bob' }).addItems([user('not ada')]);

    const first = await runCliJson<{ owner: string; conversations: ConversationInfo[]; cursor: string | null }>([
      '--url', url(), '--prefix', prefix, 'list', '--owner', 'ada', '--limit', '2',
    ]);
    assert.equal(first.result.code, 0, first.result.stderr);
    assert.equal(first.json.owner, 'ada');
    assert.deepEqual(first.json.conversations.map((info) => info.conversationId), ['newest', 'middle']);
    assert.equal(first.json.conversations[0]!.title, 'Chat 2');
    assert.ok(first.json.cursor !== null);
    const second = await runCliJson<{ conversations: ConversationInfo[]; cursor: string | null }>([
      '--url', url(), '--prefix', prefix, 'list', '--owner', 'ada', '--limit', '2', '--cursor', first.json.cursor!,
    ]);
    assert.deepEqual(second.json.conversations.map((info) => info.conversationId), ['oldest']);
    assert.equal(second.json.cursor, null);

    const text = await runCli(['--url', url(), '--prefix', prefix, 'list', '--owner', 'ada', '--limit', '2']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ID\s+TITLE\s+UPDATED\s+ITEMS\s+TOKENS$/m);
    assert.match(text.stdout, /^newest\s+Chat 2\s+\d{4}-\S+Z\s+1\s+0$/m);
    assert.match(text.stdout, /2 conversations of owner "ada"; next page: --cursor \S+/);

    const unknown = await runCliJson<{ conversations: unknown[]; cursor: string | null }>(['--url', url(), '--prefix', prefix, 'list', '--owner', 'nobody']);
    assert.equal(unknown.result.code, 0, 'an unknown owner is an empty page, not an error');
    assert.deepEqual([unknown.json.conversations, unknown.json.cursor], [[], null]);
  });

  it('fork refuses an invalid --to, a bad --up-to and an unknown conversation, writing nothing', async () => {
    const session = fixture.session({ conversationId: 'fork-bad', owner: 'ada' });
    await session.addItems([user('a'), user('b')]);
    const state = await serverState();
    for (const [args, exitCode, message] of [
      [['fork', 'fork-bad', '--to', 'bad{id}'], 2, /--to must not contain "\{"/],
      [['fork', 'fork-bad', '--up-to', '-1'], 2, /expected a whole number from 0 up/],
      [['fork', 'fork-bad', '--up-to', 'two'], 2, /expected a whole number from 0 up/],
      [['fork', 'no-such-conversation'], 3, /conversation "no-such-conversation" not found/],
    ] as const) {
      const result = await runCli(['--json', '--url', url(), ...args]);
      assert.equal(result.code, exitCode, `${args.join(' ')}: ${result.stderr}`);
      assert.match(jsonError(result).error, message);
    }
    assert.equal(await serverState(), state, 'nothing was written');
  });

  it('fork copies the first n items into a new conversation of the same owner and prints its id', async () => {
    const source = fixture.session({ conversationId: 'fork-src', owner: 'ada', title: 'Original' });
    await source.addItems([user('a'), assistant('b'), user('c')]);

    const { result, json } = await runCliJson<{ id: string; key: string; items: number; parent: { conversationId: string; upTo: number } }>([
      '--url', url(), 'fork', 'fork-src', '--to', 'fork-copy', '--up-to', '2',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json, { id: 'fork-copy', key: 'conv:fork-copy', items: 2, parent: { conversationId: 'fork-src', upTo: 2 } });
    const copy = fixture.session({ conversationId: 'fork-copy', owner: 'ada' });
    assert.deepEqual(await copy.getItems(), [user('a'), assistant('b')]);
    assert.equal((await copy.getInfo())!.owner, 'ada');
    assert.equal((await source.getItems()).length, 3, 'the source is unchanged');

    const text = await runCli(['--url', url(), 'fork', 'fork-src']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Forked fork-src \(its first 3 items\) into [0-9a-f-]{36}$/m);

    const outside = await runCli(['--json', '--url', url(), 'fork', 'fork-src', '--up-to', '4']);
    assert.equal(outside.code, 2, 'an --up-to past the end of the history is bad input');
  });
});
