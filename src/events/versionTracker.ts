import type { ChangeEvent, GapInfo } from './changeEvent.js';

/**
 * Follows the versions of one conversation's events and reports a gap when
 * one is missing. The first event sets the baseline; after a `clear`, the next
 * version is 1.
 */
export class VersionTracker {
  private expected: number | undefined;

  /** Returns the gap before `event`, if any, and advances past it. */
  check(event: ChangeEvent): GapInfo | undefined {
    const expected = this.expected;
    this.expected = event.type === 'clear' ? 1 : event.version + 1;
    if (expected === undefined || event.version === expected) return undefined;
    return { expected, received: event.version };
  }
}
