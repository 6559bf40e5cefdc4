import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadActions, ActionLoadError } from '../../../src/actions/action-source.js';
import { ActionRunner, type ActionLogger } from '../../../src/actions/action-runner.js';
import type { TenantAction } from '../../../src/tenant/action-schema.js';

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const logger: ActionLogger = {
    info: (fields, message) => lines.push({ level: 'info', message, fields }),
    warn: (fields, message) => lines.push({ level: 'warn', message, fields }),
  };
  return { lines, logger };
}

const action = (name: string, code: string, trigger: TenantAction['trigger'] = 'post-login'): TenantAction => ({ name, trigger, code, secrets: {} });

describe('ActionRunner (worker threads)', async () => {
  const { lines, logger } = recordingLogger();
  const outcomes: string[] = [];
  const loaded = await loadActions(
    [
      action('claims', `exports.onExecutePostLogin = async (event, api) => {
        api.idToken.setCustomClaim('https://example.test/greeting', 'hello ' + event.user.name);
        api.accessToken.addScope('extra'); api.accessToken.removeScope('gone');
        api.user.setAppMetadata('plan', event.secrets.PLAN ?? 'none');
      };`),
      {
        ...action('typed', `
          interface Event { user: { email: string } }
          export const onExecutePostLogin = async (event: Event, api: any): Promise<void> => {
            api.accessToken.setCustomClaim('https://example.test/email', event.user.email satisfies string);
          };`),
        secrets: { PLAN: 'gold' },
      },
      action('throws', `exports.onExecutePostLogin = async () => { throw new Error('database unreachable'); };`),
      action('spins', `exports.onExecutePostLogin = async () => { while (true) {} };`),
      action('hogs', `exports.onExecutePostLogin = async () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); };`),
      action('restricted', `exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('sub', 'someone else'); };`),
      action('secret-reader', `exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('plan', event.secrets.PLAN); };`),
    ],
    process.cwd(),
  );
  loaded.splice(
    loaded.findIndex((a) => a.name === 'secret-reader'),
    1,
    { ...loaded.find((a) => a.name === 'secret-reader')!, secrets: { PLAN: 'gold' } },
  );
  const runner = new ActionRunner(loaded, { timeoutMs: 500, memoryMb: 32, poolSize: 2, logger, onRun: (a, outcome) => outcomes.push(`${a.name}:${outcome}`) });
  after(() => runner.close());
  const byName = (name: string) => runner.list('post-login').find((a) => a.name === name)!;
  const event = { user: { name: 'Alice', email: 'alice@example.test' } };

  it('runs a CommonJS action and returns the commands it made, in order', async () => {
    const result = await runner.run(byName('claims'), 'onExecutePostLogin', event);
    assert.deepEqual(result, {
      ok: true,
      commands: [
        { type: 'idToken.setCustomClaim', name: 'https://example.test/greeting', value: 'hello Alice' },
        { type: 'accessToken.addScope', scope: 'extra' },
        { type: 'accessToken.removeScope', scope: 'gone' },
        { type: 'user.setAppMetadata', name: 'plan', value: 'none' },
      ],
    });
  });

  it('transpiles TypeScript with ES module exports', async () => {
    const result = await runner.run(byName('typed'), 'onExecutePostLogin', event);
    assert.deepEqual(result, { ok: true, commands: [{ type: 'accessToken.setCustomClaim', name: 'https://example.test/email', value: 'alice@example.test' }] });
  });

  it('gives each action only its own secrets', async () => {
    const result = await runner.run(byName('secret-reader'), 'onExecutePostLogin', event);
    assert.deepEqual(result, { ok: true, commands: [{ type: 'user.setAppMetadata', name: 'plan', value: 'gold' }] });
  });

  it('reports a throw with the error, and logs the action by name', async () => {
    const result = await runner.run(byName('throws'), 'onExecutePostLogin', event);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.failure, 'threw');
    assert.match(!result.ok ? result.message : '', /database unreachable/);
    assert.ok(lines.some((l) => l.level === 'warn' && l.message.includes('action "throws" failed (threw)')), JSON.stringify(lines));
  });

  it('stops an action that overstays its time limit, and the next run still works', async () => {
    const started = performance.now();
    const result = await runner.run(byName('spins'), 'onExecutePostLogin', event);
    const elapsed = performance.now() - started;
    assert.deepEqual(result, { ok: false, failure: 'timeout', message: 'did not finish within 500 ms' });
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    assert.ok(lines.some((l) => l.message.startsWith('action "spins" failed (timeout)')));
    const next = await runner.run(byName('claims'), 'onExecutePostLogin', event);
    assert.equal(next.ok, true);
  });

  it('fails an action that exceeds the memory limit without taking the process down', async () => {
    // A time limit well above what filling 32 MiB takes, so only the memory limit can stop it.
    const roomy = new ActionRunner(loaded, { timeoutMs: 20_000, memoryMb: 32, poolSize: 1 });
    try {
      const result = await roomy.run(byName('hogs'), 'onExecutePostLogin', event);
      assert.deepEqual(result, { ok: false, failure: 'crashed', message: 'exceeded the memory limit' });
      const next = await roomy.run(byName('claims'), 'onExecutePostLogin', event);
      assert.equal(next.ok, true);
    } finally {
      await roomy.close();
    }
  });

  it('refuses a custom claim that clashes with a registered claim', async () => {
    const result = await runner.run(byName('restricted'), 'onExecutePostLogin', event);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.message : '', /sub is a registered or reserved claim/);
  });

  it('reports a missing handler', async () => {
    const result = await runner.run(byName('claims'), 'onContinuePostLogin', event);
    assert.deepEqual(result, { ok: false, failure: 'no-handler', message: 'the module exports no onContinuePostLogin function' });
  });

  it('runs several actions at once on the pool', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => runner.run(byName('claims'), 'onExecutePostLogin', event)));
    assert.ok(results.every((r) => r.ok));
    assert.ok(outcomes.includes('claims:success') && outcomes.includes('spins:timeout') && outcomes.includes('throws:threw'));
  });
});

describe('loadActions', () => {
  it('refuses a syntax error at load time, naming the action and the line', async () => {
    await assert.rejects(
      loadActions([action('broken', 'exports.onExecutePostLogin = async (event, api) => {\n  api.access.deny(\n};')], process.cwd()),
      (error: Error) => error instanceof ActionLoadError && /actions\[0\]: .*broken\.action\.ts:3:/.test(error.message),
    );
  });

  it('refuses two actions with one name', async () => {
    await assert.rejects(loadActions([action('a', 'exports.x = 1'), action('a', 'exports.x = 2')], process.cwd()), /actions\[1\]\.name: duplicate a/);
  });
});
