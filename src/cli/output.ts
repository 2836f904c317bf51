/** Printing for the CLI: one JSON document (or JSON lines) in `--json` mode, readable text and tables otherwise. */

/** Writes one JSON document (pretty when `pretty`) and a newline to stdout. */
export function printJson(value: unknown, pretty = true): void {
  process.stdout.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
}

/** Writes one line of text to stdout. */
export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a note for a human to stderr (never part of the machine-readable output). */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** A column of {@link printTable}: its heading, how to show a row's value, and right alignment for numbers. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  alignRight?: boolean;
}

/** Prints rows as a plain-text table with a header line, columns padded to their widest cell. */
export function printTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): void {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
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

/** Shortens text to `max` characters on one line, for previews. */
export function preview(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
