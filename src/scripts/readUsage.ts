import type { KeysContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/**
 * `lua/readUsage-2.lua`: the usage fields of a conversation's metadata hash
 * (totals and turns), by name (`getUsage`; read by `storedUsage`). Writes nothing.
 */
export class ReadUsage extends TypedScript<KeysContext, void, Record<string, string>> {
  args(): string[] {
    return [];
  }

  reply(raw: unknown): Record<string, string> {
    const fields: Record<string, string> = {};
    if (!Array.isArray(raw)) return fields;
    for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1]);
    return fields;
  }
}
