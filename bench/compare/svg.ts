/**
 * A horizontal grouped bar chart as SVG text: one group per operation, one bar
 * per store, median latency on a logarithmic axis (the stores span four
 * orders of magnitude). No dependencies.
 */
export interface ChartGroup {
  label: string;
  bars: Array<{ series: string; value: number | undefined }>;
}

const PALETTE = ['#d62728', '#ff7f0e', '#e377c2', '#bcbd22', '#1f77b4', '#17becf', '#7f7f7f', '#2ca02c', '#9467bd', '#8c564b'];

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function formatUs(us: number): string {
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 10_000 ? 0 : 1)} ms`;
  return `${us >= 100 ? us.toFixed(0) : us.toFixed(1)} µs`;
}

/** Axis label of 10^exp µs: 0.1 µs, 1 µs, ... 1 ms, ... 1 s. */
function tickLabel(exp: number): string {
  if (exp >= 6) return `${10 ** (exp - 6)} s`;
  if (exp >= 3) return `${10 ** (exp - 3)} ms`;
  return `${exp >= 0 ? 10 ** exp : (10 ** exp).toFixed(-exp)} µs`;
}

export function barChartSvg(title: string, series: string[], groups: ChartGroup[]): string {
  const barHeight = 11;
  const groupGap = 14;
  const left = 210;
  const plotWidth = 560;
  const right = 70;
  const top = 48;
  const legendRows = Math.ceil(series.length / 2);
  const groupHeight = series.length * barHeight + groupGap;
  const plotHeight = groups.length * groupHeight;
  const height = top + plotHeight + 30 + legendRows * 16 + 10;
  const width = left + plotWidth + right;
  const values = groups.flatMap((group) => group.bars.map((bar) => bar.value).filter((value): value is number => value !== undefined && value > 0));
  const minExp = Math.floor(Math.log10(Math.min(...values)));
  const maxExp = Math.ceil(Math.log10(Math.max(...values)));
  const x = (value: number): number => left + ((Math.log10(value) - minExp) / (maxExp - minExp)) * plotWidth;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="${width / 2}" y="34" text-anchor="middle" fill="#555">median latency per operation, log scale, lower is better</text>`,
  ];
  for (let exp = minExp; exp <= maxExp; exp++) {
    const position = x(10 ** exp);
    out.push(`<line x1="${position}" y1="${top - 4}" x2="${position}" y2="${top + plotHeight}" stroke="#ddd"/>`);
    out.push(`<text x="${position}" y="${top + plotHeight + 14}" text-anchor="middle" fill="#555">${tickLabel(exp)}</text>`);
  }
  groups.forEach((group, groupIndex) => {
    const groupTop = top + groupIndex * groupHeight;
    out.push(`<text x="${left - 8}" y="${groupTop + (series.length * barHeight) / 2 + 4}" text-anchor="end" font-weight="bold">${escape(group.label)}</text>`);
    series.forEach((name, seriesIndex) => {
      const value = group.bars.find((bar) => bar.series === name)?.value;
      const y = groupTop + seriesIndex * barHeight;
      if (value === undefined || value <= 0) {
        out.push(`<text x="${left + 4}" y="${y + barHeight - 2}" fill="#999" font-size="9">n/a</text>`);
        return;
      }
      const end = x(Math.max(value, 10 ** minExp));
      out.push(`<rect x="${left}" y="${y + 1}" width="${Math.max(1, end - left).toFixed(1)}" height="${barHeight - 2}" fill="${PALETTE[seriesIndex % PALETTE.length]}"/>`);
      out.push(`<text x="${(end + 4).toFixed(1)}" y="${y + barHeight - 2}" font-size="9" fill="#333">${formatUs(value)}</text>`);
    });
  });
  const legendTop = top + plotHeight + 30;
  series.forEach((name, index) => {
    const column = index % 2;
    const row = Math.floor(index / 2);
    const lx = 20 + column * ((width - 40) / 2);
    const ly = legendTop + row * 16;
    out.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${PALETTE[index % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 15}" y="${ly + 9}">${escape(name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
