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
