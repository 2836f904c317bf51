import { Command } from 'commander';
import { conversationChannel, prefixChannel, type ChangeEvent } from '../../events/changeEvent.js';
import { SLOT_COUNT } from '../../events/feedChannels.js';
import { watchConversations } from '../../events/watchConversations.js';
import { RedisSession } from '../../RedisSession.js';
import { globalsOf, onConversation, withConnection, type Globals } from '../context.js';
import { note, preview, printJson, printLine } from '../output.js';
import { wholeNumber } from '../parsers.js';

interface BoundOptions {
  maxEvents?: number;
  timeoutMs?: number;
}

/** `tail <id>`: the change events of one conversation, live, until Ctrl-C (or --max-events / --timeout-ms). */
export function tailCommand(): Command {
  return withBounds(new Command('tail'))
    .description("print one conversation's changes as they happen (sharded channel {<prefix><id>}:events) until Ctrl-C")
    .argument('<id>', 'conversation id')
    .action(
      onConversation(async ({ id, keys, globals, connection }, options: BoundOptions) => {
        // The package's own subscription: a duplicate of this connection, sharded pub/sub, version-gap detection.
        const session = new RedisSession({ client: connection.client, conversationId: id, keyPrefix: globals.prefix });
        try {
          await follow(globals, options, `${conversationChannel(keys.items)} on ${connection.target}`, (listener) =>
            session.subscribe(listener, {
              onGap: ({ expected, received }) => note(`missed events: expected version ${expected}, got ${received} (run "show ${id}" to resync)`),
            }),
          );
        } finally {
          await session.close();
        }
      }),
    );
}

/**
 * `watch`: the change events of every conversation under the prefix (channel `<prefix>__events__`; on a cluster, the
 * sharded feed channels of every slot, `<prefix>__events__{<tag>}`).
 */
export function watchCommand(): Command {
  return withBounds(new Command('watch'))
    .description(
      'print the changes of every conversation under the prefix (channel <prefix>__events__; on a cluster, the sharded ' +
        'channels <prefix>__events__{<tag>} of every slot) until Ctrl-C',
    )
    .action(async (options: BoundOptions, command: Command) => {
      const globals = globalsOf(command);
      await withConnection(globals, async (connection) => {
        const channel = prefixChannel(globals.prefix);
        const what = connection.kind === 'cluster' ? `${channel}{<tag>} (the sharded feed channels of all ${SLOT_COUNT} slots)` : channel;
        await follow(globals, options, `${what} on ${connection.target}`, (listener) =>
          watchConversations({ client: connection.client, keyPrefix: globals.prefix }, listener),
        );
      });
    });
}

function withBounds(command: Command): Command {
  return command
    .option('--max-events <n>', 'stop after this many events', wholeNumber(1))
    .option('--timeout-ms <ms>', 'stop after this long', wholeNumber(1));
}

/** Subscribes, prints events until a bound is reached or SIGINT/SIGTERM, then unsubscribes. */
async function follow(
  globals: Globals,
  bounds: BoundOptions,
  what: string,
  subscribe: (listener: (event: ChangeEvent) => void) => Promise<() => Promise<void>>,
): Promise<void> {
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let received = 0;
  const unsubscribe = await subscribe((event) => {
    if (bounds.maxEvents !== undefined && received >= bounds.maxEvents) return;
    received++;
    if (globals.json) printJson(event, false);
    else printLine(formatEvent(event));
    if (bounds.maxEvents !== undefined && received >= bounds.maxEvents) finish();
  });
  const timer = bounds.timeoutMs === undefined ? undefined : setTimeout(finish, bounds.timeoutMs);
  const onSignal = (): void => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  note(`Listening on ${what} (Ctrl-C to stop).`);
  try {
    await finished;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await unsubscribe();
  }
}

/** One event as a line: time, conversation, type, version, count and a preview of the items. */
function formatEvent(event: ChangeEvent): string {
  const time = new Date(event.at).toISOString().slice(11, 23);
  const items = (event.items ?? [])
    .map((item) => {
      const record = item as unknown as Record<string, unknown>;
      const content = record.content;
      const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((part) => (part as { text?: string })?.text ?? '').join(' ') : '';
      return `${String(record.role ?? record.type ?? '?')}: ${preview(text, 40)}`;
    })
    .join(' | ');
  const removed = event.removed !== undefined ? ` removed=${event.removed}` : '';
  return `${time}  ${event.conversationId}  ${event.type} v${event.version} count=${event.count}${removed}${items ? `  ${items}` : ''}`;
}
