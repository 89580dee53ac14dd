/** `EXPOSE 80/TCP`: the protocol in upper case (BuildKit's ExposeProtoCasing). */
import { fixFromData } from './fixer';
import { defineRule } from './rule';

const PROTOCOL = /\/(tcp|udp|sctp)$/i;

export const exposeProtocolCasing = defineRule({
  code: 'expose-protocol-casing',
  severity: 'hint',
  summary: 'An EXPOSE protocol not written in lower case.',
  buildkit: 'ExposeProtoCasing',
  check(ctx, report) {
    const source = ctx.doc.text;
    for (const instruction of ctx.doc.instructions) {
      if (instruction.keyword !== 'EXPOSE') continue;
      for (const word of instruction.args) {
        const m = PROTOCOL.exec(word.value);
        if (!m || m[1] === m[1].toLowerCase()) continue;
        // The edit replaces the protocol where the word stands verbatim in the source.
        const verbatim = source.slice(word.span.start, word.span.end) === word.value;
        const at = word.span.end - m[1].length;
        report({
          span: word.span,
          message: `The protocol of '${word.value}' should be lower case: write '${m[1].toLowerCase()}'.`,
          data: verbatim ? { edits: [{ start: at, end: word.span.end, text: m[1].toLowerCase() }] } : undefined,
        });
      }
    }
  },
  fix: (f) => fixFromData(f, 'Write the protocol in lower case'),
});
