import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { transform, type Loader } from 'esbuild';
import type { ActionTrigger } from '../protocol/actions/action-executor.js';
import type { TenantAction } from '../tenant/action-schema.js';

/** An action ready to run: its code as CommonJS, whatever it was written in. */
export interface LoadedAction {
  readonly name: string;
  readonly trigger: ActionTrigger;
  readonly code: string;
  readonly filename: string;
  readonly hash: string;
  readonly secrets: Readonly<Record<string, string>>;
}

export class ActionLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ActionLoadError';
  }
}

/**
 * Reads and transpiles the tenant's actions, once, at start-up: a syntax error stops the server
 * there rather than failing logins later. TypeScript (a .ts/.mts/.cts file, or inline code) is
 * transpiled by esbuild without type-checking; `export` syntax and Auth0's `exports.onExecute…`
 * style both become CommonJS, so an action may `require` Node's modules.
 */
export async function loadActions(actions: readonly TenantAction[], baseDir: string): Promise<LoadedAction[]> {
  const seen = new Set<string>();
  const loaded: LoadedAction[] = [];
  for (const [i, action] of actions.entries()) {
    const at = `actions[${i}]`;
    if (seen.has(action.name)) throw new ActionLoadError(`${at}.name: duplicate ${action.name}`);
    seen.add(action.name);

    let source: string;
    let filename: string;
    let loader: Loader;
    if (action.file !== undefined) {
      filename = isAbsolute(action.file) ? action.file : resolve(baseDir, action.file);
      try {
        source = await readFile(filename, 'utf8');
      } catch (cause) {
        throw new ActionLoadError(`${at}.file: cannot read ${filename}`, { cause });
      }
      loader = /\.[mc]?ts$/i.test(filename) ? 'ts' : 'js';
    } else {
      source = action.code!;
      filename = resolve(baseDir, `${action.name.replace(/[^A-Za-z0-9._-]/g, '_')}.action.ts`);
      loader = 'ts';
    }
    const code = await transpile(source, loader, filename, at);
    loaded.push({
      name: action.name,
      trigger: action.trigger,
      code,
      filename,
      hash: createHash('sha256').update(code).digest('base64url'),
      secrets: { ...action.secrets },
    });
  }
  return loaded;
}

async function transpile(source: string, loader: Loader, filename: string, at: string): Promise<string> {
  try {
    const result = await transform(source, { loader, format: 'cjs', target: 'node20', platform: 'node', sourcefile: filename });
    return result.code;
  } catch (cause) {
    const first = (cause as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0];
    const where = first?.location ? `:${first.location.line}:${first.location.column}` : '';
    throw new ActionLoadError(`${at}: ${filename}${where}: ${first?.text ?? (cause as Error).message}`, { cause });
  }
}
