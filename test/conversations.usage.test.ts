import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Agent, run, RunState, setTracingDisabled, tool, Usage } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { z } from 'zod';
import type { RedisSession, UsageTotals } from 'agents-redis-session';
import { useSessionFixture } from './support/sessionFixture.js';

// Token usage recorded with the items (RunContextAwareSession), through the SDK's real runner and its ScriptedModel:
// plain, tool calls, streaming, approval and resume (in one process and across two), and two processes at once.

setTracingDisabled(true);
const fixture = useSessionFixture();
const worker = fileURLToPath(new URL('./support/usageWorker.mjs', import.meta.url));

/** A model response of `output` that used 10 + 5 tokens, 1 input token cached and 2 reasoning tokens. */
const respond = (output: Array<ReturnType<typeof assistantMessage> | ReturnType<typeof functionCall>>) => ({
  output,
  usage: new Usage({
    requests: 1,
    inputTokens: 10,
    outputTokens: 5,
    totalTokens: 15,
    inputTokensDetails: { cached_tokens: 1 },
    outputTokensDetails: { reasoning_tokens: 2 },
  }),
});

/** What `requests` such requests add up to. */
const totals = (requests: number): UsageTotals => ({
  requests,
  inputTokens: 10 * requests,
  outputTokens: 5 * requests,
  totalTokens: 15 * requests,
  inputTokensDetails: { cached_tokens: requests },
  outputTokensDetails: { reasoning_tokens: 2 * requests },
});

function agentWith(...responses: ReturnType<typeof respond>[]) {
  const weather = tool({ name: 'weather', description: 'The weather.', parameters: z.object({ city: z.string() }), execute: async () => 'sunny' });
  const danger = tool({ name: 'danger', description: 'Needs approval.', parameters: z.object({}), needsApproval: async () => true, execute: async () => 'done' });
  return new Agent({ name: 'usage', model: new ScriptedModel(responses), tools: [weather, danger] });
}

async function expectUsage(session: RedisSession, requests: number, turns: Array<[requests: number, items: number]>) {
  const usage = await session.getUsage();
  assert.deepEqual(usage.totals, totals(requests));
  assert.deepEqual(
    usage.turns.map((turn) => [turn.requests, turn.items]),
    turns,
  );
  for (const turn of usage.turns) assert.ok(turn.at > 1_600_000_000_000, 'server time in ms');
  assert.deepEqual((await session.getInfo())!.usage, totals(requests), 'the info carries the totals');
}

describe('usage accounting through run()', () => {
  it('a plain run records its one request with its two items; a second run adds to it', async () => {
    const session = fixture.session();
    const agent = agentWith(respond([assistantMessage('hi')]), respond([assistantMessage('again')]));
    await run(agent, 'hello', { session });
    await expectUsage(session, 1, [[1, 2]]);
    await run(agent, 'more', { session });
    await expectUsage(session, 2, [
      [1, 2],
      [1, 2],
    ]);
  });

  for (const stream of [false, true]) {
    it(`a tool call and its answer${stream ? ', streamed,' : ''} record both requests once, with the four items`, async () => {
      const session = fixture.session({ ttl: 600 });
      const agent = agentWith(respond([functionCall('weather', { city: 'Rome' }, { callId: 'w1' })]), respond([assistantMessage('sunny')]));
      if (stream) {
        const result = await run(agent, 'weather?', { session, stream: true });
        for await (const _event of result) void _event;
        await result.completed;
      } else {
        await run(agent, 'weather?', { session });
      }
      await expectUsage(session, 2, [[2, 4]]);
    });
  }

  it('a run interrupted for approval, serialized and resumed, counts each request once', async () => {
    const session = fixture.session();
    const agent = agentWith(respond([functionCall('danger', {}, { callId: 'd1' })]), respond([assistantMessage('ok')]));
    const first = await run(agent, 'do it', { session });
    assert.equal(first.interruptions.length, 1);
    await expectUsage(session, 1, [[1, 2]]);
    const state = await RunState.fromString(agent, first.state.toString());
    state.approve(state.getInterruptions()[0]!);
    const resumed = await run(agent, state, { session });
    assert.equal(resumed.finalOutput, 'ok');
    assert.equal(resumed.state.usage.requests, 2, 'the resumed run reports the whole run');
    await expectUsage(session, 2, [
      [1, 2],
      [1, 1],
    ]);
  });

  it('a run interrupted in one process and resumed in another counts each request once', async () => {
    const session = fixture.session({ owner: 'usage-owner' });
    const { state } = JSON.parse(await runWorker(session.conversationId, 'interrupt')) as { state: string };
    const { output } = JSON.parse(await runWorker(session.conversationId, 'resume', JSON.stringify({ state }))) as { output: string };
    assert.equal(output, 'done');
    const usage = await session.getUsage();
    assert.deepEqual(usage.totals, { ...totals(2), outputTokensDetails: {} });
    assert.equal(usage.turns.reduce((sum, turn) => sum + turn.requests, 0), 2);
  });

  it('two processes running turns on one conversation at once: every request counted exactly once', async () => {
    const session = fixture.session({ owner: 'usage-owner' });
    await Promise.all(Array.from({ length: 4 }, () => runWorker(session.conversationId, 'plain')));
    const usage = await session.getUsage();
    assert.deepEqual(usage.totals, { ...totals(4), outputTokensDetails: {} });
    assert.equal(usage.turns.length, 4);
    assert.equal((await session.getItems()).length, 8);
  });

  it('writes without a run context (direct calls) record no usage; clear removes it', async () => {
    const session = fixture.session();
    await session.addItems([{ role: 'user', content: 'x' }]);
    assert.deepEqual((await session.getUsage()).turns, []);
    await run(agentWith(respond([assistantMessage('hi')])), 'hello', { session });
    await session.clearSession();
    const cleared = await session.getUsage();
    assert.equal(cleared.totals.requests, 0);
    assert.deepEqual(cleared.turns, []);
  });
});

/** Runs test/support/usageWorker.mjs in its own process; resolves with its stdout. */
function runWorker(conversationId: string, mode: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [worker, fixture.server.url, conversationId, mode], { timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`usage worker (${mode}) failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(input ?? '');
  });
}
