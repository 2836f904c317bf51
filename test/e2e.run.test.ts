/**
 * End-to-end tests: the SDK's `run()` with a `ScriptedModel` (no network) and a
 * `RedisSession` on a throwaway redis-server. They check what the model
 * receives on each turn and what ends up in Redis.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';
import { Agent, run, RunState, setTracingDisabled, tool, type AgentInputItem } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { createClient } from 'redis';
import { z } from 'zod';
import { closeSharedConnections, RedisSession, type RedisSessionOptions } from 'agents-redis-session';
import { startRedisServer, type RedisServerHandle } from './harness/index.js';

setTracingDisabled(true);

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('./support/e2eTurn.ts', import.meta.url));
/** Bound of one child process; generous because the child loads tsx and the SDK, slow on a busy machine. */
const CHILD_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 120_000;
const execFileAsync = promisify(execFile);

let server: RedisServerHandle;
let raw: ReturnType<typeof createClient>;
const openSessions: RedisSession[] = [];

before(async () => {
  server = await startRedisServer({ logName: 'e2e-run' });
  raw = createClient({ url: server.url });
  await raw.connect();
});

afterEach(async () => {
  await Promise.all(openSessions.splice(0).map((session) => session.close()));
});

after(async () => {
  raw?.destroy();
  await closeSharedConnections();
  await server?.stop();
});

/** A conversation id no other test uses. */
function newConversationId(name: string): string {
  return `e2e-${name}-${randomUUID()}`;
}

/** A session on the harness server, closed after the test. */
function openSession(conversationId: string, options: Partial<RedisSessionOptions> = {}): RedisSession {
  const session = new RedisSession({ conversationId, redisUrl: server.url, ...options });
  openSessions.push(session);
  return session;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(textOf).join('');
  if (content && typeof content === 'object' && 'text' in content) return String(content.text);
  return JSON.stringify(content);
}

/** A short, readable label of an item, for comparing sequences of items. */
function label(item: unknown): string {
  const record = item as Record<string, unknown>;
  switch (record.type ?? (record.role ? 'message' : undefined)) {
    case 'message':
      return `${String(record.role)}: ${textOf(record.content)}`;
    case 'function_call':
      return `call ${String(record.callId)}: ${String(record.name)}(${String(record.arguments)})`;
    case 'function_call_result':
      return `result ${String(record.callId)}: ${textOf(record.output)}`;
    default:
      return `other: ${JSON.stringify(item)}`;
  }
}

/** Labels of the input the model received on its `index`-th call. */
function modelInput(model: ScriptedModel, index: number): string[] {
  const call = model.calls[index];
  assert.ok(call, `the model was called fewer than ${index + 1} times`);
  const input = call.request.input;
  return typeof input === 'string' ? [`user: ${input}`] : input.map(label);
}

/** The raw entries of the items list `conv:<id>`, read with LRANGE. */
async function storedEntries(conversationId: string): Promise<string[]> {
  return raw.lRange(`conv:${conversationId}`, 0, -1);
}

/** Labels of the items stored in Redis for a conversation, oldest first. */
async function storedLabels(conversationId: string): Promise<string[]> {
  return (await storedEntries(conversationId)).map((entry) => label(JSON.parse(entry)));
}

/** A weather tool that records the cities it was executed for. */
function weatherTool(executions: string[], needsApproval = false) {
  return tool({
    name: 'get_weather',
    description: 'Returns the weather of a city.',
    parameters: z.object({ city: z.string() }),
    needsApproval,
    execute: async ({ city }) => {
      executions.push(city);
      return `sunny in ${city}`;
    },
  });
}

function weatherAgent(model: ScriptedModel, executions: string[], needsApproval = false) {
  return new Agent({ name: 'Assistant', instructions: 'Answer briefly.', model, tools: [weatherTool(executions, needsApproval)] });
}

