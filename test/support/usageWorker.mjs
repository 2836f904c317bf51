/**
 * Child process of the usage tests (plain JavaScript, so that it starts without a TypeScript loader): one run of
 * an agent whose model is the SDK's ScriptedModel reporting usage, on a RedisSession, in its own process.
 *
 *   node test/support/usageWorker.mjs <redisUrl> <conversationId> <mode>
 *
 * Modes (each request of the scripted model reports 10 input and 5 output tokens, 1 of them cached):
 * - `plain`: one request answering "hi"; prints {"output": ...}.
 * - `interrupt`: one request calling a tool that needs approval; prints {"state": <RunState string>}.
 * - `resume`: reads that JSON from stdin, approves, resumes: one more request; prints {"output": ...}.
 */
import { Agent, run, RunState, setTracingDisabled, tool, Usage } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { z } from 'zod';
import { closeSharedConnections, RedisSession } from 'agents-redis-session';

setTracingDisabled(true);
const [redisUrl, conversationId, mode] = process.argv.slice(2);
const usage = () => new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15, inputTokensDetails: { cached_tokens: 1 } });
const respond = (output) => ({ output, usage: usage() });
const steps = {
  plain: [respond([assistantMessage('hi')])],
  interrupt: [respond([functionCall('danger', {}, { callId: 'c1' })])],
  resume: [respond([assistantMessage('done')])],
}[mode];
const danger = tool({ name: 'danger', description: 'Needs approval.', parameters: z.object({}), needsApproval: async () => true, execute: async () => 'ok' });
const agent = new Agent({ name: 'worker', model: new ScriptedModel(steps), tools: [danger] });
const session = new RedisSession({ redisUrl, conversationId, owner: 'usage-owner' });
try {
  if (mode === 'resume') {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const state = await RunState.fromString(agent, JSON.parse(text).state);
    state.approve(state.getInterruptions()[0]);
    const result = await run(agent, state, { session });
    process.stdout.write(`${JSON.stringify({ output: result.finalOutput })}\n`);
  } else {
    const result = await run(agent, mode === 'plain' ? 'hello' : 'do it', { session });
    process.stdout.write(`${JSON.stringify(mode === 'plain' ? { output: result.finalOutput } : { state: result.state.toString() })}\n`);
  }
} finally {
  await session.close();
  await closeSharedConnections();
}
