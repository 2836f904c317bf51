import { RedisSessionConflictError } from '../errors.js';
import type { PreparedTransaction } from '../history/transactions.js';
import { historyFullError } from './historyFull.js';
import { sessionArgsFor, type ScriptContext } from './scriptContext.js';
import { WritingScript } from './typedScript.js';

/** What `lua/applyTransaction-2.lua` did: applied it, or found it applied already by the same transaction. */
export type TransactionOutcome = 'applied' | 'duplicate';

/**
 * `lua/applyTransaction-2.lua`: applies one idempotent history transaction
 * (`applyHistoryTransaction`).
 */
export class ApplyTransaction extends WritingScript<PreparedTransaction & { readonly usage?: string }, TransactionOutcome> {
  args(context: ScriptContext, transaction: PreparedTransaction & { readonly usage?: string }): string[] {
    const { operationField, fingerprint, expectedSuffix, replacement, usage } = transaction;
    return [
      ...sessionArgsFor(context, replacement, usage),
      operationField,
      fingerprint,
      String(expectedSuffix.length),
      ...expectedSuffix,
      ...replacement,
    ];
  }

  /** @throws {RedisSessionConflictError} when the operation id was used for another transaction, or the suffix differs. */
  reply(raw: unknown): TransactionOutcome {
    if (raw === 'reused') {
      throw new RedisSessionConflictError(
        'Session history operation was already applied with a different transaction. Use a new operationId for a new change.',
      );
    }
    if (raw === 'mismatch') {
      throw new RedisSessionConflictError(
        'Session history suffix no longer matches the transaction precondition: another writer changed the history. Reload it and retry.',
      );
    }
    return raw === 'duplicate' ? 'duplicate' : 'applied';
  }

  /** @throws {RedisSessionLimitError} when maxItems with overflow 'reject' refuses the write (nothing is written). */
  override refusal(error: unknown): unknown {
    return historyFullError(error, 'applyHistoryTransaction');
  }
}
