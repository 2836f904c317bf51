import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { MemorySession, type AgentInputItem } from '@openai/agents';
import { RedisSessionInputError } from 'agents-redis-session';
import { countersDuring } from '../tools/commandStats.js';
import { useSessionFixture, type RawRedis } from './support/sessionFixture.js';
import { assistant, functionCall, functionResult, user } from './support/items.js';

const fixture = useSessionFixture();

const messages = (count: number, label = 'm'): AgentInputItem[] => Array.from({ length: count }, (_, i) => user(`${label}${i}`));
const contentOf = (item: AgentInputItem | undefined): string => String((item as { content?: unknown } | undefined)?.content);

/** Commands the server executed while `action` ran (commands run inside Lua included), without the INFO probes. */
async function commandsDuring(redis: RawRedis, action: () => Promise<unknown>): Promise<Record<string, number>> {
  return Object.fromEntries((await countersDuring(redis, action)).calls);
}

/** How many times the server read from a client socket while `action` ran, not counting the probes. */
async function readsDuring(redis: RawRedis, action: () => Promise<unknown>): Promise<number> {
  return (await countersDuring(redis, action)).readsProcessed;
}

async function keysExist(redis: RawRedis, keys: readonly string[]): Promise<number> {
  return redis.exists([...keys]);
}

describe('getItems(limit)', () => {
  it('returns the newest `limit` items in chronological order, like MemorySession', async () => {
    const items = messages(10);
    const session = fixture.session();
    const memory = new MemorySession({ initialItems: items });
    await session.addItems(items);
    for (const limit of [1, 3, 9, 10]) {
      const got = await session.getItems(limit);
      assert.deepEqual(got, items.slice(-limit));
      assert.deepEqual(got, await memory.getItems(limit));
    }
  });

  it('returns the whole history when called with no argument and no limit option', async () => {
    const items = messages(7);
    const session = fixture.session();
    await session.addItems(items.slice(0, 3));
    await session.addItems(items.slice(3));
    assert.deepEqual(await session.getItems(), items);
  });

  it('returns [] for limit 0 and negative limits, and for an empty history', async () => {
    const session = fixture.session();
    assert.deepEqual(await session.getItems(), []);
    assert.deepEqual(await session.getItems(5), []);
    await session.addItems(messages(3));
    assert.deepEqual(await session.getItems(0), []);
    assert.deepEqual(await session.getItems(-1), []);
    assert.deepEqual(await session.getItems(-100), []);
  });

  it('returns the whole history when limit is larger than it', async () => {
    const items = messages(4);
    const session = fixture.session();
    await session.addItems(items);
    assert.deepEqual(await session.getItems(5), items);
    assert.deepEqual(await session.getItems(1_000_000), items);
  });

  it('getItems(20) on a 10,000-item history returns the last 20 with ONE client command: LRANGE (no TTL)', async () => {
    const items = messages(10_000);
    const session = fixture.session();
    await session.addItems(items);
    await session.getItems(1); // warm up: connection set-up is not part of the measurement
    let got: AgentInputItem[] = [];
    const executed = await commandsDuring(fixture.redis, async () => {
      got = await session.getItems(20);
    });
    assert.deepEqual(got, items.slice(-20));
    assert.deepEqual(executed, { lrange: 1 });
  });

  it('getItems(20) on a 10,000-item history returns the last 20 in ONE round trip: LRANGE and the touch script, pipelined (TTL)', async () => {
    const items = messages(10_000);
    const session = fixture.session({ ttl: 3600 });
    await session.addItems(items);
    await session.getItems(1); // warm up: connection set-up and script caching are not part of the measurement
    let got: AgentInputItem[] = [];
    const executed = await commandsDuring(fixture.redis, async () => {
      got = await session.getItems(20);
    });
    assert.deepEqual(got, items.slice(-20));
    // Sent: LRANGE and EVALSHA. Inside the script: LLEN and HGET (neither key may be of another type) and the two EXPIREs. Nothing else.
    assert.deepEqual(executed, { lrange: 1, evalsha: 1, llen: 1, hmget: 1, expire: 2 });
    // Both commands reach the server in one read: one round trip.
    assert.equal(await readsDuring(fixture.redis, () => session.getItems(20)), 1);
  });
});

