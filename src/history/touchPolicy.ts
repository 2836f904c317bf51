import type { TouchOption } from '../config/options.js';

/** Milliseconds of a monotonic clock (not moved by changes of the wall clock). */
export type MonotonicClock = () => number;

const monotonic: MonotonicClock = () => performance.now();

/**
 * Which reads of one session slide the conversation's expiry (the `touch` option):
 *
 * - `'always'`: every read does;
 * - `'write'`: none does (and without a ttl, none ever does);
 * - `{ intervalSeconds: I }`: a read does when this session has not slid the expiry in the last I seconds, by a
 *   read or by a write that reported it ({@link slid}). A slide is dated when its call was SENT, which is no later
 *   than when Redis ran it: so the expiry is never earlier than the recorded time + ttl, and a read that skips
 *   the slide (less than I after it) leaves at least ttl - I seconds for the next read. Reads in flight together
 *   may each slide, since none has been recorded yet. The record is this session's own: other sessions and
 *   processes keep theirs, so each slides at most once per interval.
 *
 * Per read, in the steady state of an interval: one clock reading and one comparison, nothing allocated.
 */
export class TouchPolicy {
  /** When the last recorded slide was sent (clock ms); -Infinity before the first. */
  private lastSlide = Number.NEGATIVE_INFINITY;
  /** 0 for `'always'`, the interval in ms, or -1 when reads never slide. */
  private readonly intervalMs: number;

  constructor(touch: TouchOption, ttl: number, private readonly clock: MonotonicClock = monotonic) {
    if (ttl === 0 || touch === 'write') this.intervalMs = -1;
    else this.intervalMs = touch === 'always' ? 0 : touch.intervalSeconds * 1000;
  }

  /**
   * Whether a read sent now slides the expiry: the time to pass to {@link slid} once it succeeded, or
   * `undefined` when it must not slide.
   */
  readSlide(): number | undefined {
    if (this.intervalMs < 0) return undefined;
    const now = this.clock();
    return now - this.lastSlide >= this.intervalMs ? now : undefined;
  }

  /** The current time of the policy's clock: take it before sending a write that slides the expiry. */
  now(): number {
    return this.clock();
  }

  /** Records that a call sent at `sentAt` slid the expiry (a read, or a write). Only ever moves forward. */
  slid(sentAt: number): void {
    if (sentAt > this.lastSlide) this.lastSlide = sentAt;
  }
}
