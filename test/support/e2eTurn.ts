/**
 * Child process of the two-process test in `test/e2e.run.test.ts`.
 *
 * Runs one agent turn, with its own `ScriptedModel` (which answers `E2E_REPLY`)
 * and its own `RedisSession`, on a conversation that other processes share.
 * Prints one JSON line: `{ pid, modelInput, finalOutput }`, where `modelInput`
 * is the input the model received. Exits non-zero on any failure.
 *
 * Environment: `E2E_REDIS_URL`, `E2E_CONVERSATION_ID`, `E2E_INPUT`, `E2E_REPLY`.
 */
import { Agent, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, ScriptedModel } from '@openai/agents/testing';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`e2eTurn: environment variable ${name} is required.`);
  return value;
}

setTracingDisabled(true);
const model = new ScriptedModel([[assistantMessage(requiredEnv('E2E_REPLY'))]]);
const agent = new Agent({ name: 'Assistant', instructions: 'Answer briefly.', model });
const session = new RedisSession({ conversationId: requiredEnv('E2E_CONVERSATION_ID'), redisUrl: requiredEnv('E2E_REDIS_URL') });
try {
  const result = await run(agent, requiredEnv('E2E_INPUT'), { session });
  model.assertComplete();
  const output = { pid: process.pid, modelInput: model.firstCall?.request.input, finalOutput: result.finalOutput };
  process.stdout.write(`${JSON.stringify(output)}\n`);
} finally {
  await session.close();
  await closeSharedConnections();
}
