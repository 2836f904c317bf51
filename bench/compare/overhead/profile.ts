/**
 * `--mode overhead --profile` (or BENCH_OVERHEAD_PROFILE=1): the two default-configuration session variants
 * (append with change events and ttl; getItems(20) with touch 'always'), each for BENCH_OVERHEAD_PROFILE_OPS
 * sequential operations (default 20000) under the inspector's CPU profiler. Writes each `.cpuprofile` to
 * .tmp/ (open it in Chrome DevTools or VS Code) and prints the top 25 functions by self time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createClient } from 'redis';
import { closeSharedConnections, RedisSession } from '../../../dist/index.js';
import { conversationItems } from '../../lib/items.js';
import { table } from '../../lib/table.js';
import { APPEND_ITEM, HISTORY, sessionOptionsOf, WINDOW } from './variants.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

const TOP = 25;
const REPO = new URL('../../../', import.meta.url).href;

/** "fn (src/x.ts:12)": the callFrame's function and where it is, the repo's prefix cut. */
function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const where = url.replace(REPO, '').replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'}${where ? ` ${where}:${lineNumber + 1}` : ''}`;
}

/** Self time per function, µs: hitCount × the mean sampling interval, summed over nodes of the same frame. */
export function selfTimes(profile: CpuProfile): Array<{ name: string; us: number }> {
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const interval = hits === 0 ? 0 : (profile.endTime - profile.startTime) / hits;
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const name = frameName(node.callFrame);
    byName.set(name, (byName.get(name) ?? 0) + (node.hitCount ?? 0) * interval);
  }
  return [...byName].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
}

/** Where a frame's code lives, for the summary by area. */
const AREAS: Array<[string, RegExp]> = [
  ['AbortSignal.timeout (per-command timeouts: abort_controller, DOMException, event_target)', /^\S+ node:internal\/(abort_controller|per_context\/domexception|event_target):/],
  ['this library (dist/)', / dist\/index\.js:/],
  ['node-redis (@redis/client)', / @redis\//],
  ['@openai/agents', / @openai\//],
  ['other node: internals', / node:/],
];

/** Self time summed by area ({@link AREAS}; frames without a script, such as (idle), (garbage collector) or a native write, by name). */
export function areaTimes(times: ReadonlyArray<{ name: string; us: number }>): Array<{ name: string; us: number }> {
  const byArea = new Map<string, number>();
  for (const entry of times) {
    const area = AREAS.find(([, pattern]) => pattern.test(entry.name))?.[0] ?? (entry.name.includes(' ') ? 'other scripts' : entry.name);
    byArea.set(area, (byArea.get(area) ?? 0) + entry.us);
  }
  return [...byArea].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
}

async function profiled(inspector: Session, label: string, ops: number, run: (i: number) => Promise<unknown>): Promise<void> {
  await inspector.post('Profiler.start');
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < ops; i++) await run(i);
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const { profile } = (await inspector.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  mkdirSync('.tmp', { recursive: true });
  const file = `.tmp/overhead-${label.replace(/\W+/g, '-')}-${Date.now()}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  const times = selfTimes(profile);
  const total = times.reduce((sum, entry) => sum + entry.us, 0);
  console.log(`\n${label}: ${ops} operations, ${((elapsed * 1000) / ops).toFixed(1)} µs/op wall, client CPU ${((used.user + used.system) / ops).toFixed(1)} µs/op (profiler on); ${file}`);
  console.log(
    table(
      ['function (self time)', 'µs/op', '% of samples'],
      times.slice(0, TOP).map((entry) => [entry.name, (entry.us / ops).toFixed(2), ((100 * entry.us) / total).toFixed(1)]),
      new Set([1, 2]),
    ),
  );
  console.log(
    table(
      ['by area (self time)', 'µs/op', '% of samples'],
      areaTimes(times).slice(0, 12).map((entry) => [entry.name, (entry.us / ops).toFixed(2), ((100 * entry.us) / total).toFixed(1)]),
      new Set([1, 2]),
    ),
  );
}

export async function runOverheadProfile(url: string): Promise<void> {
  const ops = Number(process.env.BENCH_OVERHEAD_PROFILE_OPS ?? 20_000);
  if (!Number.isInteger(ops) || ops <= 0) throw new Error('BENCH_OVERHEAD_PROFILE_OPS must be a positive integer');
  const admin = createClient({ url });
  admin.on('error', (error) => console.error('admin client error:', error));
  await admin.connect();
  const writer = new RedisSession({ redisUrl: url, keyPrefix: 'ovh:', conversationId: 'profile-append', ...sessionOptionsOf('appendDefault') });
  const reader = new RedisSession({ redisUrl: url, keyPrefix: 'ovh:', conversationId: 'profile-read', ...sessionOptionsOf('readAlways') });
  const inspector = new Session();
  inspector.connect();
  try {
    for (const session of [writer, reader]) {
      await session.clearSession();
      await session.addItems(conversationItems(HISTORY));
    }
    for (let i = 0; i < 2000; i++) await Promise.all([writer.addItems([APPEND_ITEM]), reader.getItems(WINDOW)]); // warm-up
    await admin.lTrim('ovh:profile-append', -HISTORY, -1);
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
    await profiled(inspector, 'append, default config', ops, async (i) => {
      if (i % 500 === 0) await admin.lTrim('ovh:profile-append', -HISTORY, -1);
      return writer.addItems([APPEND_ITEM]);
    });
    await profiled(inspector, "read 20, default config, touch 'always'", ops, () => reader.getItems(WINDOW));
  } finally {
    inspector.disconnect();
    for (const session of [writer, reader]) await session.clearSession().catch(() => {});
    await Promise.allSettled([writer.close(), reader.close()]);
    await admin.close().catch(() => {});
    await closeSharedConnections();
  }
}
