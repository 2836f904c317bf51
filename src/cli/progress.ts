import cliProgress from 'cli-progress';
import type { Globals } from './context.js';
import { cliStreams } from './streams.js';

/** A progress indicator; does nothing when no bar is shown. */
export interface Progress {
  increment(): void;
  stop(): void;
}

/** How long a run goes before a bar appears: short runs print no bar at all. */
const SHOW_AFTER_MS = 500;

/**
 * A progress bar on stderr for `total` steps, shown only when stderr is a terminal, not in --json mode,
 * and only once the run has taken longer than half a second.
 */
export function progressBar(globals: Globals, label: string, total: number): Progress {
  const { stderr } = cliStreams();
  if (globals.json || !stderr.isTTY || total === 0) return { increment: () => {}, stop: () => {} };
  const started = Date.now();
  let done = 0;
  let bar: cliProgress.SingleBar | undefined;
  return {
    increment: () => {
      done++;
      if (bar) bar.update(done);
      else if (Date.now() - started > SHOW_AFTER_MS && done < total) {
        bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta}s`, stream: stderr as NodeJS.WritableStream, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
    },
    stop: () => bar?.stop(),
  };
}
