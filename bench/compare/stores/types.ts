import type { AgentInputItem } from '@openai/agents';

/** One conversation in one store, as the benchmark drives it. */
export interface Conversation {
  /** Appends one turn (the measured "append" operation). */
  append(items: AgentInputItem[]): Promise<void>;
  /** The last `count` items, oldest first, decoded (the measured "read" operation). */
  last(count: number): Promise<unknown[]>;
  /** Removes and returns the newest item; undefined when the store has no such operation. */
  pop?: () => Promise<unknown>;
  /** Removes the whole conversation (the measured "clear" operation). */
  clear(): Promise<void>;
  /** Untimed setup: appends many items, in whatever batches the store's API allows. */
  fill(items: AgentInputItem[]): Promise<void>;
}

/** A store under test: this package, a peer, or a floor. */
export interface Store {
  /** Short name used in tables and the chart. */
  readonly name: string;
  /** What the store does per operation, for the doc. */
  readonly description: string;
  /** False for in-process stores (no Redis memory, no commands). */
  readonly usesRedis: boolean;
  conversation(id: string): Conversation;
  close(): Promise<void>;
}

/** Loads a peer package from bench/node_modules at run time, so the root typecheck never needs it. */
export async function loadPeer(name: string): Promise<any> {
  try {
    return await import(name);
  } catch (error) {
    throw new Error(`cannot load ${name}: install the benchmark's dependencies with "npm --prefix bench ci --legacy-peer-deps" (${String(error)})`);
  }
}
