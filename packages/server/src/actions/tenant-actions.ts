import { dirname, resolve } from 'node:path';
import type { TenantAction } from '../tenant/action-schema.js';
import { ActionRunner, type ActionRunnerOptions } from './action-runner.js';
import { loadActions } from './action-source.js';

/** Where a list of actions came from: their `file`s are relative to the tenant file's folder. */
export interface ActionSource {
  actions: readonly TenantAction[];
  /** The tenant file, or undefined for a tenant given as an object (files then relative to the working directory). */
  tenantFile: string | undefined;
}

/**
 * The runner for the tenant's actions, or undefined when it registers none (the flows then skip
 * every trigger at no cost). Actions live in the tenant file, not the database: removing one from
 * the file removes it at the next start, and each instance reads the same file.
 */
export async function createActionRunner(sources: readonly ActionSource[], options: ActionRunnerOptions = {}): Promise<ActionRunner | undefined> {
  const loaded = [];
  for (const source of sources) {
    const baseDir = source.tenantFile ? dirname(resolve(source.tenantFile)) : process.cwd();
    loaded.push(...(await loadActions(source.actions, baseDir)));
  }
  const names = new Set<string>();
  for (const action of loaded) {
    if (names.has(action.name)) throw new Error(`actions: two actions are named ${action.name}`);
    names.add(action.name);
  }
  return loaded.length === 0 ? undefined : new ActionRunner(loaded, options);
}
