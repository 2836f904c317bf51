import { getLogger } from '@openai/agents';

/** The SDK's logger shape: `debug`, `warn`, `error` and the data-logging flags. */
export type Logger = ReturnType<typeof getLogger>;

/** The package's logger, in the SDK's `openai-agents:*` debug namespace. */
export const defaultLogger: Logger = getLogger('openai-agents:redis-session');

/**
 * Whether conversation content may be logged: only when the SDK's
 * `OPENAI_AGENTS_DONT_LOG_MODEL_DATA` and `OPENAI_AGENTS_DONT_LOG_TOOL_DATA`
 * flags both allow it, as in the SDK's own `MemorySession`.
 */
export function mayLogContent(logger: Logger): boolean {
  return !logger.dontLogModelData && !logger.dontLogToolData;
}

/**
 * Whether `logger.debug` may print: false only when it says so. The SDK's debug logger is an instance of the
 * `debug` package, whose own `enabled` property is `true` only while its namespace is enabled (4.x reports
 * `undefined`, not `false`, when `DEBUG` is unset); any other function (a logger of the caller's) may print.
 * Checked before building debug output on every operation, so it is cheap: no environment read.
 */
export function debugEnabled(logger: Logger): boolean {
  const debug = logger.debug as { enabled?: unknown };
  return Object.prototype.hasOwnProperty.call(debug, 'enabled') ? debug.enabled === true : true;
}
