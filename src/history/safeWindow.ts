import type { AgentInputItem } from '@openai/agents';

/*
 * The default window of getItems() (the `limit` option) must never hand the
 * model a tool result without its call: the Responses API rejects such input
 * with HTTP 400 ("No tool call found for function call output"). A window that
 * would start inside a call/result group is EXTENDED backwards, past `limit`,
 * to the group's first call, by at most {@link windowExtension} items:
 *
 *   1. read the newest `limit` entries (one LRANGE, the common case);
 *   2. only when they start with a result whose call is older, read the newest
 *      `limit + windowExtension(limit)` entries (a fresh snapshot) and start
 *      the window at the latest position at or before the plain window's start
 *      from which every result has its call;
 *   3. when even that read holds no such position (the calls were trimmed by
 *      `maxItems`, or never stored), cut forward instead: the window starts
 *      after the orphaned results. It may then hold fewer than `limit` items,
 *      never an orphaned result.
 */

/** The fewest extra items a default window may add to keep calls with their results. */
export const MIN_WINDOW_EXTENSION = 32;

/**
 * How many items older than `limit` the default window may add: `max(limit, 32)`.
 * 32 holds a group of 16 parallel calls and their 16 results whatever the limit;
 * growing with `limit` keeps the extended read within twice the window, so its
 * cost still depends on `limit`, never on the length of the history.
 */
export function windowExtension(limit: number): number {
  return Math.max(limit, MIN_WINDOW_EXTENSION);
}

/**
 * Whether an item is the result of a tool call (`function_call_result`,
 * `computer_call_result`, `shell_call_output`, `apply_patch_call_output`,
 * `program_output`, ...): it carries a `callId` and its type ends in `_result` or `_output`.
 */
function isToolResult(item: AgentInputItem): item is AgentInputItem & { callId: string } {
  const { type, callId } = item as { type?: unknown; callId?: unknown };
  return typeof callId === 'string' && typeof type === 'string' && /_(result|output)$/.test(type);
}

/** The call id of the `program` call that issued this item (`caller: { type: 'program', callerId }`), if any. */
function programCaller(item: AgentInputItem): string | undefined {
  const { caller } = item as { caller?: unknown };
  if (caller === null || typeof caller !== 'object') return undefined;
  const { type, callerId } = caller as { type?: unknown; callerId?: unknown };
  return type === 'program' && typeof callerId === 'string' ? callerId : undefined;
}

/**
 * Where the default window starts in `items` (the newest entries of the
 * history, oldest first; `undefined` marks an entry that is not a valid item),
 * given that a plain window of the newest items would start at `start`.
 *
 * A position is safe when every item from it on has what it answers: a tool
 * result its call, an item issued by a `program` call that program call.
 * Returns the latest safe position at or before `start` (extending the window
 * backwards) or, when there is none in `items`, the earliest safe position
 * after `start` (cutting forward). `items.length` (an empty window) is always safe.
 */
export function safeWindowStart(items: readonly (AgentInputItem | undefined)[], start: number): number {
  // Walk backwards, tracking the call ids still awaited: a position where none is awaited is safe.
  const awaited = new Set<string>();
  let forward = items.length;
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item) {
      const { callId } = item as { callId?: unknown };
      if (isToolResult(item)) awaited.add(item.callId);
      else if (typeof callId === 'string') awaited.delete(callId);
      const caller = programCaller(item);
      if (caller !== undefined) awaited.add(caller);
    }
    if (awaited.size === 0) {
      if (index <= start) return index;
      forward = index;
    }
  }
  return forward;
}

/**
 * Reads the newest `count` entries of the history, oldest first, decoded
 * (`undefined` for an entry that is not a valid item). `first` is true for the
 * first read of a getItems() call (the one that slides the expiry).
 */
export type NewestReader = (count: number, first: boolean) => Promise<Array<AgentInputItem | undefined>>;

/**
 * The default window of `limit` items, read as described at the top of this
 * file: one read of `limit` entries when they start safely, else one more read
 * of `limit + windowExtension(limit)` entries, from which the window is chosen.
 */
export async function readDefaultWindow(limit: number, readNewest: NewestReader): Promise<Array<AgentInputItem | undefined>> {
  const newest = await readNewest(limit, true);
  const start = safeWindowStart(newest, 0);
  if (start === 0) return newest;
  // Fewer than `limit` entries: that is the whole history, there is nothing older to reach for.
  if (newest.length < limit) return newest.slice(start);
  const wider = await readNewest(limit + windowExtension(limit), false);
  return wider.slice(safeWindowStart(wider, Math.max(wider.length - limit, 0)));
}

/**
 * Trims the front of `window` (a contiguous suffix of the history) so that it
 * holds no tool result without its call: it starts at the earliest safe
 * position. Used when nothing older can be read (the whole history after a
 * `maxItems` trim); the window can only shrink.
 */
export function trimToSafeBoundary<T extends AgentInputItem | undefined>(window: T[]): T[] {
  const start = safeWindowStart(window, 0);
  return start === 0 ? window : window.slice(start);
}