describe('getItems() default window (limit option)', () => {
  it('returns the newest `limit` items of a plain conversation', async () => {
    const items = messages(6);
    for (const ttl of [undefined, 60]) {
      const session = fixture.session({ limit: 4, ttl });
      await session.addItems(items);
      assert.equal(session.limit, 4);
      assert.deepEqual(await session.getItems(), items.slice(-4));
    }
  });

  it('parallel calls [call A, call B, result A, result B] with limit 3: the window reaches back to call A (never result A without it)', async () => {
    const history = [functionCall('A'), functionCall('B'), functionResult('A'), functionResult('B')];
    const session = fixture.session({ limit: 3 });
    await session.addItems(history);
    // The window used to be cut forward to []: no non-empty suffix of the newest 3 is safe.
    assert.deepEqual(await session.getItems(), history);
    assert.deepEqual(await fixture.session({ conversationId: session.conversationId, limit: 4 }).getItems(), history);
  });

  it('parallel calls followed by an answer: the window extends back to the first call of the group', async () => {
    const history = [user('q'), functionCall('A'), functionCall('B'), functionResult('A'), functionResult('B'), assistant('done')];
    const id = fixture.uniqueId('parallel');
    await fixture.session({ conversationId: id }).addItems(history);
    const windowOf = (limit: number) => fixture.session({ conversationId: id, limit }).getItems();
    assert.deepEqual(await windowOf(1), [assistant('done')]);
    assert.deepEqual(await windowOf(3), history.slice(1));
    assert.deepEqual(await windowOf(4), history.slice(1));
    assert.deepEqual(await windowOf(5), history.slice(1));
    assert.deepEqual(await windowOf(6), history);
  });

  it('a limit that cuts exactly between a call and its result keeps the call', async () => {
    const history = [user('q'), functionCall('X'), functionResult('X'), assistant('answer')];
    const id = fixture.uniqueId('cut');
    await fixture.session({ conversationId: id }).addItems(history);
    assert.deepEqual(await fixture.session({ conversationId: id, limit: 2 }).getItems(), history.slice(1));
    assert.deepEqual(await fixture.session({ conversationId: id, limit: 3, ttl: 60 }).getItems(), history.slice(1));
  });

  it('explicit getItems(n) is not trimmed (matches MemorySession)', async () => {
    const history = [functionCall('A'), functionCall('B'), functionResult('A'), functionResult('B')];
    const session = fixture.session({ limit: 3 });
    await session.addItems(history);
    const memory = new MemorySession({ initialItems: history });
    assert.deepEqual(await session.getItems(3), history.slice(1));
    assert.deepEqual(await session.getItems(3), await memory.getItems(3));
    assert.deepEqual(await session.getItems(2), await memory.getItems(2));
  });
});

describe('addItems', () => {
  const cyclic = (): AgentInputItem => {
    const item = { role: 'user', content: 'loop', providerData: {} as Record<string, unknown> };
    item.providerData.self = item;
    return item as AgentInputItem;
  };
  const unserializable: Array<[string, () => AgentInputItem]> = [
    ['a BigInt', () => ({ role: 'user', content: 'x', providerData: { n: 10n } }) as AgentInputItem],
    ['a function', () => ({ role: 'user', content: 'x', providerData: { f: () => 1 } }) as AgentInputItem],
    ['a cycle', cyclic],
    ['NaN', () => ({ role: 'user', content: 'x', providerData: { n: Number.NaN } }) as AgentInputItem],
  ];

  for (const [what, make] of unserializable) {
    it(`a batch with one item holding ${what} throws RedisSessionInputError and writes nothing`, async () => {
      const existing = fixture.session();
      await existing.addItems(messages(2));
      await assert.rejects(existing.addItems([user('ok'), make(), user('after')]), RedisSessionInputError);
      assert.equal(await fixture.redis.lLen(existing.keys.items), 2);
      assert.deepEqual(await existing.getItems(), messages(2));

      const fresh = fixture.session();
      await assert.rejects(fresh.addItems([user('ok'), make()]), RedisSessionInputError);
      assert.equal(await keysExist(fixture.redis, fresh.keys.all), 0);
    });
  }

  it('an empty array is a no-op and creates no key', async () => {
    const session = fixture.session({ ttl: 60 });
    await session.addItems([]);
    assert.equal(await keysExist(fixture.redis, session.keys.all), 0);
  });

  it('non-array input throws RedisSessionInputError and writes nothing', async () => {
    const session = fixture.session();
    for (const input of [user('x'), 'text', null, undefined, 42]) {
      await assert.rejects(session.addItems(input as unknown as AgentInputItem[]), RedisSessionInputError);
    }
    assert.equal(await keysExist(fixture.redis, session.keys.all), 0);
  });
});

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const workerScript = fileURLToPath(new URL('./support/sessionWorker.mjs', import.meta.url));

