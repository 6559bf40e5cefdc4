import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The node arguments that profile a server process with V8's sampling profiler. They must come
 * before the script: node refuses --cpu-prof in NODE_OPTIONS. The profile is written when the
 * process exits normally (also through process.exit), not when it is killed by a signal; cluster
 * workers inherit the arguments and write their own files, named by pid, into the same folder.
 */
export function cpuProfileArgs(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** The folder of one server start's profiles: one per scenario, server and round. */
export function cpuProfileFolder(root: string, scenario: string, serverKey: string, round: number): string {
  return join(root, `${scenario}-${serverKey}-round${round}`);
}

export interface CpuProfileFile {
  readonly path: string;
  readonly bytes: number;
}

/** The non-empty `.cpuprofile` files under `dir` (any depth), sorted by path; none if `dir` is missing. */
export async function listCpuProfiles(dir: string): Promise<CpuProfileFile[]> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: CpuProfileFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.cpuprofile')).sort()) {
    const path = join(dir, name);
    const { size } = await stat(path);
    if (size > 0) files.push({ path, bytes: size });
  }
  return files;
}

/**
 * What to tell the operator once the server that profiled into `folder` has stopped, or undefined
 * when its profile is there: a process killed, or one that exited before the profiler wrote, leaves none.
 */
export async function missingProfileWarning(folder: string): Promise<string | undefined> {
  if ((await listCpuProfiles(folder)).length > 0) return undefined;
  return `warning: no CPU profile in ${folder}: the server did not exit cleanly`;
}
