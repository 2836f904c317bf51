import type { PreparedMutation } from '../history/mutations.js';
import { sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { WritingScript } from './typedScript.js';

/**
 * `lua/mutateHistory-2.lua`: applies `replace_function_call` mutations
 * (`applyHistoryMutations`). Resolves to the number of items replaced or removed.
 */
export class MutateHistory extends WritingScript<readonly PreparedMutation[], number> {
  args(context: ScriptContext, mutations: readonly PreparedMutation[]): string[] {
    // Three arguments per mutation, from ARGV[11].
    return [...sessionArgsFor(context), ...mutations.flatMap(({ needle, callId, replacement }) => [needle, callId, replacement])];
  }

  reply(raw: unknown): number {
    return Number(raw);
  }
}
