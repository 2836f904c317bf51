import type { SessionHistoryRewriteArgs } from '@openai/agents';
import { RedisSessionInputError } from '../errors.js';
import type { ItemCodec } from '../serialization/itemCodec.js';

function invalid(message: string): never {
  throw new RedisSessionInputError(`${message} Nothing was written.`);
}

/** One `replace_function_call` mutation, checked and serialized, ready for the `mutateHistory` script. */
export interface PreparedMutation {
  /** The callId as it appears in stored JSON (a JSON string): every matching entry contains it. */
  readonly needle: string;
  readonly callId: string;
  /** The serialized replacement item. */
  readonly replacement: string;
}

/**
 * Checks the arguments of `applyHistoryMutations` and serializes their
 * replacements. Unknown mutation types are refused rather than ignored.
 *
 * @throws {RedisSessionInputError} when a mutation is malformed.
 */
export function prepareMutations(args: SessionHistoryRewriteArgs, codec: ItemCodec): PreparedMutation[] {
  if (!args || typeof args !== 'object' || !Array.isArray(args.mutations)) {
    invalid('applyHistoryMutations expects { mutations: [...] }.');
  }
  return args.mutations.map((mutation, index) => {
    const where = `mutations[${index}]`;
    if (!mutation || typeof mutation !== 'object') invalid(`${where} must be an object.`);
    if (mutation.type !== 'replace_function_call') {
      invalid(`${where} has unsupported type ${JSON.stringify(String(mutation.type))}; only "replace_function_call" is supported.`);
    }
    const { callId, replacement } = mutation;
    if (typeof callId !== 'string' || callId === '') invalid(`${where}.callId must be a non-empty string.`);
    if (!replacement || typeof replacement !== 'object' || replacement.type !== 'function_call') {
      invalid(`${where}.replacement must be a function_call item.`);
    }
    const [encoded] = codec.encode([replacement], `${where}.replacement`);
    return { needle: JSON.stringify(callId), callId, replacement: encoded! };
  });
}
