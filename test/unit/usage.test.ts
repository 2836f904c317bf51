import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, MemorySession, run, RunContext, RunState, setTracingDisabled, tool, Usage, type AgentInputItem } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { z } from 'zod';
import { isRunContextLike, MAX_DETAILS_PER_SIDE, parseUsage, RunUsageTracker, usageArgs, type UsageDelta } from '../../src/usage/runUsage.js';
import { emptyTotals, type UsageTotals } from '../../src/usage/usage.js';

// Unit tests (no Redis) of the usage a session records per write (src/usage/runUsage.ts): the tracker's deltas
// against the SDK's own RunContext and Usage, the ARGV[9]/[10] the scripts take, and parseUsage reading back
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

/** The HINCRBY pairs of ARGV[9], as [field, increment] pairs. */
function pairsOf(argv9: string): Array<[string, string]> {
  const parts = argv9.split('\0');
  assert.equal(parts.length % 2, 0, 'fields and increments alternate');
  return Array.from({ length: parts.length / 2 }, (_, index) => [parts[2 * index]!, parts[2 * index + 1]!]);
}

describe('usage arguments (ARGV[9] and ARGV[10])', () => {
  it('no delta: both empty', () => {
    assert.deepEqual(usageArgs(undefined, 3), ['', '']);
  });

  it('HINCRBY pairs, NUL-separated, and the turn entry the script completes with {"at":<ms>,', () => {
    const [increments, tail] = usageArgs(deltaOf(2), 4);
    assert.equal(increments, 'ur\x002\0ui\x0020\0uo\x0010\0ut\x0030\0ud:i:cached_tokens\x006\0ud:o:reasoning_tokens\x004');
    assert.ok(!tail.startsWith('{'));
    assert.deepEqual(JSON.parse(`{"at":1,${tail}`), {
      at: 1,
      items: 4,
      requests: 2,
      inputTokens: 20,
      outputTokens: 10,
      totalTokens: 30,
      inputTokensDetails: { cached_tokens: 6 },
      outputTokensDetails: { reasoning_tokens: 4 },
    });
  });

  it('zeros are skipped; non-integers rounded; negative, non-finite and unsafe numbers dropped', () => {
    const delta = deltaOf(1, {
      inputTokens: 0,
      outputTokens: 2.6,
      totalTokens: Number.MAX_SAFE_INTEGER + 2,
      inputTokensDetails: { cached_tokens: 0, a: -1, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: 0.4, e: 1.5 },
      outputTokensDetails: {},
    });
    const [increments, tail] = usageArgs(delta, 1);
    assert.deepEqual(pairsOf(increments), [
      ['ur', '1'],
      ['uo', '3'],
      ['ud:i:e', '2'],
    ]);
    const entry = JSON.parse(`{"at":1,${tail}`);
    assert.deepEqual([entry.inputTokens, entry.outputTokens, entry.totalTokens, entry.inputTokensDetails, entry.outputTokensDetails], [0, 3, 0, { e: 2 }, {}]);
  });

  it('a delta with nothing left to record once cleaned records no turn', () => {
    const nothing = deltaOf(0, { inputTokens: -3, outputTokens: Number.NaN, inputTokensDetails: { 'bad name': 5 }, outputTokensDetails: {} });
    assert.deepEqual(usageArgs(nothing, 2), ['', '']);
  });

  it('detail names must match [A-Za-z0-9_]{1,64} (and not be __proto__); at most 16 per side, the first by name', () => {
    const input: Record<string, number> = { 'bad-name': 1, 'with space': 1, 'ud:i:x': 1, ['x'.repeat(65)]: 1, ['y'.repeat(64)]: 7, constructor: 2, é: 1 };
    Object.defineProperty(input, '__proto__', { value: 9, enumerable: true });
    const output: Record<string, number> = {};
    for (let index = 0; index < MAX_DETAILS_PER_SIDE + 4; index += 1) output[`n${String(index).padStart(2, '0')}`] = index + 1;
    const [increments, tail] = usageArgs(deltaOf(1, { inputTokensDetails: input, outputTokensDetails: output }), 1);
    const fields = pairsOf(increments).map(([field]) => field);
    assert.deepEqual(
      fields.filter((field) => field.startsWith('ud:i:')),
      ['ud:i:constructor', `ud:i:${'y'.repeat(64)}`],
    );
    const outputFields = fields.filter((field) => field.startsWith('ud:o:'));
    assert.equal(outputFields.length, MAX_DETAILS_PER_SIDE);
    assert.equal(outputFields[0], 'ud:o:n00');
    assert.equal(outputFields.at(-1), `ud:o:n${MAX_DETAILS_PER_SIDE - 1}`);
    const entry = JSON.parse(`{"at":1,${tail}`);
    assert.deepEqual(Object.keys(entry.inputTokensDetails), ['constructor', 'y'.repeat(64)]);
    assert.equal(Object.keys(entry.outputTokensDetails).length, MAX_DETAILS_PER_SIDE);
  });

  it('items is a count: garbage reads 0', () => {
    const [, tail] = usageArgs(deltaOf(1), Number.NaN);
    assert.equal(JSON.parse(`{"at":1,${tail}`).items, 0);
  });
});

