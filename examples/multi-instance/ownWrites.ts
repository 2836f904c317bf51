import type { AgentInputItem, Session } from '@openai/agents';
import type { ChangeEvent, RedisSession } from 'agents-redis-session';

/** Canonical JSON of a value (object keys sorted), so equal items give equal strings however they were built. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * A plain `Session` over a {@link RedisSession} that remembers the items this
 * process appended, so the process's change-feed listener can tell its own
 * updates from other instances' ({@link claim}). It exposes only the base
 * Session methods, so the runner appends each turn with `addItems` (one `add`
 * event per call). Two instances appending identical items at the same moment
 * could be mistaken for each other; that is fine for a demo.
 */
export class OwnWritesSession implements Session {
  private readonly pending = new Map<string, number>();
  private readonly onSettle = new Set<() => void>();

  constructor(readonly redis: RedisSession) {}

  getSessionId(): Promise<string> {
    return this.redis.getSessionId();
  }

  getItems(limit?: number): Promise<AgentInputItem[]> {
    return this.redis.getItems(limit);
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    const prints = items.map(fingerprint);
    for (const print of prints) this.pending.set(print, (this.pending.get(print) ?? 0) + 1);
    try {
      await this.redis.addItems(items);
    } catch (error) {
      this.release(prints);
      throw error;
    }
  }

  popItem(): Promise<AgentInputItem | undefined> {
    return this.redis.popItem();
  }

  clearSession(): Promise<void> {
    return this.redis.clearSession();
  }

  /** True when `event` is the echo of an append by this process (which it then forgets). */
  claim(event: ChangeEvent): boolean {
    if (event.type !== 'add' || !event.items || event.items.length === 0) return false;
    const prints = event.items.map(fingerprint);
    if (!prints.every((print) => (this.pending.get(print) ?? 0) > 0)) return false;
    this.release(prints);
    return true;
  }

  /** Resolves true once the change feed has echoed every append of this process, false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.onSettle.delete(check);
        resolve(value);
      };
      const check = () => this.pending.size === 0 && done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.onSettle.add(check);
    });
  }

  private release(prints: string[]): void {
    for (const print of prints) {
      const left = (this.pending.get(print) ?? 0) - 1;
      if (left > 0) this.pending.set(print, left);
      else this.pending.delete(print);
    }
    for (const check of [...this.onSettle]) check();
  }
}
