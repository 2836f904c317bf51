import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, MemorySession, run, RunContext, RunState, setTracingDisabled, tool, Usage, type AgentInputItem } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { z } from 'zod';
import { isRunContextLike, RunUsageTracker, type UsageDelta } from '../../src/usage/runUsage.js';
import { storedTotals, storedTurn, storedUsage, usageArgument } from '../../src/usage/storedUsage.js';
import { emptyTotals, type UsageTotals } from '../../src/usage/usage.js';

// Unit tests (no Redis) of the usage a session records per write (src/usage/runUsage.ts): the tracker's deltas
// against the SDK's own RunContext and Usage, the ARGV[10] the scripts take, and storedUsage reading back
// what they stored. The last part drives the real runner, with a MemorySession that records as the scripts would.

setTracingDisabled(true);

/** Simulates one model request on `context`, as the runner does (`usage.add`). */
function request(context: RunContext, inputTokens = 10, outputTokens = 5, details = true): void {
  context.usage.add(
    new Usage({
      requests: 1,
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      ...(details ? { inputTokensDetails: { cached_tokens: 3 }, outputTokensDetails: { reasoning_tokens: 2 } } : {}),
    }),
  );
}

/** A delta of `requests` requests of 10 in / 5 out tokens, with details (as {@link request} makes them). */
function deltaOf(requests: number, more: Partial<UsageDelta> = {}): UsageDelta {
  return {
    requests,
    inputTokens: 10 * requests,
    outputTokens: 5 * requests,
    totalTokens: 15 * requests,
    inputTokensDetails: { cached_tokens: 3 * requests },
    outputTokensDetails: { reasoning_tokens: 2 * requests },
    inputDetailEntries: requests,
    outputDetailEntries: requests,
    ...more,
  };
}

