/**
 * A plain-text table: columns padded to their widest cell, a dashed rule
 * under the headers, and the columns in `rightAligned` (by index) right-aligned.
 */
export function table(headers: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in Markdown: cells escape `|`, and the columns in `rightAligned` are right-aligned (`---:`). */
export function markdownTable(headers: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map((_, index) => (rightAligned.has(index) ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}
