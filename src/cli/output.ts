/**
 * Printing for the CLI: one JSON document (or JSON lines) in `--json` mode, readable text and tables otherwise.
 *
 * Every byte the CLI prints goes through this file, and stored text (a user's message, an id found by SCAN) must never
 * drive the operator's terminal: {@link visible} renders control characters as escapes before anything is written.
 * It writes to the streams of the run in progress ({@link cliStreams}): the process's own for the bin, the caller's
 * for a run in-process (tests).
 */
import type { Writable } from 'node:stream';
import { cliStreams } from './streams.js';

/**
 * Characters that a terminal acts on instead of showing: C0 controls (but newline and tab, kept for the CLI's own
 * multi-line messages), DEL, C1 controls (0x80–0x9f), and the bidirectional controls that reorder what is shown
 * (U+200E/F, U+202A–202E, U+2066–2069), plus the Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** What JSON.stringify leaves raw although a terminal acts on it: DEL, C1, bidi controls, U+2028/2029. */
const JSON_RAW_CONTROLS = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (char: string, digits: number): string => char.charCodeAt(0).toString(16).padStart(digits, '0');

/**
 * Text made safe for a terminal: each control character is shown as an escape (`\x1b`, `\x9b`, `\u202e`) rather than
 * sent raw. Newline and tab are kept. Idempotent: an escaped text has nothing left to escape.
 */
export function visible(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (char) => (char.charCodeAt(0) <= 0xff ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`));
}

/** A value as JSON with every terminal control escaped as `\uXXXX` (JSON.stringify escapes C0 itself); still valid JSON. */
export function toJson(value: unknown, pretty = false): string {
  return (JSON.stringify(value, null, pretty ? 2 : undefined) ?? 'null').replace(JSON_RAW_CONTROLS, (char) => `\\u${hex(char, 4)}`);
}

/** Writes one JSON document (pretty when `pretty`) and a newline to stdout. */
export function printJson(value: unknown, pretty = true): void {
  cliStreams().stdout.write(`${toJson(value, pretty)}\n`);
}

/** Writes one line of text to stdout, control characters escaped. */
export function printLine(text = ''): void {
  cliStreams().stdout.write(`${visible(text)}\n`);
}

/** Writes a note for a human to stderr (never part of the machine-readable output), control characters escaped. */
export function note(text: string): void {
  cliStreams().stderr.write(`${visible(text)}\n`);
}

/** Writes text exactly as commander formatted it (usage, help) to a stream, control characters escaped. */
export function writeVisible(stream: Writable, text: string): void {
  stream.write(visible(text));
}

/** A column of {@link printTable}: its heading, how to show a row's value, and right alignment for numbers. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  alignRight?: boolean;
}

/** Prints rows as a plain-text table with a header line, columns padded to their widest cell. */
export function printTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): void {
  // Escaped before measuring, so that the columns line up with what is printed.
  const cells = rows.map((row) => columns.map((column) => visible(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]!.length)));
  const format = (line: readonly string[]): string =>
    line
      .map((cell, i) => (columns[i]!.alignRight ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  printLine(format(columns.map((column) => column.header)));
  for (const line of cells) printLine(format(line));
}

/** Bytes as a short human figure: 512 B, 1.5 KiB, 2.0 MiB. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A TTL in seconds for people: "none" for no expiry, else "3600 s (1h 0m)". */
export function formatTtl(ttl: number | null): string {
  if (ttl === null) return 'none';
  const h = Math.floor(ttl / 3600);
  const m = Math.floor((ttl % 3600) / 60);
  const s = ttl % 60;
  const human = h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
  return `${ttl} s (${human})`;
}

/** Shortens text to `max` characters on one line, for previews; control characters escaped (and counted as shown). */
export function preview(text: string, max = 60): string {
  const line = visible(text.replace(/\s+/g, ' ').trim());
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
