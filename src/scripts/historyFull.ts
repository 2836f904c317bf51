import { RedisSessionLimitError } from '../errors.js';

const HISTORYFULL = 'HISTORYFULL ';

/**
 * The error for a write that lib/historyLimit.lua refused (maxItems with
 * overflow 'reject'); any other error as it is.
 *
 * @param operation - The session method that wrote, for the message.
 */
export function historyFullError(error: unknown, operation: string): unknown {
  if (!(error instanceof Error) || !error.message.startsWith(HISTORYFULL)) return error;
  return new RedisSessionLimitError(
    `${operation} refused: ${error.message.slice(HISTORYFULL.length)} (overflow: 'reject'). ` +
      'Compact the history (replaceHistoryWithCompaction), clear it, or raise maxItems or use overflow: \'trim\'.',
  );
}