describe('run usage tracker', () => {
  it('a fresh run: marked at 0 by getItems; a write after one request carries it; a write with no new request none', () => {
    const tracker = new RunUsageTracker();
    const context = new RunContext();
    tracker.observe(context);
    request(context);
    const delta = tracker.pending(context);
    assert.deepEqual(delta, deltaOf(1));
    tracker.commit(context, delta);
    assert.equal(tracker.pending(context), undefined);
    // observe after the first sight does nothing: the mark stays where the commit put it.
    tracker.observe(context);
    request(context, 20, 7);
    assert.deepEqual(tracker.pending(context), deltaOf(1, { inputTokens: 20, outputTokens: 7, totalTokens: 27 }));
  });

  it('tools: two requests before one write are one delta, details summed per name', () => {
    const tracker = new RunUsageTracker();
    const context = new RunContext();
    tracker.observe(context);
    request(context);
    request(context);
    assert.deepEqual(tracker.pending(context), deltaOf(2));
  });

  it('a request without details adds counts but no detail entries', () => {
    const tracker = new RunUsageTracker();
    const context = new RunContext();
    tracker.observe(context);
    request(context, 4, 1, false);
    assert.deepEqual(tracker.pending(context), {
      ...deltaOf(1, { inputTokens: 4, outputTokens: 1, totalTokens: 5, inputDetailEntries: 0, outputDetailEntries: 0 }),
      inputTokensDetails: {},
      outputTokensDetails: {},
    });
  });

  it('a resumed run (new context, usage restored) counts only the requests it makes', () => {
    const tracker = new RunUsageTracker();
    const first = new RunContext();
    tracker.observe(first);
    request(first);
    tracker.commit(first, tracker.pending(first));

    const restored = new RunContext();
    request(restored); // what RunState.fromString restores: the first part's request
    tracker.observe(restored); // the resumed run's getItems
    assert.equal(tracker.pending(restored), undefined, 'the approved tool result is written before any new request');
    request(restored, 20, 7);
    const delta = tracker.pending(restored);
    assert.deepEqual(delta, deltaOf(1, { inputTokens: 20, outputTokens: 7, totalTokens: 27 }));
    tracker.commit(restored, delta);
    assert.equal(tracker.pending(restored), undefined);
  });

  it('a context first seen at a write is marked there: what it already held is not counted', () => {
    const tracker = new RunUsageTracker();
    const context = new RunContext();
    request(context);
    assert.equal(tracker.pending(context), undefined);
    request(context);
    assert.deepEqual(tracker.pending(context), deltaOf(1));
  });

  it('a failed write (no commit) leaves its usage to the next write', () => {
    const tracker = new RunUsageTracker();
    const context = new RunContext();
    tracker.observe(context);
    request(context);
    assert.deepEqual(tracker.pending(context), deltaOf(1));
    request(context);
    const both = tracker.pending(context);
    assert.deepEqual(both, deltaOf(2));
    tracker.commit(context, both);
    assert.equal(tracker.pending(context), undefined);
  });

  it('commit advances by exactly the delta: a request made while the write was in flight goes with the next', () => {
    const tracker = new RunUsageTracker();
    const context = new RunContext();
    tracker.observe(context);
    request(context);
    const delta = tracker.pending(context);
    request(context, 20, 7); // during the write
    tracker.commit(context, delta);
    assert.deepEqual(tracker.pending(context), deltaOf(1, { inputTokens: 20, outputTokens: 7, totalTokens: 27 }));
  });

  it('two runs interleaved on one session keep their own marks', () => {
    const tracker = new RunUsageTracker();
    const a = new RunContext();
    const b = new RunContext();
    tracker.observe(a);
    request(a);
    tracker.observe(b);
    request(b, 20, 7);
    request(a);
    const deltaB = tracker.pending(b);
    assert.deepEqual(deltaB, deltaOf(1, { inputTokens: 20, outputTokens: 7, totalTokens: 27 }));
    tracker.commit(b, deltaB);
    assert.deepEqual(tracker.pending(a), deltaOf(2));
    assert.equal(tracker.pending(b), undefined);
  });

  it('contexts sharing one Usage (the SDK forks child contexts so) share one mark: nothing counted twice', () => {
    const tracker = new RunUsageTracker();
    const parent = new RunContext();
    const child = { context: parent.context, usage: parent.usage };
    tracker.observe(parent);
    request(parent);
    const delta = tracker.pending(child);
    assert.deepEqual(delta, deltaOf(1));
    tracker.commit(child, delta);
    assert.equal(tracker.pending(parent), undefined);
  });

  it('a usage that went down is marked afresh', () => {
    const tracker = new RunUsageTracker();
    const context = new RunContext();
    tracker.observe(context);
    request(context);
    request(context);
    tracker.commit(context, tracker.pending(context));
    context.usage.requests = 1;
    assert.equal(tracker.pending(context), undefined);
    request(context);
    assert.deepEqual(tracker.pending(context), deltaOf(1));
  });

  it('usage details that are not arrays (another SDK version) count no details', () => {
    const tracker = new RunUsageTracker();
    const context = { usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, inputTokensDetails: { cached_tokens: 1 } } };
    tracker.observe(context);
    Object.assign(context.usage, { requests: 1, inputTokens: 3, outputTokens: 2, totalTokens: 5 });
    assert.deepEqual(tracker.pending(context), {
      ...deltaOf(1, { inputTokens: 3, outputTokens: 2, totalTokens: 5, inputDetailEntries: 0, outputDetailEntries: 0 }),
      inputTokensDetails: {},
      outputTokensDetails: {},
    });
  });

  it('anything that is not a readable run context records nothing, and never throws', () => {
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    const counts = { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 };
    const values: unknown[] = [
      undefined,
      null,
      0,
      'ctx',
      Symbol('ctx'),
      {},
      { usage: 'x' },
      { usage: null },
      { usage: {} },
      { usage: { ...counts, requests: '1' } },
      { usage: { ...counts, inputTokens: Number.NaN } },
      { usage: { ...counts, outputTokens: Number.POSITIVE_INFINITY } },
      { usage: { ...counts, totalTokens: -1 } },
      throwing,
      { usage: throwing },
      { get usage(): never { throw new Error('getter'); } },
    ];
    const tracker = new RunUsageTracker();
    for (const value of values) {
      assert.equal(isRunContextLike(value), false);
      tracker.observe(value);
      assert.equal(tracker.pending(value), undefined);
      tracker.observe(value);
      assert.equal(tracker.pending(value), undefined);
      tracker.commit(value, deltaOf(1));
    }
    assert.equal(isRunContextLike(new RunContext()), true);
  });

  it('detail arrays whose entries throw, or are garbage, never make it throw', () => {
    const tracker = new RunUsageTracker();
    const details: unknown[] = [];
    const context = { usage: { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, inputTokensDetails: details, outputTokensDetails: [] } };
    tracker.observe(context);
    const hostile = new Proxy({}, { ownKeys() { throw new Error('keys'); } });
    Object.assign(context.usage, { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 });
    details.push(hostile);
    assert.equal(tracker.pending(context), undefined);
    details.pop();
    details.push(null, 'x', { cached_tokens: 'many', audio_tokens: 4, constructor: 1 });
    assert.deepEqual(tracker.pending(context)?.inputTokensDetails, { audio_tokens: 4, constructor: 1 });
  });
});

