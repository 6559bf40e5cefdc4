import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = import.meta.url;
const fromSource = here.endsWith('.ts');
/** bench/src (running from source) or bench/dist/src (running compiled). */
const srcDir = fileURLToPath(new URL('..', here));
const compiledDir = fromSource ? fileURLToPath(new URL('../../dist/src', here)) : srcDir;

let compiledIsFresh: boolean | undefined;

/** The newest modification time of the files (with this extension) under a folder. */
function newestTime(dir: string, extension: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTime(path, extension));
    else if (entry.name.endsWith(extension)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The command line that runs another module of the bench in its own process. The compiled
 * JavaScript is preferred when it is up to date (so a server under test carries no TypeScript
 * loader, which would add to its memory); otherwise the source runs through tsx.
 */
export function childEntry(relativeToSrc: string): { readonly file: string; readonly execArgv: string[] } {
  const compiled = join(compiledDir, `${relativeToSrc}.js`);
  if (!fromSource) return { file: compiled, execArgv: [] };
  compiledIsFresh ??= existsSync(compiledDir) && newestTime(compiledDir, '.js') >= newestTime(srcDir, '.ts');
  if (compiledIsFresh && existsSync(compiled)) return { file: compiled, execArgv: [] };
  return { file: join(srcDir, `${relativeToSrc}.ts`), execArgv: ['--import', import.meta.resolve('tsx')] };
}