/** Reads a whole text stream. */
async function readText(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

interface ChildTurn {
  pid: number;
  modelInput: string | AgentInputItem[];
  finalOutput: string;
}

/** Runs one turn in a separate Node process (test/support/e2eTurn.ts), killed after CHILD_TIMEOUT_MS. */
async function runChildTurn(conversationId: string, input: string, reply: string): Promise<ChildTurn> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    E2E_REDIS_URL: server.url,
    E2E_CONVERSATION_ID: conversationId,
    E2E_INPUT: input,
    E2E_REPLY: reply,
  };
  delete env.NODE_TEST_CONTEXT;
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', CHILD_SCRIPT], {
    cwd: REPO_ROOT,
    env,
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const lastLine = stdout.trim().split('\n').at(-1);
  assert.ok(lastLine, `the child printed nothing; stdout: ${stdout}`);
  return JSON.parse(lastLine) as ChildTurn;
}

describe('e2e: run() with RedisSession', () => {
  it('carries the history of earlier turns into the model input, and stores every item in order', { timeout: TEST_TIMEOUT_MS }, async () => {
    const conversationId = newConversationId('turns');
    const session = openSession(conversationId);
    const model = new ScriptedModel([1, 2, 3].map((n) => [assistantMessage(`reply ${n}`)]));
    const agent = new Agent({ name: 'Assistant', instructions: 'Answer briefly.', model });

    for (const n of [1, 2, 3]) {
      const result = await run(agent, `turn ${n}`, { session });
      assert.equal(result.finalOutput, `reply ${n}`);
    }

    model.assertComplete();
    assert.deepEqual(modelInput(model, 0), ['user: turn 1']);
    assert.deepEqual(modelInput(model, 1), ['user: turn 1', 'assistant: reply 1', 'user: turn 2']);
    assert.deepEqual(modelInput(model, 2), ['user: turn 1', 'assistant: reply 1', 'user: turn 2', 'assistant: reply 2', 'user: turn 3']);
    const history = ['user: turn 1', 'assistant: reply 1', 'user: turn 2', 'assistant: reply 2', 'user: turn 3', 'assistant: reply 3'];
    assert.deepEqual(await storedLabels(conversationId), history);
    assert.deepEqual((await openSession(conversationId).getItems()).map(label), history);
  });

  it('stores a tool call and its result, and gives both to the model on the next turn', { timeout: TEST_TIMEOUT_MS }, async () => {
    const conversationId = newConversationId('tool');
    const session = openSession(conversationId);
    const executions: string[] = [];
    const model = new ScriptedModel([
      [functionCall('get_weather', { city: 'Oslo' }, { callId: 'call-oslo' })],
      [assistantMessage('It is sunny in Oslo.')],
      [assistantMessage('You asked about Oslo.')],
    ]);
    const agent = weatherAgent(model, executions);

    const first = await run(agent, 'Weather in Oslo?', { session });
    assert.equal(first.finalOutput, 'It is sunny in Oslo.');
    assert.deepEqual(executions, ['Oslo']);
    const toolTurn = [
      'user: Weather in Oslo?',
      'call call-oslo: get_weather({"city":"Oslo"})',
      'result call-oslo: sunny in Oslo',
      'assistant: It is sunny in Oslo.',
    ];
    assert.deepEqual(modelInput(model, 1), toolTurn.slice(0, 3));
    assert.deepEqual(await storedLabels(conversationId), toolTurn);

    const second = await run(agent, 'Which city did I ask about?', { session });
    assert.equal(second.finalOutput, 'You asked about Oslo.');
    model.assertComplete();
    assert.deepEqual(modelInput(model, 2), [...toolTurn, 'user: Which city did I ask about?']);
    assert.deepEqual(await storedLabels(conversationId), [...toolTurn, 'user: Which city did I ask about?', 'assistant: You asked about Oslo.']);
    assert.deepEqual(executions, ['Oslo'], 'the tool ran once');
  });

  it('persists a streamed run the same way as a non-streamed one', { timeout: TEST_TIMEOUT_MS }, async () => {
    const conversationId = newConversationId('stream');
    const session = openSession(conversationId);
    const executions: string[] = [];
    const model = new ScriptedModel([
      [functionCall('get_weather', { city: 'Paris' }, { callId: 'call-paris' })],
      [assistantMessage('Sunny in Paris.')],
      [assistantMessage('Still sunny.')],
    ]);
    const agent = weatherAgent(model, executions);

    const first = await run(agent, 'Weather in Paris?', { session, stream: true });
    assert.equal(await readText(first.toTextStream()), 'Sunny in Paris.');
    await first.completed;
    assert.equal(first.finalOutput, 'Sunny in Paris.');
    const firstTurn = [
      'user: Weather in Paris?',
      'call call-paris: get_weather({"city":"Paris"})',
      'result call-paris: sunny in Paris',
      'assistant: Sunny in Paris.',
    ];
    assert.deepEqual(await storedLabels(conversationId), firstTurn);

    const second = await run(agent, 'And now?', { session, stream: true });
    for await (const event of second) assert.ok(event.type);
    await second.completed;
    assert.equal(second.finalOutput, 'Still sunny.');

    model.assertComplete();
    assert.ok(model.calls.every((call) => call.streamed), 'every model call was streamed');
    assert.deepEqual(modelInput(model, 2), [...firstTurn, 'user: And now?']);
    assert.deepEqual(await storedLabels(conversationId), [...firstTurn, 'user: And now?', 'assistant: Still sunny.']);
    assert.deepEqual(executions, ['Paris']);
  });

  it('stops for approval, resumes with the same session, and stores each item once', { timeout: TEST_TIMEOUT_MS }, async () => {
    const conversationId = newConversationId('approve');
    const session = openSession(conversationId);
    const executions: string[] = [];
    const model = new ScriptedModel([
      [functionCall('get_weather', { city: 'Bergen' }, { callId: 'call-bergen' })],
      [assistantMessage('Rain in Bergen.')],
      [assistantMessage('You are welcome.')],
    ]);
    const agent = weatherAgent(model, executions, true);

    const first = await run(agent, 'Weather in Bergen?', { session });
    assert.equal(first.interruptions.length, 1);
    assert.deepEqual(executions, [], 'the tool waits for approval');
    const call = 'call call-bergen: get_weather({"city":"Bergen"})';
    assert.deepEqual(await storedLabels(conversationId), ['user: Weather in Bergen?', call]);

    const [interruption] = first.interruptions;
    assert.ok(interruption);
    first.state.approve(interruption);
    const resumed = await run(agent, first.state, { session });
    assert.equal(resumed.finalOutput, 'Rain in Bergen.');
    assert.deepEqual(executions, ['Bergen']);
    const toolTurn = ['user: Weather in Bergen?', call, 'result call-bergen: sunny in Bergen', 'assistant: Rain in Bergen.'];
    assert.deepEqual(modelInput(model, 1), toolTurn.slice(0, 3));
    assert.deepEqual(await storedLabels(conversationId), toolTurn);
    const entries = await storedEntries(conversationId);
    assert.equal(new Set(entries).size, entries.length, 'no item is stored twice');

    await run(agent, 'Thanks', { session });
    model.assertComplete();
    assert.deepEqual(modelInput(model, 2), [...toolTurn, 'user: Thanks']);
  });

  it('resumes a serialized RunState on another "server", with a new RedisSession on the same conversation', { timeout: TEST_TIMEOUT_MS }, async () => {
    const conversationId = newConversationId('approve-serialized');
    const executionsA: string[] = [];
    const modelA = new ScriptedModel([[functionCall('get_weather', { city: 'Tromsø' }, { callId: 'call-tromso' })]]);
    const agentA = weatherAgent(modelA, executionsA, true);
    const sessionA = openSession(conversationId);
    const first = await run(agentA, 'Weather in Tromsø?', { session: sessionA });
    assert.equal(first.interruptions.length, 1);
    const serialized = first.state.toString();
    await sessionA.close();

    const executionsB: string[] = [];
    const modelB = new ScriptedModel([[assistantMessage('Snow in Tromsø.')]]);
    const agentB = weatherAgent(modelB, executionsB, true);
    const sessionB = openSession(conversationId);
    const state = await RunState.fromString(agentB, serialized);
    const [interruption] = state.getInterruptions();
    assert.ok(interruption);
    state.approve(interruption);
    const resumed = await run(agentB, state, { session: sessionB });

    assert.equal(resumed.finalOutput, 'Snow in Tromsø.');
    assert.deepEqual(executionsA, []);
    assert.deepEqual(executionsB, ['Tromsø']);
    modelA.assertComplete();
    modelB.assertComplete();
    const toolTurn = [
      'user: Weather in Tromsø?',
      'call call-tromso: get_weather({"city":"Tromsø"})',
      'result call-tromso: sunny in Tromsø',
      'assistant: Snow in Tromsø.',
    ];
    assert.deepEqual(modelInput(modelB, 0), toolTurn.slice(0, 3));
    assert.deepEqual(await storedLabels(conversationId), toolTurn);
    const entries = await storedEntries(conversationId);
    assert.equal(new Set(entries).size, entries.length, 'no item is stored twice');
  });

  it('shares one conversation between separate processes', { timeout: 2 * CHILD_TIMEOUT_MS + TEST_TIMEOUT_MS }, async () => {
    const conversationId = newConversationId('processes');

    const childA = await runChildTurn(conversationId, 'turn 1 from child A', 'reply to A');
    assert.notEqual(childA.pid, process.pid);
    assert.equal(childA.finalOutput, 'reply to A');
    assert.deepEqual(typeof childA.modelInput === 'string' ? [childA.modelInput] : childA.modelInput.map(label), ['user: turn 1 from child A']);

    const model = new ScriptedModel([[assistantMessage('reply to parent')]]);
    const agent = new Agent({ name: 'Assistant', instructions: 'Answer briefly.', model });
    await run(agent, 'turn 2 from parent', { session: openSession(conversationId) });
    const parentTurn = ['user: turn 1 from child A', 'assistant: reply to A', 'user: turn 2 from parent'];
    assert.deepEqual(modelInput(model, 0), parentTurn);

    const childB = await runChildTurn(conversationId, 'turn 3 from child B', 'reply to B');
    assert.notEqual(childB.pid, childA.pid);
    assert.ok(Array.isArray(childB.modelInput));
    const history = [...parentTurn, 'assistant: reply to parent', 'user: turn 3 from child B'];
    assert.deepEqual(childB.modelInput.map(label), history);
    assert.deepEqual(await storedLabels(conversationId), [...history, 'assistant: reply to B']);
  });

  it('with limit: 4, gives the model the newest 4 history items, reaching back to a cut-off tool call, never an orphaned result', { timeout: TEST_TIMEOUT_MS }, async () => {
    const conversationId = newConversationId('limit');
    const executions: string[] = [];
    const model = new ScriptedModel([
      [assistantMessage('a1')],
      [functionCall('get_weather', { city: 'Rome' }, { callId: 'call-rome' })],
      [assistantMessage('a2')],
      [assistantMessage('a3')],
      [assistantMessage('a4')],
      [assistantMessage('a5')],
    ]);
    const agent = weatherAgent(model, executions);
    const unlimited = openSession(conversationId);
    for (const input of ['u1', 'u2', 'u3']) await run(agent, input, { session: unlimited });
    const history = [
      'user: u1',
      'assistant: a1',
      'user: u2',
      'call call-rome: get_weather({"city":"Rome"})',
      'result call-rome: sunny in Rome',
      'assistant: a2',
      'user: u3',
      'assistant: a3',
    ];
    assert.deepEqual(await storedLabels(conversationId), history);

    // The newest 4 items start with the result of call-rome, whose call is older: the window reaches back to it.
    const limited = openSession(conversationId, { limit: 4 });
    await run(agent, 'u4', { session: limited });
    const fourth = modelInput(model, 4);
    assert.deepEqual(fourth, [...history.slice(3), 'user: u4']);

    await run(agent, 'u5', { session: limited });
    const fifth = modelInput(model, 5);
    assert.deepEqual(fifth, ['user: u3', 'assistant: a3', 'user: u4', 'assistant: a4', 'user: u5']);

    for (const input of [fourth, fifth]) {
      assert.ok(input.length <= 4 + 32 + 1, 'at most 4 history items, max(4, 32) more to reach a call, plus the new input');
      assert.ok(!input[0]?.startsWith('result '), 'the window never starts with a tool result');
    }
    model.assertComplete();
    assert.deepEqual(
      await storedLabels(conversationId),
      [...history, 'user: u4', 'assistant: a4', 'user: u5', 'assistant: a5'],
      'the limit narrows what is read, never what is stored',
    );
  });
});