describe('usage argument (ARGV[10]) and what the scripts store (src/usage/storedUsage.ts)', () => {
  it('no delta, or only zeros: empty (the write records no turn)', () => {
    assert.equal(usageArgument(undefined), '');
    assert.equal(usageArgument({ ...deltaOf(0), inputDetailEntries: 1 }), '');
  });

  it("six counts: requests, input, output, total, cached input and reasoning output tokens", () => {
    assert.equal(usageArgument(deltaOf(2)), '2,20,10,30,6,4');
    assert.equal(usageArgument(deltaOf(1, { inputTokensDetails: {}, outputTokensDetails: { audio_tokens: 9 } })), '1,10,5,15,0,0');
  });

  it('non-integers are rounded; negative, non-finite and unsafe counts are sent as 0', () => {
    assert.equal(usageArgument(deltaOf(1, { inputTokens: 2.6, outputTokens: -1, totalTokens: Number.NaN })), '1,3,0,0,3,2');
    assert.equal(usageArgument(deltaOf(1, { inputTokens: 1e16, outputTokens: Infinity })), '1,0,0,15,3,2');
  });

  it('storedUsage reads back the totals and the turns t:<n> in order; other fields are ignored', () => {
    const fields = { v: '7', c: '1', ur: '3', ui: '30', uo: '15', ut: '45', uc: '9', ux: '0', tn: '2', 't:2': '2000,3,2,20,10,30,6,0', 't:1': '1000,2,1,10,5,15,3,0', 'op:x': 'f' };
    const usage = storedUsage(fields);
    assert.deepEqual(usage.totals, { requests: 3, inputTokens: 30, outputTokens: 15, totalTokens: 45, inputTokensDetails: { cached_tokens: 9 }, outputTokensDetails: {} });
    assert.deepEqual(
      usage.turns.map((turn) => [turn.at, turn.items, turn.requests, turn.inputTokensDetails.cached_tokens]),
      [
        [1000, 2, 1, 3],
        [2000, 3, 2, 6],
      ],
    );
    assert.deepEqual(storedTotals({}), emptyTotals());
  });

  it('values another program wrote read 0 (totals) or are skipped (turns)', () => {
    const usage = storedUsage({ ur: 'x', ui: '-4', uo: '12', ut: '1e3', 't:1': 'garbage', 't:2': '1,2,3', 't:3': '1,2,3,4,5,6,7,-8', 't:x': '1,1,1,1,1,1,1,1' });
    assert.deepEqual(usage.totals, { ...emptyTotals(), outputTokens: 12 });
    assert.deepEqual(usage.turns, []);
    assert.equal(storedTurn('5,1,1,2,3,5,0,1')?.outputTokensDetails.reasoning_tokens, 1);
  });
});

/** Applies what a write's ARGV[10] makes lib/info.lua store, to a plain object standing for the metadata hash. */
class FakeScripts {
  readonly hash: Record<string, string> = { v: '7' };
  turns = 0;
  write(usage: string, items: number, at: number): void {
    if (usage === '') return;
    const values = usage.split(',');
    ['ur', 'ui', 'uo', 'ut', 'uc', 'ux'].forEach((field, i) => {
      this.hash[field] = String(Number(this.hash[field] ?? 0) + Number(values[i]));
    });
    this.turns += 1;
    this.hash[`t:${this.turns}`] = `${at},${items},${usage}`;
  }
}

