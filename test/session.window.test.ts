/**
 * The default window (`limit` option) on a real server: tool calls stay with
 * their results. The window reaches back past `limit` to a
 * group's first call, by at most max(limit, 32) items, with one more LRANGE
 * only when the newest `limit` items start inside a group.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, run, setTracingDisabled, tool, type AgentInputItem } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { z } from 'zod';
import { useSessionFixture } from './support/sessionFixture.js';
import { user } from './support/items.js';

setTracingDisabled(true);
const fixture = useSessionFixture();
const TEST_TIMEOUT_MS = 30_000;

/** A short label of an item: `user: hi`, `call c1`, `result c1`, `assistant: done`. */
function label(item: unknown): string {
  const record = item as { type?: string; role?: string; callId?: string; content?: unknown };
  if (record.type === 'function_call') return `call ${record.callId}`;
  if (record.type === 'function_call_result') return `result ${record.callId}`;
  const content = record.content;
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((part) => (part as { text?: string }).text ?? '').join('') : '';
  return `${record.role}: ${text}`;
}

/** What a careful user expects of a window: no result without its call, and at least the newest `limit` items. */
function assertCareful(window: readonly unknown[], stored: readonly unknown[], limit: number): void {
  const labels = window.map(label);
  for (const entry of labels.filter((l) => l.startsWith('result '))) {
    assert.ok(labels.includes(entry.replace('result', 'call')), `${entry} has no call in the window ${JSON.stringify(labels)}`);
  }
  const storedLabels = stored.map(label);
  assert.deepEqual(labels, storedLabels.slice(storedLabels.length - labels.length), 'the window is the newest part of the history');
  assert.ok(labels.length >= Math.min(limit, storedLabels.length), `fewer than ${limit} items: ${JSON.stringify(labels)}`);
}

