import type { Logger } from '../logger.js';
import { parseChangeEvent, type ChangeListener, type GapInfo } from './changeEvent.js';
import { VersionTracker } from './versionTracker.js';

/**
 * Turns raw pub/sub messages into calls of `listener`. With `onGap`, versions
 * are followed and `onGap` is called before an event that follows missed ones.
 * What the callbacks throw is logged, so that one listener cannot break the
 * connection's other subscriptions.
 */
export function deliverEvents(
  listener: ChangeListener,
  logger: Logger,
  onGap?: (info: GapInfo) => void,
): (message: string, channel: string) => void {
  const tracker = new VersionTracker();
  const report = (error: unknown) => logger.error('RedisSession: a change listener failed: %s', error instanceof Error ? error.message : String(error));
  return (message, channel) => {
    const event = parseChangeEvent(message);
    if (!event) {
      logger.warn(`RedisSession: ignored a message on ${channel} that is not a change event.`);
      return;
    }
    try {
      const gap = tracker?.check(event);
      if (gap && onGap) onGap(gap);
      const result = listener(event);
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  };
}
