import type { SessionHistoryRewriteArgs } from '@openai/agents';
import { RedisSessionInputError } from '../errors.js';
import type { ItemCodec } from '../serialization/itemCodec.js';

function invalid(message: string): never {
  throw new RedisSessionInputError(`${message} Nothing was written.`);
}

/**
 * Checks the arguments of `applyHistoryMutations` and flattens them into the
 * `mutateHistory` script's ARGV: for each mutation, a search needle (the
 * callId as it appears in stored JSON), the callId, and the serialized
 * replacement. Unknown mutation types are refused rather than ignored.
 *
 * @throws {RedisSessionInputError} when a mutation is malformed.
 */
export function prepareMutations(args: SessionHistoryRewriteArgs, codec: ItemCodec): string[] {
  if (!args || typeof args !== 'object' || !Array.isArray(args.mutations)) {
    invalid('applyHistoryMutations expects { mutations: [...] }.');
  }
  return args.mutations.flatMap((mutation, index) => {
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
    return [JSON.stringify(callId), callId, ...codec.encode([replacement], `${where}.replacement`)];
  });
}
