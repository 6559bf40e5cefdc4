// Self time by function of V8 CPU profiles (e.g. from `npm run bench -- --cpu-prof <dir>`):
//   node --import tsx bench/src/tools/profile-summary.ts <file.cpuprofile | folder> [--top 30] [--from <function>]
// A folder is summarized profile by profile, every `.cpuprofile` under it.
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { listCpuProfiles } from '../process/cpu-profile.js';
import { formatSelfTime, selfTimeByFunction } from './self-time.js';
import type { CpuProfile } from './self-time.js';

const USAGE = 'Usage: node --import tsx bench/src/tools/profile-summary.ts <file.cpuprofile | folder> [--top <n>] [--from <function>]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, from: { type: 'string' } },
});
const top = Number(values.top);
if (positionals.length !== 1 || !Number.isInteger(top) || top < 1 || values.from === '') {
  console.error(USAGE);
  process.exit(2);
}
const target = positionals[0]!;

async function summarize(path: string): Promise<string> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  return formatSelfTime(selfTimeByFunction(profile, { from: values.from }), top);
}

if ((await stat(target)).isDirectory()) {
  const files = await listCpuProfiles(target);
  if (files.length === 0) {
    console.error(`no CPU profile under ${target}`);
    process.exit(1);
  }
  for (const { path } of files) {
    console.log(`== ${path}`);
    try {
      console.log(await summarize(path));
    } catch (error) {
      // A worker thread's profile lacks the request handlers that --from names: say so, go on.
      console.log((error as Error).message);
    }
    console.log('');
  }
} else {
  try {
    console.log(await summarize(target));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
