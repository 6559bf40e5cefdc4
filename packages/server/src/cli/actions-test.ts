import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ActionRunner } from '../actions/action-runner.js';
import { loadActions } from '../actions/action-source.js';
import { describeActionRun } from '../actions/describe-run.js';
import { mergeEvent, sampleEvent } from '../actions/sample-events.js';
import { ACTION_HANDLERS, type ActionHandlerName } from '../protocol/actions/action-executor.js';
import { readTenantFile } from '../tenant/import-tenant.js';
import { dirname, resolve } from 'node:path';

/**
 * `latchkey actions test <name> --event event.json`: runs one action of the tenant file against a
 * sample event (the file's content laid over a complete sample) with the server's limits, and
 * prints what it would change. Nothing is stored. Exit code 0 when the action ran (even if it
 * denied), 1 when it threw, timed out or crashed.
 */
export async function actionsTestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      event: { type: 'string' },
      'tenant-file': { type: 'string' },
      handler: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const name = positionals[0];
  if (!name) throw new Error('actions test: give the name of an action');
  const tenantFile = values['tenant-file'] ?? (process.env.LATCHKEY_TENANT_FILE || undefined);
  if (!tenantFile) throw new Error('actions test: --tenant-file (or LATCHKEY_TENANT_FILE) is required');
  const tenant = await readTenantFile(tenantFile);
  const declared = tenant.actions.find((a) => a.name === name);
  if (!declared) throw new Error(`actions test: no action named ${name} in ${tenantFile} (there are: ${tenant.actions.map((a) => a.name).join(', ') || 'none'})`);

  const handlers: readonly string[] = ACTION_HANDLERS[declared.trigger];
  const handler = (values.handler ?? handlers[0]) as ActionHandlerName;
  if (!handlers.includes(handler)) throw new Error(`actions test: --handler must be one of ${handlers.join(', ')} for ${declared.trigger}`);
  let overrides: Record<string, unknown> = {};
  if (values.event !== undefined) {
    try {
      overrides = JSON.parse(await readFile(values.event, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new Error(`actions test: ${values.event}: ${(cause as Error).message}`);
    }
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new Error('actions test: --timeout is in milliseconds');

  const [loaded] = await loadActions([declared], dirname(resolve(tenantFile)));
  const runner = new ActionRunner([loaded!], { poolSize: 1, ...(timeoutMs !== undefined && { timeoutMs }) });
  try {
    const result = await runner.run(loaded!, handler, mergeEvent(sampleEvent(declared.trigger), overrides));
    const report = describeActionRun(result);
    console.log(JSON.stringify({ action: name, trigger: declared.trigger, handler, ...report }, null, 2));
    return report.outcome === 'failed' ? 1 : 0;
  } finally {
    await runner.close();
  }
}