/** The commands the server ran (Lua-internal ones excepted) while `action` ran, from the slow log (threshold 0). */
async function commandsDuring(action: () => Promise<unknown>): Promise<string[][]> {
  // This file's own server: log every command, with its arguments.
  await fixture.redis.sendCommand(['CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '1000']);
  await fixture.redis.sendCommand(['SLOWLOG', 'RESET']);
  await action();
  const log = (await fixture.redis.sendCommand(['SLOWLOG', 'GET', '1000'])) as Array<[number, number, number, string[]]>;
  return log
    .map((entry) => entry[3].map(String))
    .filter(([name]) => !['SLOWLOG', 'PING', 'CLIENT', 'HELLO', 'SELECT', 'INFO'].includes(name?.toUpperCase() ?? ''))
    .reverse();
}

function weatherAgent(model: ScriptedModel) {
  const weather = tool({
    name: 'get_weather',
    description: 'Returns the weather of a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `sunny in ${city}`,
  });
  return new Agent({ name: 'Assistant', instructions: 'Answer briefly.', model, tools: [weather] });
}

describe('default window with parallel tool calls', () => {
  it('limit 3 after three parallel calls returns the calls with their results, not 0 items', async () => {
    const id = fixture.uniqueId('issue');
    const stored = [
      user('Weather in Oslo, Rome and Lima?'),
      ...['oslo', 'rome', 'lima'].map((city) => ({ type: 'function_call', callId: `call-${city}`, name: 'get_weather', arguments: `{"city":"${city}"}`, status: 'completed' }) as AgentInputItem),
      ...['oslo', 'rome', 'lima'].map((city) => ({ type: 'function_call_result', callId: `call-${city}`, name: 'get_weather', status: 'completed', output: { type: 'text', text: `sunny in ${city}` } }) as AgentInputItem),
    ];
    await fixture.session({ conversationId: id }).addItems(stored);
    for (const ttl of [undefined, 600]) {
      const window = await fixture.session({ conversationId: id, limit: 3, ttl }).getItems();
      assert.deepEqual(window.map(label), ['call call-oslo', 'call call-rome', 'call call-lima', 'result call-oslo', 'result call-rome', 'result call-lima']);
      assertCareful(window, stored, 3);
    }
  });

  it('run(): the next turns give the model every call with its result, and the stored history is untouched', { timeout: TEST_TIMEOUT_MS }, async () => {
    const id = fixture.uniqueId('run');
    const cities = ['Oslo', 'Rome', 'Lima'];
    const model = new ScriptedModel([
      cities.map((city) => functionCall('get_weather', { city }, { callId: `call-${city}` })),
      [assistantMessage('Sunny everywhere.')],
      [assistantMessage('You asked about three cities.')],
      [assistantMessage('Yes.')],
    ]);
    const agent = weatherAgent(model);
    await run(agent, 'Weather in Oslo, Rome and Lima?', { session: fixture.session({ conversationId: id }) });
    const history = [
      'user: Weather in Oslo, Rome and Lima?',
      'call call-Oslo',
      'call call-Rome',
      'call call-Lima',
      'result call-Oslo',
      'result call-Rome',
      'result call-Lima',
      'assistant: Sunny everywhere.',
    ];
    const stored = () => fixture.redis.lRange(fixture.session({ conversationId: id }).keys.items, 0, -1).then((entries) => entries.map((e) => JSON.parse(e) as unknown));
    assert.deepEqual((await stored()).map(label), history);

    const limited = fixture.session({ conversationId: id, limit: 3 });
    await run(agent, 'Which cities?', { session: limited });
    const input = (model.calls[2]?.request.input ?? []) as AgentInputItem[];
    // Before the fix the model saw only ['assistant: Sunny everywhere.', 'user: Which cities?'].
    assert.deepEqual(input.map(label), [...history.slice(1), 'user: Which cities?']);

    await run(agent, 'Sure?', { session: limited });
    const next = (model.calls[3]?.request.input ?? []) as AgentInputItem[];
    assert.deepEqual(next.map(label), ['assistant: Sunny everywhere.', 'user: Which cities?', 'assistant: You asked about three cities.', 'user: Sure?']);
    model.assertComplete();
    assert.deepEqual((await stored()).map(label), [...history, 'user: Which cities?', 'assistant: You asked about three cities.', 'user: Sure?', 'assistant: Yes.']);
  });
});

describe('cost of the default window', () => {
  const seed = async (items: AgentInputItem[]) => {
    const id = fixture.uniqueId('cost');
    await fixture.session({ conversationId: id }).addItems(items);
    return id;
  };
  const call = (callId: string): AgentInputItem => ({ type: 'function_call', callId, name: 'f', arguments: '{}' });
  const result = (callId: string): AgentInputItem => ({ type: 'function_call_result', callId, name: 'f', status: 'completed', output: 'ok' }) as AgentInputItem;
  const lranges = (commands: string[][]) => commands.filter(([name]) => name?.toUpperCase() === 'LRANGE').map((args) => args.slice(2));

  it('common case: one LRANGE of exactly `limit` items, however long the history', async () => {
    const id = await seed([...Array.from({ length: 500 }, (_, i) => user(`m${i}`)), call('X'), result('X'), user('last')]);
    for (const ttl of [undefined, 600]) {
      const session = fixture.session({ conversationId: id, limit: 3, ttl });
      const commands = await commandsDuring(() => session.getItems());
      assert.deepEqual(lranges(commands), [['-3', '-1']]);
      assert.equal(commands.filter(([name]) => name?.toUpperCase() === 'EVALSHA').length, ttl ? 1 : 0, 'the expiry slides once, with a TTL');
    }
  });

  it('a window starting inside a group: one more LRANGE of limit + max(limit, 32) items, the expiry slid once', async () => {
    const id = await seed([...Array.from({ length: 500 }, (_, i) => user(`m${i}`)), call('A'), call('B'), result('A'), result('B')]);
    for (const ttl of [undefined, 600]) {
      const session = fixture.session({ conversationId: id, limit: 2, ttl });
      let window: AgentInputItem[] = [];
      const commands = await commandsDuring(async () => {
        window = await session.getItems();
      });
      assert.deepEqual(window.map(label), ['call A', 'call B', 'result A', 'result B']);
      assert.deepEqual(lranges(commands), [['-2', '-1'], ['-34', '-1']]);
      assert.equal(commands.filter(([name]) => name?.toUpperCase() === 'EVALSHA').length, ttl ? 1 : 0);
      if (ttl) {
        const pttl = await fixture.redis.pTTL(session.keys.items);
        assert.ok(pttl > 500_000 && pttl <= 600_000, `TTL ${pttl}`);
      }
    }
  });

  it('calls beyond reach (or trimmed by maxItems): the window cuts forward, never returning an orphaned result', async () => {
    const calls = Array.from({ length: 20 }, (_, i) => call(`c${i}`));
    const results = Array.from({ length: 20 }, (_, i) => result(`c${i}`));
    const id = await seed([user('q'), ...calls, ...results, user('after')]);
    assert.deepEqual((await fixture.session({ conversationId: id, limit: 2 }).getItems()).map(label), ['user: after']);
    assert.equal((await fixture.session({ conversationId: id, limit: 21 }).getItems()).length, 41, 'limit 21 reaches 21 + 32 back: the whole group');

    const trimmed = fixture.session({ limit: 3, maxItems: 4 });
    await trimmed.addItems([user('q'), call('A'), call('B'), result('A'), result('B'), user('next')]);
    assert.deepEqual((await trimmed.getItems()).map(label), ['user: next']);
    const whole = fixture.session({ conversationId: trimmed.conversationId, maxItems: 4 });
    assert.deepEqual((await whole.getItems()).map(label), ['user: next'], 'no limit, trimmed history: the forward cut is kept');
    assert.deepEqual((await whole.getItems(3)).map(label), ['result A', 'result B', 'user: next'], 'an explicit getItems(n) is not trimmed, as in MemorySession');
  });

  it('encrypted conversations reach back the same way', async () => {
    const encryption = { keys: { k: Buffer.alloc(32, 3) }, currentKeyId: 'k' };
    const writer = fixture.session({ encryption });
    await writer.addItems([user('q'), call('A'), call('B'), result('A'), result('B')]);
    const window = await fixture.session({ conversationId: writer.conversationId, encryption, limit: 1 }).getItems();
    assert.deepEqual(window.map(label), ['call A', 'call B', 'result A', 'result B']);
  });
});