/** One task for `test/support/sessionWorker.mjs`. */
type WorkerTask =
  | { mode: 'append'; conversationId: string; ttl?: number; tag: string; count: number }
  | { mode: 'pop'; conversationId: string; ttl?: number };

/** A running worker process and the lines it prints, one at a time. */
interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited and its output is closed. */
  readonly closed: Promise<void>;
  /** The next line of output; rejects if the process ends first. */
  nextLine(): Promise<string>;
}

/** Rejects when `promise` takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function spawnWorker(redisUrl: string): WorkerProcess {
  const child = spawn(process.execPath, [workerScript, redisUrl], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {}); // a dead worker is reported through nextLine()
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines: string[] = [];
  let waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  let ended: Error | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (waiter) waiter.resolve(line);
    else lines.push(line);
    waiter = undefined;
  });
  const closed = once(child, 'close').then(([code, signal]) => {
    ended = new Error(`worker pid ${child.pid} ended (${signal ?? `exit code ${code}`}): ${stderr}`);
    waiter?.reject(ended);
  });
  return {
    child,
    closed,
    nextLine: () => {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
  };
}

/** Starts `count` workers and waits until each has connected to Redis. */
async function startWorkers(count: number, redisUrl: string): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: count }, () => spawnWorker(redisUrl));
  try {
    for (const worker of workers) assert.equal(await within(worker.nextLine(), 40_000, 'a worker to start'), 'ready');
    return workers;
  } catch (error) {
    await stopWorkers(workers);
    throw error;
  }
}

/** Gives task i to worker i, all at once, and returns their JSON answers. */
async function runTasks(workers: WorkerProcess[], tasks: WorkerTask[]): Promise<unknown[]> {
  tasks.forEach((task, i) => workers[i]?.child.stdin?.write(`${JSON.stringify(task)}\n`));
  return Promise.all(workers.map(async (worker) => JSON.parse(await within(worker.nextLine(), 30_000, 'a worker task')) as unknown));
}

/** Ends the workers' input so they exit; kills any that has not exited within 10 s. */
async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async ({ child, closed }) => {
      child.stdin?.end();
      await within(closed, 10_000, 'a worker to exit').catch(() => child.kill('SIGKILL'));
    }),
  );
}

describe('concurrency across processes', () => {
  let workers: WorkerProcess[] = [];
  before(async () => {
    workers = await startWorkers(4, fixture.server.url);
  });
  after(() => stopWorkers(workers));

  it('4 processes appending 200 items each in random batches of 1-5: every item once, every batch contiguous', async () => {
    const conversationId = fixture.uniqueId('appenders');
    const tags = ['w0', 'w1', 'w2', 'w3'];
    const outputs = await runTasks(workers, tags.map((tag) => ({ mode: 'append', conversationId, tag, count: 200 })));
    const contents = (await fixture.session({ conversationId }).getItems()).map(contentOf);
    assert.equal(contents.length, 800);
    assert.equal(new Set(contents).size, 800, 'an item was stored twice');

    const nextSeq = new Map(tags.map((tag) => [tag, 0]));
    for (let position = 0; position < contents.length; ) {
      const [tag = '', seq, batch, index, size] = (contents[position] ?? '').split('|');
      assert.equal(index, '0', `position ${position} is inside a batch that does not start there`);
      for (let offset = 0; offset < Number(size); offset++) {
        const [otherTag, otherSeq, otherBatch, otherIndex] = (contents[position + offset] ?? '').split('|');
        assert.deepEqual([otherTag, otherBatch, otherIndex], [tag, batch, String(offset)], `batch ${tag}/${batch} is split`);
        assert.equal(Number(otherSeq), Number(seq) + offset);
      }
      assert.equal(Number(seq), nextSeq.get(tag), `items of ${tag} are out of order`);
      nextSeq.set(tag, Number(seq) + Number(size));
      position += Number(size);
    }
    assert.deepEqual([...nextSeq.values()], [200, 200, 200, 200]);
    const batches = outputs.map((output) => (output as { batches: number }).batches);
    assert.ok(batches.every((count) => count >= 40 && count <= 200), `unexpected batch counts ${batches}`);
  });

  it('4 processes popping a 400-item history: every item returned exactly once, then undefined', async () => {
    const session = fixture.session({ ttl: 600 });
    const names = Array.from({ length: 400 }, (_, i) => `item-${i}`);
    await session.addItems(names.map(user));
    const outputs = await runTasks(
      workers,
      workers.map(() => ({ mode: 'pop', conversationId: session.conversationId, ttl: 600 })),
    );
    const perWorker = outputs.map((output) => (output as { popped: string[] }).popped);
    const all = perWorker.flat();
    assert.equal(all.length, 400);
    assert.deepEqual([...all].sort(), [...names].sort());
    for (const popped of perWorker) {
      const positions = popped.map((name) => Number(name.slice('item-'.length)));
      assert.ok(positions.every((p, i) => i === 0 || p < (positions[i - 1] ?? Infinity)), 'a worker popped an older item before a newer one');
    }
    assert.equal(await session.popItem(), undefined);
    // The items key is gone; the metadata hash keeps the info: the change-event version (1 add + 400 pops), the
    // generation (400 pops), createdAt and updatedAt.
    assert.equal(await keysExist(fixture.redis, [session.keys.items]), 0);
    const { c, u, ...counters } = await fixture.redis.hGetAll(session.keys.meta);
    assert.deepEqual(counters, { v: '401', g: '400' });
    assert.ok(Number(u) >= Number(c));
  });
});

