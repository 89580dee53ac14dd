/**
 * The Compose core never throws on damaged text, and every range it returns lies in the text:
 * seeded mutations of the full fixture, through lint, fixes and every editing feature.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Range } from 'vscode-languageserver-types';
import {
  completeCompose,
  composeCodeActions,
  composeDefinition,
  composeLinks,
  composeReferences,
  composeSymbols,
  ComposeWorkspace,
  hoverCompose,
  lintCompose,
  renameCompose,
} from '../../src/compose';
import { FIXTURES, MemoryHost, ROOT } from '../fixtures/compose/helpers';
import { prng } from '../fixtures/prng';

const SOURCE = readFileSync(path.join(FIXTURES, 'full', 'compose.yaml'), 'utf8');
const PIECES = [
  '\n',
  ':',
  '- ',
  '  ',
  '"',
  "'",
  '{',
  '[',
  ']',
  '}',
  '&a ',
  '*a',
  '<<: *a\n',
  '${X',
  '$$',
  '#',
  '\t',
  '---\n',
  '? ',
  '|\n',
  'services:\n',
];

function inText(text: string, range: Range, where: string): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const p of [range.start, range.end]) {
    assert.ok(p.line >= 0 && p.line < lines.length, `${where}: line ${p.line} of ${lines.length}`);
    assert.ok(p.character >= 0 && p.character <= lines[p.line].length, `${where}: character ${p.character} on line ${p.line}`);
  }
}

describe('compose core on damaged text', () => {
  it('never throws and keeps ranges in the text', () => {
    const rnd = prng(20261206);
    const host = new MemoryHost({ 'web/Dockerfile': 'FROM a:1 AS runtime\n' });
    const workspace = new ComposeWorkspace(host);
    const file = path.join(ROOT, 'compose.yaml');
    let text = SOURCE;
    for (let run = 0; run < 150; run++) {
      if (run % 25 === 0) text = SOURCE;
      for (let e = 0; e < 3; e++) {
        const at = Math.floor(rnd() * (text.length + 1));
        text = text.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + text.slice(at + Math.floor(rnd() * 4));
      }
      host.write('compose.yaml', text);
      const project = workspace.project(file, workspace.document(file, text));
      const diagnostics = lintCompose(project);
      for (const d of diagnostics) inText(text, d.range, `run ${run} ${d.code}`);
      for (const a of composeCodeActions(project, diagnostics, { snippetSupport: true })) {
        for (const edits of Object.values(a.edit?.changes ?? {}))
          for (const edit of edits) inText(text, edit.range, `run ${run} ${a.title}`);
      }
      const lines = text.split('\n');
      for (let k = 0; k < 5; k++) {
        const line = Math.floor(rnd() * lines.length);
        const position = { line, character: Math.floor(rnd() * (lines[line].length + 1)) };
        for (const item of completeCompose(project, position))
          if (item.textEdit && 'range' in item.textEdit) inText(text, item.textEdit.range, `run ${run} completion`);
        const hover = hoverCompose(project, position);
        if (hover?.range) inText(text, hover.range, `run ${run} hover`);
        for (const l of composeDefinition(project, position))
          if (l.uri.endsWith('compose.yaml')) inText(text, l.range, `run ${run} definition`);
        composeReferences(project, position, true);
        renameCompose(project, position, 'renamed');
      }
      for (const s of composeSymbols(project.file.doc)) inText(text, s.range, `run ${run} symbol`);
      for (const l of composeLinks(project)) inText(text, l.range, `run ${run} link`);
    }
  });
});
