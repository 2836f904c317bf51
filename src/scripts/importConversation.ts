import type { KeysContext } from './scriptContext.js';
import { TypedScript } from './typedScript.js';

/** ARGV[1] of lua/importConversation-2.lua: whether a conversation whose content differs is replaced. */
export const ImportMode = { KeepExisting: '0', Overwrite: '1' } as const;

/** One exported conversation, as the CLI's `import` writes it. */
export interface ImportInput {
  /** Replace an existing conversation whose content differs. */
  readonly overwrite: boolean;
  /** When it expires, in ms since the epoch (server clock), or 0 for never. */
  readonly expiresAt: number;
  /** Raw stored entries, oldest first (at least one). */
  readonly items: readonly string[];
  /** The metadata hash. */
  readonly meta: Readonly<Record<string, string>>;
}

const OUTCOMES = ['imported', 'unchanged', 'expired', 'refused', 'wrongtype'] as const;
/** What the import of one conversation did; see the header of lua/importConversation-2.lua. */
export type ImportOutcome = (typeof OUTCOMES)[number];

/** `lua/importConversation-2.lua`: writes one exported conversation atomically, idempotently. */
export class ImportConversation extends TypedScript<KeysContext, ImportInput, ImportOutcome> {
  args(_context: KeysContext, { overwrite, expiresAt, items, meta }: ImportInput): string[] {
    return [
      overwrite ? ImportMode.Overwrite : ImportMode.KeepExisting,
      String(expiresAt),
      String(items.length),
      ...items,
      ...Object.entries(meta).flat(),
    ];
  }

  reply(raw: unknown): ImportOutcome {
    const outcome = OUTCOMES.find((known) => known === raw);
    if (outcome === undefined) throw new Error(`importConversation replied ${JSON.stringify(raw)}, which is not one of ${OUTCOMES.join(', ')}.`);
    return outcome;
  }
}