describe('clearSession', () => {
  it('removes the items and the metadata of the conversation, and no other key', async () => {
    const session = fixture.session({ ttl: 600 });
    await session.addItems(messages(3));
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [user('t')] } });
    assert.equal(await keysExist(fixture.redis, session.keys.all), 2);

    const neighbour = fixture.session({ conversationId: `${session.conversationId}x` });
    await neighbour.addItems(messages(2));
    await neighbour.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [user('t')] } });
    const unrelated = [`unrelated-${session.conversationId}`, `{${session.keys.items}}:other`, `${session.keys.items}:x`];
    for (const key of unrelated) await fixture.redis.set(key, 'keep');

    await session.clearSession();
    assert.equal(await keysExist(fixture.redis, session.keys.all), 0);
    assert.deepEqual(await session.getItems(), []);
    assert.equal(await keysExist(fixture.redis, neighbour.keys.all), 2);
    assert.equal(await neighbour.getItems().then((items) => items.length), 3);
    assert.equal(await keysExist(fixture.redis, unrelated), unrelated.length);
    await session.clearSession(); // clearing an empty conversation is fine
  });
});

describe('returned items are fresh copies', () => {
  it('mutating items returned by getItems does not change what is stored', async () => {
    const session = fixture.session();
    await session.addItems([assistant('original')]);
    const first = await session.getItems();
    (first[0] as { content: Array<{ text: string }> }).content[0]!.text = 'changed';
    first.push(user('extra'));
    const second = await session.getItems();
    assert.deepEqual(second, [assistant('original')]);
    assert.notEqual(second[0], first[0]);
  });

  it('mutating the array and items given to addItems after the call does not change what is stored', async () => {
    const session = fixture.session();
    const items = [assistant('a'), user('b')];
    await session.addItems(items);
    (items[0] as { content: Array<{ text: string }> }).content[0]!.text = 'changed';
    (items[1] as { content: string }).content = 'changed';
    items.push(user('c'));
    assert.deepEqual(await session.getItems(), [assistant('a'), user('b')]);
  });

  it('mutating a popped item does not change the items that remain', async () => {
    const session = fixture.session();
    const shared = { role: 'user', content: 'same' } as AgentInputItem;
    await session.addItems([shared, shared]);
    const popped = await session.popItem();
    (popped as { content: string }).content = 'changed';
    assert.deepEqual(await session.getItems(), [user('same')]);
  });
});

describe('popItem', () => {
  for (const ttl of [undefined, 60]) {
    it(`returns the newest item and removes it, then undefined when empty (ttl ${ttl ?? 'none'})`, async () => {
      const session = fixture.session({ ttl });
      await session.addItems(messages(3));
      assert.deepEqual(await session.popItem(), user('m2'));
      assert.deepEqual(await session.getItems(), messages(2));
      assert.deepEqual(await session.popItem(), user('m1'));
      assert.deepEqual(await session.popItem(), user('m0'));
      assert.equal(await session.popItem(), undefined);
      assert.equal(await session.popItem(), undefined);
      // The items key is gone; the metadata hash keeps the info: the change-event version (1 add + 3 pops),
      // the generation (3 pops), createdAt and updatedAt.
      assert.equal(await keysExist(fixture.redis, [session.keys.items]), 0);
      assert.deepEqual(Object.keys(await fixture.redis.hGetAll(session.keys.meta)).sort(), ['c', 'g', 'u', 'v']);
      assert.equal(await fixture.redis.hGet(session.keys.meta, 'v'), '4');
    });
  }
});
