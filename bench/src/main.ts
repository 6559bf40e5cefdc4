// npm run bench -- [options]: load benchmarks of Latchkey beside node-oidc-provider and the machine's limits.
import { join, relative } from 'node:path';
import { USAGE, parseOptions } from './cli/options.js';
import type { CliOptions } from './cli/options.js';
import { listCpuProfiles } from './process/cpu-profile.js';
import { repoRoot } from './process/repo-root.js';
import { formatTable } from './report/table.js';
import { writeResults } from './report/write-results.js';
import { runBench } from './run-bench.js';

let options: CliOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

// Profiles of an earlier run would be listed as this run's and hide a server that wrote none.
if (options.cpuProfileDir !== undefined && (await listCpuProfiles(options.cpuProfileDir)).length > 0) {
  console.error(`--cpu-prof: ${options.cpuProfileDir} already holds CPU profiles; give an empty or new folder`);
  process.exit(2);
}

const report = await runBench({
  ...options,
  latchkey: { database: options.database, postgresAdminUrl: options.postgresAdminUrl, workers: options.workers },
  ...(options.seed && { seed: options.seed }),
  log: (line) => console.error(line),
});
console.log(formatTable(report));
const outDir = options.outDir ?? join(repoRoot(), 'bench', 'results');
const written = await writeResults(report, outDir);
console.log(`\nResults: ${written.join(', ')}`);
if (options.cpuProfileDir !== undefined) await printCpuProfiles(options.cpuProfileDir);

async function printCpuProfiles(dir: string): Promise<void> {
  const files = await listCpuProfiles(dir);
  console.log(`\nCPU profiles of Latchkey (${files.length}, one folder per scenario, server and round) in ${dir}:`);
  for (const file of files) console.log(`  ${relative(dir, file.path)} (${(file.bytes / 1024 ** 2).toFixed(1)} MB)`);
  console.log('Open one in Chrome DevTools (Performance) or https://www.speedscope.app, or summarize its self time by function:');
  console.log('  node --import tsx bench/src/tools/profile-summary.ts <file.cpuprofile>');
}