/**
 * A MemorySession that records usage as RedisSession does: observe on every call, and on a write the
 * tracker's delta, encoded by usageArgument, applied by FakeScripts, then committed.
 */
class UsageRecordingSession extends MemorySession {
  readonly acceptsRunContext = true as const;
  readonly tracker = new RunUsageTracker();
  readonly scripts = new FakeScripts();
  override async getItems(limit?: number, runContext?: RunContext): Promise<AgentInputItem[]> {
    this.tracker.observe(runContext);
    return super.getItems(limit);
  }
  override async addItems(items: AgentInputItem[], runContext?: RunContext): Promise<void> {
    const delta = this.tracker.pending(runContext);
    await super.addItems(items);
    this.scripts.write(usageArgument(delta), items.length, this.scripts.turns + 1);
    this.tracker.commit(runContext, delta);
  }
  usage() {
    return storedUsage(this.scripts.hash);
  }
}

/** A model response of `output` that used `inputTokens` in and `outputTokens` out. */
function response(output: ReturnType<typeof assistantMessage>[] | ReturnType<typeof functionCall>[], inputTokens: number, outputTokens: number) {
  const usage = new Usage({ requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, inputTokensDetails: { cached_tokens: 1 } });
  return { output, usage };
}

function agentWith(model: ScriptedModel) {
  const weather = tool({ name: 'weather', description: 'The weather.', parameters: z.object({ city: z.string() }), execute: async () => 'sunny' });
  const danger = tool({ name: 'danger', description: 'Needs approval.', parameters: z.object({}), needsApproval: async () => true, execute: async () => 'done' });
  return new Agent({ name: 'a', model, tools: [weather, danger] });
}

describe('usage recorded through the real runner', () => {
  const expected = (requests: number, inputTokens: number, outputTokens: number): UsageTotals => ({
    requests,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    inputTokensDetails: { cached_tokens: requests },
    outputTokensDetails: {},
  });

  for (const stream of [false, true]) {
    it(`a tool call and its answer, ${stream ? 'streamed' : 'not streamed'}, then a second run: each request counted once`, async () => {
      const session = new UsageRecordingSession();
      const model = new ScriptedModel([
        response([functionCall('weather', { city: 'x' }, { callId: 'c1' })], 10, 5),
        response([assistantMessage('sunny')], 20, 7),
        response([assistantMessage('again')], 40, 3),
      ]);
      const agent = agentWith(model);
      for (const input of ['weather?', 'again?']) {
        if (stream) {
          const result = await run(agent, input, { session, stream: true });
          for await (const _event of result) void _event;
          await result.completed;
        } else await run(agent, input, { session });
      }
      const usage = session.usage();
      assert.deepEqual(usage.totals, expected(3, 70, 15));
      assert.deepEqual(
        usage.turns.map((turn) => [turn.requests, turn.items]),
        [
          [2, 4],
          [1, 2],
        ],
      );
    });
  }

  it('a run interrupted for approval, serialized and resumed: each request counted once', async () => {
    const session = new UsageRecordingSession();
    const model = new ScriptedModel([response([functionCall('danger', {}, { callId: 'c1' })], 10, 5), response([assistantMessage('ok')], 20, 7)]);
    const agent = agentWith(model);
    const first = await run(agent, 'do it', { session });
    assert.equal(first.interruptions.length, 1);
    const state = await RunState.fromString(agent, first.state.toString());
    state.approve(state.getInterruptions()[0]!);
    const resumed = await run(agent, state, { session });
    assert.equal(resumed.finalOutput, 'ok');
    const usage = session.usage();
    assert.deepEqual(usage.totals, expected(2, 30, 12));
    assert.equal(resumed.state.usage.requests, 2, 'the resumed run reports the whole run, which the tracker must not count again');
    assert.deepEqual(
      usage.turns.map((turn) => [turn.requests, turn.items]),
      [
        [1, 2],
        [1, 1],
      ],
    );
  });
});
