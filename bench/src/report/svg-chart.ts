import type { BenchReport } from './report.js';

const COLORS = { latchkey: '#2563eb', 'node-oidc-provider': '#f59e0b', limit: '#9ca3af' } as const;
/** Latchkey's variants (seeded database, N workers), lighter than the plain Latchkey bar. */
const VARIANT_COLOR = '#93c5fd';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function label(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/**
 * A horizontal bar chart of the medians: per scenario one bar per server and one for the limit,
 * on a logarithmic axis (flows/s and discovery req/s differ by orders of magnitude).
 */
export function svgChart(report: BenchReport): string {
  const bars: { group: string; name: string; value: number; color: string; unit: string }[] = [];
  for (const scenario of report.scenarios) {
    for (const summary of scenario.targets) {
      if (summary.rate !== null) bars.push({ group: scenario.id, name: summary.label, value: summary.rate, color: summary.baseline ? VARIANT_COLOR : COLORS[summary.target], unit: scenario.unit });
    }
    if (scenario.limit) bars.push({ group: scenario.id, name: `limit (${scenario.limit.basis})`, value: scenario.limit.rate, color: COLORS.limit, unit: scenario.unit });
  }
  const left = 170;
  const chartWidth = 560;
  const barHeight = 14;
  const gap = 4;
  const groupGap = 14;
  const top = 56;
  const max = Math.max(10, ...bars.map((bar) => bar.value));
  const decades = Math.ceil(Math.log10(max));
  const x = (value: number) => left + (Math.log10(Math.max(1, value)) / decades) * chartWidth;

  const parts: string[] = [];
  let y = top;
  let previousGroup = '';
  for (const bar of bars) {
    if (bar.group !== previousGroup) {
      if (previousGroup !== '') y += groupGap;
      parts.push(`<text x="${left - 8}" y="${y + barHeight - 3}" text-anchor="end" font-weight="bold">${escapeXml(bar.group)}</text>`);
      previousGroup = bar.group;
    }
    const width = Math.max(1, x(bar.value) - left);
    parts.push(`<rect x="${left}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="${bar.color}"><title>${escapeXml(`${bar.name}: ${label(bar.value)} ${bar.unit}`)}</title></rect>`);
    parts.push(`<text x="${(left + width + 4).toFixed(1)}" y="${y + barHeight - 3}">${escapeXml(`${label(bar.value)} ${bar.unit}`)}</text>`);
    y += barHeight + gap;
  }
  const height = y + 40;
  const axis: string[] = [];
  for (let decade = 0; decade <= decades; decade++) {
    const position = x(10 ** decade);
    axis.push(`<line x1="${position}" y1="${top - 6}" x2="${position}" y2="${y}" stroke="#e5e7eb"/>`);
    axis.push(`<text x="${position}" y="${y + 14}" text-anchor="middle" fill="#6b7280">${(10 ** decade).toLocaleString('en-US')}</text>`);
  }
  const legend = [
    ['Latchkey', COLORS.latchkey],
    ['node-oidc-provider', COLORS['node-oidc-provider']],
    ['limit on this machine', COLORS.limit],
  ]
    .map(([name, color], index) => `<rect x="${left + index * 190}" y="30" width="12" height="12" fill="${color}"/><text x="${left + index * 190 + 16}" y="40">${name}</text>`)
    .join('');
  const { machine } = report;
  const title = `Latchkey benchmark: median rate per scenario (log scale), ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + chartWidth + 150}" height="${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    legend,
    ...axis,
    ...parts,
    `<text x="10" y="${height - 8}" fill="#6b7280">${escapeXml(`${report.startedAt} · ${report.settings.rounds} round(s) × ${report.settings.durationSeconds} s · ${report.settings.connections} connections`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
