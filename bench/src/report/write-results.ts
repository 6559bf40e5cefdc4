import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkGoals } from './goals.js';
import type { BenchReport } from './report.js';
import { svgChart } from './svg-chart.js';

/** Writes latest.json (the report and its goal checks), a timestamped copy and latest.svg; returns the paths written. */
export async function writeResults(report: BenchReport, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify({ ...report, goals: checkGoals(report) }, null, 2)}\n`;
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const files: [string, string][] = [
    [join(dir, `${stamp}.json`), json],
    [join(dir, 'latest.json'), json],
    [join(dir, 'latest.svg'), svgChart(report)],
  ];
  for (const [path, content] of files) {
    // Write then rename, so a reader never sees half a file.
    await writeFile(`${path}.tmp`, content);
    await rename(`${path}.tmp`, path);
  }
  return files.map(([path]) => path);
}
