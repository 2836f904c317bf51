/**
 * Child process of the cross-process concurrency tests (plain JavaScript, so
 * that it starts without a TypeScript loader).
 *
 *   node test/support/sessionWorker.mjs <redisUrl>
 *
 * Connects to Redis, prints `ready`, then runs one task per line of stdin and
 * answers each with one line of JSON. Exits when stdin ends.
 * Tasks: { mode: 'append' | 'pop', conversationId, ttl?, tag?, count? }
 * - `append`: appends `count` items with content `tag|seq|batch|indexInBatch|batchSize`,
 *   in batches of random size 1-5; answers `{ batches }`.
 * - `pop`: calls popItem until it returns undefined; answers `{ popped: [content, ...] }`.
 */
import { createInterface } from 'node:readline';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';

const redisUrl = process.argv[2];

async function append(session, tag, count) {
  let seq = 0;
  let batches = 0;
  while (seq < count) {
    const size = Math.min(1 + Math.floor(Math.random() * 5), count - seq);
    const batch = Array.from({ length: size }, (_, index) => ({
      role: 'user',
      content: `${tag}|${seq + index}|${batches}|${index}|${size}`,
    }));
    await session.addItems(batch);
    seq += size;
    batches += 1;
  }
  return { batches };
}

async function popAll(session) {
  const popped = [];
  for (;;) {
    const item = await session.popItem();
    if (item === undefined) return { popped };
    popped.push(String(item.content));
  }
}

async function runTask(task) {
  const session = new RedisSession({ redisUrl, conversationId: task.conversationId, ttl: task.ttl });
  try {
    return task.mode === 'append' ? await append(session, task.tag, task.count) : await popAll(session);
  } finally {
    await session.close();
  }
}

// Holding this session keeps the shared connection open between tasks.
const warmUp = new RedisSession({ redisUrl, conversationId: `worker-warm-up-${process.pid}` });
try {
  await warmUp.getItems(1);
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    process.stdout.write(`${JSON.stringify(await runTask(JSON.parse(line)))}\n`);
  }
} catch (error) {
  process.stderr.write(`${error?.stack ?? String(error)}\n`);
  process.exitCode = 1;
} finally {
  await warmUp.close();
  await closeSharedConnections();
}
