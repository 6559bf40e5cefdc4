// Self time by function of a V8 CPU profile (e.g. from `npm run bench -- --cpu-prof <dir>`):
//   node --import tsx bench/src/tools/profile-summary.ts <file.cpuprofile> [--top 30]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatSelfTime, selfTimeByFunction } from './self-time.js';
import type { CpuProfile } from './self-time.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
const top = Number(values.top);
if (positionals.length !== 1 || !Number.isInteger(top) || top < 1) {
  console.error('Usage: node --import tsx bench/src/tools/profile-summary.ts <file.cpuprofile> [--top <n>]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(positionals[0]!, 'utf8')) as CpuProfile;
console.log(formatSelfTime(selfTimeByFunction(profile), top));
