/** Signature help: the instruction's forms, the active one, and the part being typed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignatureHelp } from 'vscode-languageserver-types';
import { parse } from '../../src/dockerfile/parser';
import { signatureHelp } from '../../src/dockerfile/signature';
import { INSTRUCTIONS } from '../../src/dockerfile/rules/builder';

function helpAt(marked: string): SignatureHelp | null {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  return signatureHelp(parse(text), { line: before.length - 1, character: before[before.length - 1].length });
}
/** The text of the active parameter of the active signature. */
function active(help: SignatureHelp | null): string {
  assert.ok(help, 'expected signature help');
  const signature = help.signatures[help.activeSignature ?? 0];
  const label = signature.parameters?.[help.activeParameter ?? 0]?.label as [number, number];
  return signature.label.slice(label[0], label[1]);
}

describe('signature help', () => {
  it('has a signature for every instruction, whose parameters lie in its label', () => {
    for (const keyword of INSTRUCTIONS) {
      const help = helpAt(`FROM node:20\n${keyword} |`);
      assert.ok(help, keyword);
      for (const signature of help.signatures) {
        assert.ok(signature.label.startsWith(keyword), signature.label);
        for (const p of signature.parameters ?? []) {
          const [s, e] = p.label as [number, number];
          assert.ok(s >= 0 && e > s && e <= signature.label.length, `${signature.label}: ${s}-${e}`);
        }
      }
    }
  });

  it('follows the words of COPY: flags, sources, then the destination', () => {
    assert.equal(active(helpAt('FROM node:20\nCOPY |')), '[--flags]');
    assert.equal(active(helpAt('FROM node:20\nCOPY --chown=a:b |')), '<src>...');
    assert.equal(active(helpAt('FROM node:20\nCOPY a|')), '<src>...');
    assert.equal(active(helpAt('FROM node:20\nCOPY a |')), '<dest>');
    assert.equal(active(helpAt('FROM node:20\nCOPY a b| c\n')), '<src>...');
    assert.equal(active(helpAt('FROM node:20\nCOPY a b c|\n')), '<dest>');
  });

  it('follows FROM: image, then the stage name', () => {
    assert.equal(active(helpAt('FROM no|de')), '<image>[:<tag>][@<digest>]');
    assert.equal(active(helpAt('FROM node AS b|')), '[AS <name>]');
  });

  it('picks the exec form when the arguments start with [', () => {
    const help = helpAt('FROM node:20\nCMD ["node", |]');
    assert.match(help!.signatures[help!.activeSignature!].label, /^CMD \["<executable>"/);
    assert.equal(active(help), '"<param>", ...');
    assert.equal(active(helpAt('FROM node:20\nCMD ["no|de"]')), '"<executable>"');
    assert.equal(helpAt('FROM node:20\nCMD node |')!.activeSignature, 0);
  });

  it('picks HEALTHCHECK NONE', () => {
    const help = helpAt('FROM node:20\nHEALTHCHECK NONE|');
    assert.equal(help!.signatures[help!.activeSignature!].label, 'HEALTHCHECK NONE');
  });

  it('describes the flag under the cursor, and the option being typed in --mount', () => {
    assert.equal(helpAt('FROM node:20\nCOPY --chown=a|')!.signatures[0].label, '--chown=<user>[:<group>]');
    const mount = helpAt('FROM node:20\nRUN --mount=type=cache,sharing=|');
    assert.match(mount!.signatures[0].label, /^--mount=type=cache\[,target=<target>\]/);
    assert.equal(active(mount), '[,sharing=<sharing>]');
    assert.equal(active(helpAt('FROM node:20\nRUN --mount=type=ca|')), 'type=<bind|cache|tmpfs|secret|ssh>');
    assert.equal(active(helpAt('FROM node:20\nRUN --mount=type=secret,id=x|')), '[,id=<id>]');
  });

  it('follows an ONBUILD trigger', () => {
    assert.equal(active(helpAt('FROM node:20\nONBUILD COPY a |')), '<dest>');
  });

  it('offers nothing on the keyword, in heredoc bodies, or outside instructions', () => {
    assert.equal(helpAt('FROM node:20\nRU|N x'), null);
    assert.equal(helpAt('FROM node:20\nRUN <<EOF\necho |hi\nEOF\n'), null);
    assert.equal(helpAt('FROM node:20\n\n|\n'), null);
  });
});