/** What the scripts do with ARGV[9] and ARGV[10]: HINCRBY each pair, and push '{"at":<ms>,' .. tail. */
class FakeScripts {
  readonly hash: Record<string, string> = { v: '7', f: '' };
  readonly turns: string[] = [];
  write([increments, tail]: [string, string], at: number): void {
    if (increments === '') return;
    for (const [field, value] of pairsOf(increments)) this.hash[field] = String(Number(this.hash[field] ?? 0) + Number(value));
    this.turns.push(`{"at":${at},${tail}`);
  }
}

describe('parseUsage', () => {
  it('an empty conversation: zero totals, no turns', () => {
    assert.deepEqual(parseUsage({}, []), { totals: emptyTotals(), turns: [] });
    assert.deepEqual(parseUsage({ v: '3', f: '' }, []), { totals: emptyTotals(), turns: [] });
  });

  it('reads back what the scripts stored from usageArgs: totals and one turn per write', () => {
    const scripts = new FakeScripts();
    scripts.write(usageArgs(deltaOf(1), 2), 1000);
    scripts.write(usageArgs(undefined, 1), 1500);
    scripts.write(usageArgs(deltaOf(2, { outputTokensDetails: { reasoning_tokens: 4, audio_tokens: 1 } }), 3), 2000);
    const totals: UsageTotals = {
      requests: 3,
      inputTokens: 30,
      outputTokens: 15,
      totalTokens: 45,
      inputTokensDetails: { cached_tokens: 9 },
      outputTokensDetails: { audio_tokens: 1, reasoning_tokens: 6 },
    };
    assert.deepEqual(parseUsage(scripts.hash, scripts.turns), {
      totals,
      turns: [
        { at: 1000, items: 2, requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15, inputTokensDetails: { cached_tokens: 3 }, outputTokensDetails: { reasoning_tokens: 2 } },
        {
          at: 2000,
          items: 3,
          requests: 2,
          inputTokens: 20,
          outputTokens: 10,
          totalTokens: 30,
          inputTokensDetails: { cached_tokens: 6 },
          outputTokensDetails: { audio_tokens: 1, reasoning_tokens: 4 },
        },
      ],
    });
  });

  it('skips entries that are not JSON objects; missing or invalid counts read 0', () => {
    const turns = ['not json', '[1]', 'null', '"s"', '7', '{"at":5}', '{"at":-1,"items":"2","requests":1.5,"inputTokensDetails":[1],"outputTokensDetails":{"x":"1","y":2}}'];
    assert.deepEqual(parseUsage({}, turns).turns, [
      { ...emptyTotals(), at: 5, items: 0 },
      { ...emptyTotals(), at: 0, items: 0, outputTokensDetails: { y: 2 } },
    ]);
  });

  it('hash fields: invalid values read 0, unknown fields and bad detail names are ignored', () => {
    const usage = parseUsage({ ur: 'x', ui: '-4', uo: '12', ut: '1e3', 'ud:i:ok': '5', 'ud:i:bad name': '5', 'ud:o:': '1', 'ud:o:zero': '0', other: '9' }, []);
    assert.deepEqual(usage.totals, { ...emptyTotals(), outputTokens: 12, inputTokensDetails: { ok: 5 } });
  });
});

/**
 * A MemorySession that records usage as RedisSession does: observe on every call, and on a write the
 * tracker's delta, encoded by usageArgs, applied by FakeScripts, then committed.
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
    this.scripts.write(usageArgs(delta, items.length), this.scripts.turns.length + 1);
    this.tracker.commit(runContext, delta);
  }
  usage() {
    return parseUsage(this.scripts.hash, this.scripts.turns);
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
