import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absoluteOnOrigin, sameOriginPath } from '../../src/core/return-to.js';

const base = new URL('https://app.example.test/');

describe('sameOriginPath', () => {
  it('keeps paths and same-origin URLs', () => {
    assert.equal(sameOriginPath('/profile?tab=1#top', base), '/profile?tab=1#top');
    assert.equal(sameOriginPath('https://app.example.test/a', base), '/a');
    assert.equal(sameOriginPath('orders', base), '/orders');
  });

  it('drops other origins, including the tricks that look like paths', () => {
    for (const target of [
      'https://evil.example.test/',
      '//evil.example.test/',
      '/\\evil.example.test/',
      '\\\\evil.example.test',
      'http://app.example.test/',
      'https://app.example.test:8443/',
      'javascript:alert(1)',
      '',
    ]) {
      assert.equal(sameOriginPath(target, base), undefined, target);
    }
    assert.equal(sameOriginPath(undefined, base), undefined);
    assert.equal(sameOriginPath(['/a'], base), undefined);
  });

  it('builds an absolute URL that stays on the origin', () => {
    assert.equal(absoluteOnOrigin('/a?b=c', base).href, 'https://app.example.test/a?b=c');
    const url = absoluteOnOrigin(sameOriginPath('https://app.example.test//evil.example.test/x', base)!, base);
    assert.equal(url.origin, 'https://app.example.test');
  });
});
