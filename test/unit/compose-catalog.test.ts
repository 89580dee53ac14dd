/** The Compose rule table: unique codes, valid default severities, a page per rule, a row in the rules index. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { COMPOSE_RULE_CODES, COMPOSE_RULE_INFO } from '../../src/compose';
import { isRuleCode, ruleInfo } from '../../src/dockerfile/rules/catalog';

const DOCS = path.join(__dirname, '..', '..', 'docs', 'rules');

describe('compose rule catalog', () => {
  it('has unique codes that do not clash with the Dockerfile rules', () => {
    assert.equal(new Set(COMPOSE_RULE_CODES).size, COMPOSE_RULE_CODES.length);
    for (const code of COMPOSE_RULE_CODES) {
      assert.ok(code.startsWith('compose-'), code);
      assert.ok(!isRuleCode(code), code);
    }
  });

  it('shares the image rules with the Dockerfile catalog, same defaults', () => {
    for (const code of ['image-untagged', 'image-latest']) assert.deepEqual(COMPOSE_RULE_INFO.get(code), ruleInfo(code));
  });

  it('documents every rule, and lists it in docs/rules/README.md', () => {
    const index = readFileSync(path.join(DOCS, 'README.md'), 'utf8');
    for (const [code, info] of COMPOSE_RULE_INFO) {
      const page = path.join(DOCS, `${code}.md`);
      assert.ok(existsSync(page), `docs/rules/${code}.md`);
      if (!code.startsWith('compose-')) continue;
      assert.match(readFileSync(page, 'utf8'), new RegExp(`\\*\\*Default severity:\\*\\* ${info.severity}\\b`), code);
      assert.ok(index.includes(`[${code}](${code}.md) | ${info.severity} |`), `${code} row in README.md`);
    }
  });
});
