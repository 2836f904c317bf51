import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentInputItem } from '@openai/agents';
import { readDefaultWindow, safeWindowStart, trimToSafeBoundary, windowExtension } from '../../src/history/safeWindow.js';
import { assistant, functionCall, functionResult, user } from '../support/items.js';

// Unit tests of the default window's pure logic (no Redis): which suffix of a history getItems() returns.

const item = (type: string, fields: object = {}): AgentInputItem => ({ type, ...fields }) as unknown as AgentInputItem;
const program = (callId: string) => item('program', { callId, code: 'run()' });
const programOutput = (callId: string) => item('program_output', { callId, output: 'done' });
const byProgram = (programId: string) => ({ caller: { type: 'program', callerId: programId } });

/** A reader over `history` (as Redis's LRANGE -count -1 would answer) that records the counts asked for. */
function readerOf(history: readonly (AgentInputItem | undefined)[]) {
  const reads: Array<{ count: number; first: boolean }> = [];
  const read = async (count: number, first: boolean) => {
    reads.push({ count, first });
    return history.slice(Math.max(history.length - count, 0));
  };
  return { read, reads };
}

async function windowOf(history: readonly (AgentInputItem | undefined)[], limit: number) {
  const reader = readerOf(history);
  const window = await readDefaultWindow(limit, reader.read);
  return { window, counts: reader.reads.map((r) => r.count), reads: reader.reads };
}

/** The call ids that tool results (and program-issued items) of `window` answer but that `window` does not hold. */
function orphans(window: readonly (AgentInputItem | undefined)[]): string[] {
  const calls = new Set<string>();
  for (const entry of window) {
    const { type, callId } = (entry ?? {}) as { type?: string; callId?: unknown };
    if (typeof callId === 'string' && !/_(result|output)$/.test(type ?? '')) calls.add(callId);
  }
  const missing: string[] = [];
  for (const entry of window) {
    const { type, callId, caller } = (entry ?? {}) as { type?: string; callId?: unknown; caller?: { type?: string; callerId?: string } };
    if (typeof callId === 'string' && /_(result|output)$/.test(type ?? '') && !calls.has(callId)) missing.push(callId);
    if (caller?.type === 'program' && caller.callerId !== undefined && !calls.has(caller.callerId)) missing.push(caller.callerId);
  }
  return missing;
}

describe('windowExtension', () => {
  it('is max(limit, 32)', () => {
    assert.equal(windowExtension(1), 32);
    assert.equal(windowExtension(32), 32);
    assert.equal(windowExtension(100), 100);
  });
});

