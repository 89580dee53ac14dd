/**
 * Untrusted text in Markdown (src/shared/markdown.ts), checked by rendering with markdown-it, a
 * CommonMark renderer with GitHub-style autolinks on, as a hover or tooltip would render it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { escapeMarkdown, inlineCode } from '../../src/shared/markdown';
import { hover } from '../../src/dockerfile/hover';
import { parse } from '../../src/dockerfile/parser';
import { prng } from '../fixtures/prng';

const md = new MarkdownIt({ linkify: true, html: false });
const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The text of the first <code> element of the rendered Markdown. */
function codeText(markdown: string): string | undefined {
  const m = /<code>([\s\S]*?)<\/code>/.exec(md.renderInline(markdown));
  return m ? decode(m[1]) : undefined;
}

const HOSTILE = [
  'plain',
  'a`b',
  '`start',
  'end`',
  '``double``',
  ' spaced ',
  '[link](https://evil.example/)',
  '`[x](https://evil.example/)`',
  'https://evil.example/',
  'www.evil.example',
  '<img src=x onerror=alert(1)>',
  '**bold** _it_ ~~s~~',
  'line\n# heading\n---',
  '\\`escaped\\`',
  '&amp; &#96;',
  '| a | b |',
];

describe('inlineCode', () => {
  it('shows the text exactly, as one code span, whatever backticks it holds', () => {
    for (const text of HOSTILE) {
      const rendered = md.renderInline(inlineCode(text));
      assert.equal((rendered.match(/<code>/g) ?? []).length, 1, `${JSON.stringify(text)} → ${rendered}`);
      assert.doesNotMatch(rendered, /<a |<img|<strong|<em/, `${JSON.stringify(text)} → ${rendered}`);
      assert.equal(codeText(inlineCode(text)), text.replace(/\n/g, ' '), JSON.stringify(text));
    }
  });

  it('holds random runs of backticks, spaces and punctuation (seeded)', () => {
    const rnd = prng(20);
    const pieces = ['`', '``', ' ', 'a', '[', ']', '(', ')', '*', '_', '\\', '<', '>', '&', '\n'];
    for (let run = 0; run < 2000; run++) {
      let text = '';
      for (let i = Math.floor(rnd() * 12); i >= 0; i--) text += pieces[Math.floor(rnd() * pieces.length)];
      const expected = text.replace(/\n/g, ' ');
      assert.equal(codeText(inlineCode(text)), expected.trim() === '' ? expected || ' ' : expected, JSON.stringify(text));
    }
  });

  it('cuts what no one would read', () => {
    assert.equal(codeText(inlineCode('x'.repeat(5000), 100)), `${'x'.repeat(100)}…`);
  });
});

describe('escapeMarkdown', () => {
  it('renders as the plain text, with no link, emphasis, heading or HTML', () => {
    for (const text of HOSTILE) {
      const rendered = md.render(escapeMarkdown(text));
      assert.doesNotMatch(rendered, /<a |<img|<strong|<em|<h\d|<code|<table|<hr|<s>/, `${JSON.stringify(text)} → ${rendered}`);
      // A paragraph drops the blanks at its ends; nothing else may change.
      assert.equal(decode(rendered.replace(/^<p>|<\/p>\n$/g, '')), text.replace(/\n/g, ' ').trim(), JSON.stringify(text));
    }
  });
});

describe('hover on names from the file', () => {
  it('a stage name with backticks and a link stays in its code span', () => {
    const name = 'x`[click](https://evil.example/)`';
    const doc = parse(`FROM alpine:3.20 AS ${name}\nFROM ${name}\n`);
    for (const position of [
      { line: 0, character: 22 },
      { line: 1, character: 7 },
    ]) {
      const value = (hover(doc, position)?.contents as { value: string }).value;
      const rendered = md.render(value);
      assert.doesNotMatch(rendered, /<a /, rendered);
      assert.ok(decode(rendered).includes(name), rendered);
    }
  });

  it('a registry name from the file is code, not a link', () => {
    const doc = parse('FROM evil.example:5000/[x](https://evil.example/)/app:1\n');
    const value = (hover(doc, { line: 0, character: 8 })?.contents as { value: string }).value;
    assert.doesNotMatch(md.render(value), /<a /, value);
  });

  it('$constructor is not mistaken for a platform argument', () => {
    const doc = parse('FROM alpine:3.20\nRUN echo $constructor\n');
    const value = (hover(doc, { line: 1, character: 12 })?.contents as { value: string }).value;
    assert.doesNotMatch(value, /native code|function/);
  });
});
