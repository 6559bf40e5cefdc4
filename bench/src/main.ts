// npm run bench -- [options]: load benchmarks of Latchkey beside node-oidc-provider and the machine's limits.
import { join } from 'node:path';
import { USAGE, parseOptions } from './cli/options.js';
import type { CliOptions } from './cli/options.js';
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
