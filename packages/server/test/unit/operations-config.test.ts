import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { parseMoment } from '../../src/cli/logs.js';
import { loadConfig } from '../../src/config/config.js';
import { redactUrl } from '../../src/http/logging.js';

describe('production settings', () => {
  it('has safe defaults: no Redis, migrations at start, no HTTP limit, no TLS, no proxy trusted', () => {
    const config = loadConfig({});
    assert.equal(config.redis, undefined);
    assert.equal(config.redisPrefix, 'latchkey:');
    assert.equal(config.migrate, true);
    assert.equal(config.databasePoolMax, 10);
    assert.equal(config.cacheTtl, 10);
    assert.equal(config.rateLimit, undefined);
    assert.equal(config.tls, undefined);
    assert.equal(config.trustProxy, false);
    assert.equal(config.shutdownTimeout, 10);
    assert.equal(config.workers, 1);
    assert.equal(config.keyReloadInterval, 30);
    assert.equal(config.eventRetentionDays, 30);
    assert.equal(config.helperNiceness, 10);
    assert.ok(Object.isFrozen(config));
  });

  it('reads each setting, flags over the environment', () => {
    const config = loadConfig(
      {
        LATCHKEY_REDIS: 'rediss://default:pw@cache:6380/2',
        LATCHKEY_RATE_LIMIT: '600/60',
        LATCHKEY_TLS_CERT: '/tls/cert.pem',
        LATCHKEY_TLS_KEY: '/tls/key.pem',
        LATCHKEY_TRUST_PROXY: '10.0.0.0/8, loopback,::1',
        LATCHKEY_WORKERS: '3',
        LATCHKEY_MIGRATE: 'true',
      },
      { workers: 'auto', migrate: 'false' },
    );
    assert.equal(config.redis, 'rediss://default:pw@cache:6380/2');
    assert.deepEqual(config.rateLimit, { max: 600, window: 60 });
    assert.deepEqual(config.tls, { cert: '/tls/cert.pem', key: '/tls/key.pem' });
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', 'loopback', '::1']);
    assert.equal(config.workers, availableParallelism());
    assert.equal(config.migrate, false);
    assert.equal(loadConfig({ LATCHKEY_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ LATCHKEY_HELPER_NICENESS: '0' }).helperNiceness, 0);
  });

  it('refuses what it cannot use, naming the setting', () => {
    const refused = (env: Record<string, string>, pattern: RegExp) => assert.throws(() => loadConfig(env), pattern);
    refused({ LATCHKEY_REDIS: 'http://cache:6379' }, /LATCHKEY_REDIS: must be a redis:\/\/ or rediss:\/\/ URL/);
    refused({ LATCHKEY_RATE_LIMIT: '600 per minute' }, /LATCHKEY_RATE_LIMIT/);
    refused({ LATCHKEY_RATE_LIMIT: '0/60' }, /LATCHKEY_RATE_LIMIT/);
    refused({ LATCHKEY_TLS_CERT: '/tls/cert.pem' }, /LATCHKEY_TLS_CERT and LATCHKEY_TLS_KEY go together/);
    refused({ LATCHKEY_TRUST_PROXY: '2' }, /LATCHKEY_TRUST_PROXY: 2 is not an address/);
    refused({ LATCHKEY_TRUST_PROXY: 'proxy.internal' }, /LATCHKEY_TRUST_PROXY/);
    refused({ LATCHKEY_WORKERS: '0' }, /LATCHKEY_WORKERS/);
    refused({ LATCHKEY_MIGRATE: 'maybe' }, /LATCHKEY_MIGRATE/);
    refused({ LATCHKEY_METRICS_TOKEN: 'short' }, /LATCHKEY_METRICS_TOKEN/);
    refused({ LATCHKEY_HELPER_NICENESS: '20' }, /LATCHKEY_HELPER_NICENESS/);
    refused({ LATCHKEY_HELPER_NICENESS: '-5' }, /LATCHKEY_HELPER_NICENESS/);
  });
});

describe('log redaction of URLs', () => {
  it('replaces the values of secret query parameters, keeping the rest', () => {
    assert.equal(
      redactUrl('/authorize?client_id=app1&state=abc&code_challenge=xyz&login_hint=a%40b'),
      '/authorize?client_id=app1&state=[redacted]&code_challenge=xyz&login_hint=[redacted]',
    );
    assert.equal(redactUrl('/cb?code=SplxlOBeZQQYbYS6WxSbIA&iss=x'), '/cb?code=[redacted]&iss=x');
    assert.equal(redactUrl('/oidc/logout?id_token_hint=eyJ.x.y&st%61te=s'), '/oidc/logout?id_token_hint=[redacted]&st%61te=[redacted]');
    assert.equal(redactUrl('/healthz'), '/healthz');
    assert.equal(redactUrl('/x?%E0%A4%A=1&token=t'), '/x?%E0%A4%A=1&token=[redacted]');
  });
});

describe('latchkey logs times', () => {
  it('reads ages and ISO dates', () => {
    const now = 1_800_000_000;
    assert.equal(parseMoment('30m', now), now - 1800);
    assert.equal(parseMoment('12h', now), now - 43_200);
    assert.equal(parseMoment('7d', now), now - 604_800);
    assert.equal(parseMoment('2026-11-21T12:00:00Z', now), Date.UTC(2026, 10, 21, 12) / 1000);
    assert.throws(() => parseMoment('yesterday', now), /not a time: yesterday/);
  });
});