describe('readDefaultWindow', () => {
  it('limit 3 after three parallel calls keeps the calls with their results instead of returning nothing', async () => {
    const history = [user('q'), functionCall('1'), functionCall('2'), functionCall('3'), functionResult('1'), functionResult('2'), functionResult('3')];
    const { window, counts, reads } = await windowOf(history, 3);
    assert.deepEqual(window, history.slice(1));
    assert.deepEqual(counts, [3, 3 + 32]);
    assert.deepEqual(reads.map((r) => r.first), [true, false], 'only the first read slides the expiry');
    // The next turn: the assistant's answer follows, the window still holds the whole group.
    const next = [...history, assistant('done'), user('thanks')];
    assert.deepEqual((await windowOf(next, 3)).window, [...history.slice(1), assistant('done'), user('thanks')]);
  });

  it('common case: a window that starts safely is one read of exactly `limit` items', async () => {
    for (const history of [
      [user('a'), assistant('b'), user('c'), assistant('d'), user('e')],
      [user('q'), functionCall('X'), functionResult('X'), assistant('a'), user('next')],
      [functionResult('old'), user('q'), functionCall('X'), functionResult('X'), assistant('a')],
      [user('q'), assistant('a'), functionCall('pending')],
    ]) {
      for (const limit of [1, 2, 3, 4]) {
        const { window, counts } = await windowOf(history, limit);
        const plain = history.slice(-limit);
        if (orphans(plain).length === 0) {
          assert.deepEqual(counts, [limit]);
          assert.deepEqual(window, plain);
        }
      }
    }
  });

  it('a window starting with a call (whose result is inside) needs no extension', async () => {
    const history = [user('q'), functionCall('X'), functionResult('X'), assistant('answer')];
    const { window, counts } = await windowOf(history, 3);
    assert.deepEqual(window, history.slice(1));
    assert.deepEqual(counts, [3]);
  });

  it('a limit that cuts between a call and its result reaches back to the call', async () => {
    const history = [user('q'), functionCall('X'), functionResult('X'), assistant('answer')];
    assert.deepEqual((await windowOf(history, 2)).window, history.slice(1));
  });

  it('interleaved groups: reaches back exactly as far as the earliest call still needed', async () => {
    const history = [user('q'), functionCall('1'), functionResult('1'), functionCall('2'), functionResult('2')];
    assert.deepEqual((await windowOf(history, 1)).window, [functionCall('2'), functionResult('2')]);
    const overlapping = [user('q'), functionCall('1'), functionCall('2'), functionResult('1'), functionCall('3'), functionResult('2'), functionResult('3'), assistant('a')];
    assert.deepEqual((await windowOf(overlapping, 3)).window, overlapping.slice(1));
    assert.deepEqual((await windowOf(overlapping, 2)).window, overlapping.slice(1));
    assert.deepEqual((await windowOf(overlapping, 1)).window, [assistant('a')]);
  });

  it('other tool kinds: computer, shell, apply_patch and client tool search pair by callId', async () => {
    const pairs: Array<[AgentInputItem, AgentInputItem]> = [
      [item('computer_call', { callId: 'cc', action: { type: 'screenshot' }, status: 'completed' }), item('computer_call_result', { callId: 'cc', output: { type: 'computer_screenshot', data: 'x' } })],
      [item('shell_call', { callId: 'sh', action: { commands: ['ls'] }, status: 'completed' }), item('shell_call_output', { callId: 'sh', output: [] })],
      [item('apply_patch_call', { callId: 'ap', operation: { type: 'delete_file', path: 'a' }, status: 'completed' }), item('apply_patch_call_output', { callId: 'ap', status: 'completed' })],
      [item('tool_search_call', { callId: 'ts', arguments: {} }), item('tool_search_output', { callId: 'ts', tools: [] })],
    ];
    for (const [toolCall, toolResult] of pairs) {
      const history = [user('q'), toolCall, toolResult, assistant('a')];
      assert.deepEqual((await windowOf(history, 2)).window, history.slice(1), `${(toolCall as { type: string }).type}`);
    }
  });

  it('hosted tool calls (no callId, or a null one) stand alone and never extend the window', async () => {
    const history = [
      user('q'),
      item('hosted_tool_call', { id: 'ws_1', name: 'web_search_call', status: 'completed' }),
      item('tool_search_call', { callId: null, arguments: {}, execution: 'server' }),
      item('tool_search_output', { callId: null, tools: [], execution: 'server' }),
      assistant('a'),
    ];
    for (const limit of [1, 2, 3]) {
      const { window, counts } = await windowOf(history, limit);
      assert.deepEqual(window, history.slice(-limit));
      assert.deepEqual(counts, [limit]);
    }
  });

  it('nested groups: items issued by a program call keep that program call', async () => {
    const history = [
      user('q'),
      program('P'),
      functionCall('c1', '{}', byProgram('P')),
      functionResult('c1', byProgram('P')),
      programOutput('P'),
      assistant('a'),
    ];
    for (const limit of [1, 2, 3, 4, 5]) {
      const { window } = await windowOf(history, limit);
      const expected = limit === 1 ? [assistant('a')] : history.slice(1);
      assert.deepEqual(window, expected, `limit ${limit}`);
      assert.deepEqual(orphans(window), []);
    }
  });

  it('calls missing entirely (trimmed or never stored): cuts forward after the orphaned results, never returns them', async () => {
    const history = [user('q'), functionResult('lost'), assistant('a'), user('next')];
    const { window, counts } = await windowOf(history, 3);
    assert.deepEqual(window, [assistant('a'), user('next')]);
    assert.deepEqual(counts, [3, 35], 'it looked further back once before cutting');
    // Fewer entries than the limit: the whole history is in hand, no second read.
    const short = await windowOf([functionResult('lost'), user('next')], 5);
    assert.deepEqual(short.window, [user('next')]);
    assert.deepEqual(short.counts, [5]);
  });

  it('a group larger than the extension can hold falls back to cutting forward (bounded reads)', async () => {
    const calls = Array.from({ length: 40 }, (_, i) => functionCall(`c${i}`));
    const results = Array.from({ length: 40 }, (_, i) => functionResult(`c${i}`));
    const history = [user('q'), ...calls, ...results, assistant('a')];
    const small = await windowOf(history, 3);
    assert.deepEqual(small.window, [assistant('a')]);
    assert.deepEqual(small.counts, [3, 35]);
    const large = await windowOf(history, 41);
    assert.deepEqual(large.window, [...calls, ...results, assistant('a')]);
    assert.deepEqual(large.counts, [41, 82]);
  });

  it('entries that are not valid items (undefined) count as positions but never as calls or results', async () => {
    const history = [user('q'), functionCall('X'), undefined, functionResult('X'), undefined];
    assert.deepEqual((await windowOf(history, 2)).window, history.slice(1));
    assert.deepEqual((await windowOf(history, 1)).window, [undefined]);
  });

  it('the second read is a fresh snapshot: the window is chosen from it alone', async () => {
    const before = [user('q'), functionCall('X'), functionResult('X')];
    const after = [...before, assistant('a'), user('u')];
    const reads: number[] = [];
    const window = await readDefaultWindow(1, async (count) => {
      reads.push(count);
      const snapshot = reads.length === 1 ? before : after;
      return snapshot.slice(Math.max(snapshot.length - count, 0));
    });
    assert.deepEqual(window, [user('u')], 'the newest item of the second snapshot starts safely');
    assert.deepEqual(reads, [1, 33]);
  });

  it('random histories: always a suffix, never an orphaned result, the plain window kept whenever a safe start is in reach', async () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 400; run++) {
      const history: AgentInputItem[] = [];
      const open: string[] = [];
      let next = 0;
      for (let step = 0, length = 1 + random(60); step < length; step++) {
        const choice = random(10);
        if (choice < 3) history.push(user(`u${step}`));
        else if (choice < 6) {
          const id = `c${next++}`;
          open.push(id);
          history.push(functionCall(id));
        } else if (choice < 9 && open.length > 0) history.push(functionResult(open.splice(random(open.length), 1)[0] as string));
        else history.push(functionResult(`missing${step}`));
      }
      for (const limit of [1, 2, 3, 5, 8, 20]) {
        const { window, counts } = await windowOf(history, limit);
        assert.deepEqual(window, history.slice(history.length - window.length), 'a contiguous suffix');
        assert.deepEqual(orphans(window), [], 'no orphaned result');
        assert.ok(counts.length <= 2 && counts[0] === limit && (counts[1] === undefined || counts[1] === limit + windowExtension(limit)));
        const reach = history.slice(-(limit + windowExtension(limit)));
        const plainStart = Math.max(reach.length - Math.min(limit, history.length), 0);
        const latestSafe = [...Array(plainStart + 1).keys()].reverse().find((s) => orphans(reach.slice(s)).length === 0);
        if (latestSafe !== undefined) {
          assert.deepEqual(window, reach.slice(latestSafe), 'extends backwards just enough');
          assert.ok(window.length >= Math.min(limit, history.length) && window.length <= limit + windowExtension(limit));
        } else {
          assert.ok(window.length < Math.min(limit, history.length) || window.length === 0, 'cut forward');
        }
      }
    }
  });
});

describe('safeWindowStart and trimToSafeBoundary', () => {
  it('trimToSafeBoundary keeps a safe window whole and cuts an unsafe one after its orphans', () => {
    const safe = [functionCall('A'), functionResult('A'), user('x')];
    assert.equal(trimToSafeBoundary(safe), safe);
    assert.deepEqual(trimToSafeBoundary([functionCall('B'), functionResult('A'), functionResult('B'), user('x')]), [user('x')]);
    assert.deepEqual(trimToSafeBoundary([functionResult('A')]), []);
  });

  it('prefers the latest safe start at or before `start`, else the earliest after it', () => {
    const history = [user('a'), functionCall('X'), functionResult('X'), user('b')];
    assert.equal(safeWindowStart(history, 2), 1);
    assert.equal(safeWindowStart(history, 3), 3);
    assert.equal(safeWindowStart([functionResult('gone'), user('b')], 0), 1);
    assert.equal(safeWindowStart([], 0), 0);
  });
});
