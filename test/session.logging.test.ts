/**
 * Behaviour tests of RedisSession's logging: conversation content reaches the
 * logger only when both of the SDK's data-logging flags allow it. Servers come
 * from the harness (never the shared 6379).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import util from 'node:util';
import { RedisSession, type Logger } from 'agents-redis-session';
import { useSessionFixture, type RawRedis } from './support/sessionFixture.js';
import { functionCall, userMessage } from './support/items.js';

const MARKER = 'SECRET-CONTENT-MARKER-9d1c7b';
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One call made to a capturing logger. */
interface LogCall {
  level: 'debug' | 'warn' | 'error';
  /** The call's message and arguments, formatted as the `debug` package would (`%s`, `%j`, `%d`). */
  text: string;
}

/** A logger in the SDK's shape that records every call. */
function capturingLogger(flags: { dontLogModelData: boolean; dontLogToolData: boolean }): { logger: Logger; calls: LogCall[] } {
  const calls: LogCall[] = [];
  const record = (level: LogCall['level']) => (message: string, ...args: unknown[]) => {
    const formatted = util.format(message, ...args);
    const raw = args.map((arg) => util.inspect(arg, { depth: Infinity })).join(' ');
    calls.push({ level, text: `${formatted} ${raw}` });
  };
  const logger: Logger = {
    namespace: 'test:capture',
    debug: record('debug'),
    warn: record('warn'),
    error: record('error'),
    ...flags,
  };
  return { logger, calls };
}

const fixture = useSessionFixture();
const raw = (): RawRedis => fixture.redis;

/** Runs every session operation with items that carry MARKER, through `logger`. */
async function exerciseWithMarker(logger: Logger): Promise<void> {
  const session = fixture.session({ conversationId: fixture.uniqueId('logging'), ttl: 600, logger });
  await session.addItems([userMessage(`hello ${MARKER}`), functionCall('call-1', `{"q":"${MARKER}"}`)]);
  await session.getItems();
  await session.getItems(1);
  await session.applyHistoryTransaction({
    operationId: 'op-1',
    transaction: { type: 'append_items', items: [userMessage(`more ${MARKER}`)] },
  });
  await session.applyHistoryMutations({
    mutations: [{ type: 'replace_function_call', callId: 'call-1', replacement: functionCall('call-1', `{"q":"new ${MARKER}"}`) }],
  });
  await session.popItem();
  await session.replaceHistoryWithCompaction([userMessage(`summary ${MARKER}`)]);
  // Entries that are not items, and that hold the marker, are reported without their content.
  await raw().rPush(session.keys.items, [`not json ${MARKER}`, `{"broken": "${MARKER}"`]);
  await session.getItems();
  await raw().rPush(session.keys.items, `still not json ${MARKER}`);
  await session.popItem();
  await session.clearSession();
  await session.close();
}

describe('RedisSession logging', () => {
  it('with dontLogModelData and dontLogToolData set, no log call contains conversation content', async () => {
    const { logger, calls } = capturingLogger({ dontLogModelData: true, dontLogToolData: true });
    await exerciseWithMarker(logger);
    for (const action of [/^Adding items/, /^Got items/, /^Popped item/, /^Clearing Redis session/]) {
      assert.ok(calls.some((call) => call.level === 'debug' && action.test(call.text)), `no debug call matches ${action}`);
    }
    assert.ok(calls.some((call) => call.level === 'warn' && /not valid item/.test(call.text)), 'corrupt entries are reported');
    for (const call of calls) assert.ok(!call.text.includes(MARKER), `content was logged: ${call.level} ${call.text}`);
  });

  it('with only one of the flags set, content is still not logged', async () => {
    for (const flags of [
      { dontLogModelData: true, dontLogToolData: false },
      { dontLogModelData: false, dontLogToolData: true },
    ]) {
      const { logger, calls } = capturingLogger(flags);
      await exerciseWithMarker(logger);
      assert.ok(calls.length > 0);
      for (const call of calls) assert.ok(!call.text.includes(MARKER), `content was logged with ${JSON.stringify(flags)}: ${call.text}`);
    }
  });

  it('with both flags false, debug output may contain the content (and warnings still do not)', async () => {
    const { logger, calls } = capturingLogger({ dontLogModelData: false, dontLogToolData: false });
    await exerciseWithMarker(logger);
    assert.ok(calls.some((call) => call.level === 'debug' && call.text.includes(MARKER)), 'debug output shows items');
    for (const call of calls.filter((c) => c.level !== 'debug')) assert.ok(!call.text.includes(MARKER), call.text);
  });

  it('works without a logger option', async () => {
    const session = new RedisSession({ conversationId: 'default-logger', redisUrl: fixture.server.url });
    await session.addItems([userMessage('hello')]);
    assert.deepEqual(await session.getItems(), [userMessage('hello')]);
    await session.clearSession();
    await session.close();
  });

  it('the default logger writes under DEBUG=openai-agents:redis-session, without content by default', async () => {
    const script = `
      import { RedisSession } from 'agents-redis-session';
      const session = new RedisSession({ conversationId: 'default-ns', redisUrl: process.env.TEST_REDIS_URL });
      await session.addItems([{ type: 'message', role: 'user', content: process.env.TEST_MARKER }]);
      await session.getItems();
      await session.clearSession();
      await session.close();
    `;
    const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: 'openai-agents:redis-session', TEST_REDIS_URL: fixture.server.url, TEST_MARKER: MARKER };
    delete env.OPENAI_AGENTS_DONT_LOG_MODEL_DATA;
    delete env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA;
    delete env.DEBUG_COLORS;
    const { stderr } = await util.promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PACKAGE_ROOT,
      env,
      timeout: 120_000,
    });
    assert.match(stderr, /openai-agents:redis-session Adding items in Redis session conv:default-ns: 1 item\(s\)/);
    assert.match(stderr, /openai-agents:redis-session Got items in Redis session conv:default-ns: 1 item\(s\)/);
    assert.ok(!stderr.includes(MARKER), stderr);
  });
});
