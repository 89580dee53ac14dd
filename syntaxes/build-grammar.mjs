#!/usr/bin/env node
// Generates dockerfile.tmLanguage.json. Run `node syntaxes/build-grammar.mjs` after editing;
// test/unit/grammar.test.ts fails when the committed JSON and this generator disagree.
//
// Why a generator: the escape character (`\` by default, `` ` `` after `# escape=``)
// changes how every instruction continues onto the next line, and TextMate grammars
// cannot take parameters. So every rule that can meet a line continuation exists twice,
// once per escape character, and the backtick set is entered only from the directive.
//
// Design notes (the reasons behind the shapes below):
// - Each instruction is a begin/end rule that ends at the end of a line; a trailing escape
//   character consumes the newline, so the end never fires on a continued line. Comment
//   and blank lines inside a continuation are swallowed the same way, as BuildKit does.
// - Shell text is tokenized a line fragment at a time through captures, so an unbalanced
//   quote in a RUN line can never bleed into the next instruction.
// - Heredoc bodies use begin/while: the while test runs at every line start whatever the
//   embedded shell grammar has open, so the body always stops at its delimiter line.
//   An outer begin/end rule that captured the *last* delimiter of the line (in a
//   lookahead) keeps the instruction open until that delimiter.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const INSTRUCTIONS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
];

const KEYWORD = 'keyword.other.special-method.dockerfile';
const FLAG = 'entity.other.attribute-name.flag.dockerfile';
const ASSIGN = 'keyword.operator.assignment.dockerfile';
const SHELL = 'meta.embedded.block.shellscript';
const COMMENT = 'comment.line.number-sign.dockerfile';
const COMMENT_PUNCT = 'punctuation.definition.comment.dockerfile';
const CONTINUATION = 'punctuation.separator.continuation.line.dockerfile';
const ESCAPE = 'constant.character.escape.dockerfile';
const HEREDOC_TOKEN = 'keyword.control.heredoc-token.dockerfile';
// End of line, but not the end of the text after a match consumed the newline: the
// tokenizer keeps scanning there, and `$` would match and close a continued instruction.
const EOL = String.raw`(?=\n)`;

/** A heredoc marker as BuildKit reads it: a word starting `<<` or `<<-`, optional fd digits. */
const MARKER_START = String.raw`(?<!\S)\d*<<`;
const NAME = String.raw`[^\s<"']+`;

/** Per escape-character rule set; `sfx` names the repository keys of the set. */
function ruleSet(mode) {
  const e = mode === 'backtick' ? '`' : '\\\\';
  const sfx = mode === 'backtick' ? '-bt' : '';
  const ref = (name) => ({ include: `#${name}${sfx}` });
  // A character that is not the escape character ending the line.
  const notTrailingEsc = String.raw`(?:[^\s${e}]|${e}(?![ \t]*$))`;
  // BuildKit: an escape character that is itself escaped continues nothing.
  const trailingEsc = String.raw`(?<!${e})${e}[ \t]*$`;

  const instruction = (names, scopeSuffix, patterns, extra = {}) => ({
    name: `meta.instruction.${scopeSuffix}.dockerfile`,
    begin: String.raw`(?:^|\G)[ \t]*((?i:${names}))(?=\s|$)`,
    beginCaptures: { 1: { name: KEYWORD } },
    end: EOL,
    applyEndPatternLast: true,
    patterns,
    ...extra,
  });

  // Everything up to the end of the logical instruction, for argument regions.
  const restOfInstruction = (name, patterns, begin = String.raw`(?=[^\s${e}])`) => ({
    ...(name ? { name } : {}),
    begin,
    end: EOL,
    applyEndPatternLast: true,
    patterns: [ref('continuation'), ...patterns],
  });

  // Shell text up to the end of the line or the trailing escape, tokenized in isolation.
  const shellFragment = {
    match: String.raw`(.+?)(?=${trailingEsc}|$)`,
    captures: { 1: { name: SHELL, patterns: [{ include: 'source.shell' }] } },
  };

  // The shell grammar recognises a command only after a line start or a separator (it looks
  // behind), and the text after `RUN ` has neither, so the first command word is scoped here,
  // with the scopes the shell grammar gives commands so themes color it the same.
  const firstCommand = {
    match: String.raw`\G(?!(?:if|then|else|elif|fi|for|while|until|do|done|case|esac|function|select|time|coproc|\[\[?|!|\{|\})(?=[\s;&|]|$))([^\s;&|()<>'"\x60$\\=#\[]+)(?=[\s;&|)]|$)`,
    captures: { 1: { name: `${SHELL} entity.name.function.call.shell entity.name.command.shell` } },
  };

  const markerLast = (chomp) =>
    chomp
      ? String.raw`(?=.*${MARKER_START}-(["']?)(${NAME})\1(?!.*${MARKER_START}[^\s<]))`
      : String.raw`(?=.*${MARKER_START}(?!-)(["']?)(${NAME})\1(?!.*${MARKER_START}[^\s<]))`;
  const delimiter = (chomp, group) => `${chomp ? '\\t*' : ''}\\${group}$`;

  // Inner heredoc: from its marker to just before its own delimiter line.
  const heredocBody = (chomp, body) => {
    const begin = String.raw`(?<!\S)(\d*)(<<)(${chomp ? '-' : '(?!-)'})(["']?)(${NAME})(\4)`;
    const beginCaptures = {
      1: { name: 'constant.numeric.file-descriptor.dockerfile' },
      2: { name: 'keyword.operator.heredoc.dockerfile' },
      3: { name: 'keyword.operator.heredoc.dockerfile' },
      4: { name: 'punctuation.definition.string.begin.dockerfile' },
      5: { name: HEREDOC_TOKEN },
      6: { name: 'punctuation.definition.string.end.dockerfile' },
    };
    if (body === 'shell') {
      return {
        name: 'meta.heredoc.dockerfile',
        begin: `${begin}(.*)$`,
        beginCaptures: { ...beginCaptures, 7: { name: SHELL, patterns: [{ include: 'source.shell' }] } },
        while: String.raw`^(?!${delimiter(chomp, 5)})`,
        contentName: SHELL,
        patterns: [{ include: 'source.shell' }],
      };
    }
    return {
      name: 'meta.heredoc.dockerfile',
      begin: `${begin}(.*)$`,
      beginCaptures: { ...beginCaptures, 7: { patterns: [ref('heredoc-text-tail')] } },
      // Zero-width, so the outer rule can still end on this line when it is the last heredoc.
      end: String.raw`^(?=${delimiter(chomp, 5)})`,
      contentName: 'string.unquoted.heredoc.dockerfile',
    };
  };

  // Outer heredoc: from the first marker of the line to the last marker's delimiter.
  const heredoc = (body) =>
    [true, false].map((chomp) => ({
      begin: markerLast(chomp),
      end: String.raw`^${chomp ? '\\t*' : ''}(\2)$`,
      endCaptures: { 1: { name: HEREDOC_TOKEN } },
      patterns: [
        ...(body === 'shell' ? [firstCommand] : []),
        heredocBody(true, body),
        heredocBody(false, body),
        body === 'shell'
          ? {
              match: String.raw`((?:(?!${MARKER_START}-?["']?[^\s<"']).)+)`,
              captures: { 1: { name: SHELL, patterns: [{ include: 'source.shell' }] } },
            }
          : ref('words'),
        // Bodies after the first of several heredocs on one line.
        body === 'shell'
          ? { match: '^.*$', captures: { 0: { name: SHELL, patterns: [{ include: 'source.shell' }] } } }
          : { match: '^.*$', name: 'string.unquoted.heredoc.dockerfile' },
      ],
    }));

  const jsonString = {
    name: 'string.quoted.double.json.dockerfile',
    begin: '"',
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
    end: `(")|${EOL}`,
    endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
    patterns: [
      ref('line-continuation'),
      { match: String.raw`\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})`, name: ESCAPE },
    ],
  };
  const JSON_STR = String.raw`"(?:[^"\\]|\\.)*"`;
  const execForm = {
    name: 'meta.exec-form.dockerfile',
    // Only arrays BuildKit would accept as JSON; anything else runs as shell form.
    begin: String.raw`(?=\[[ \t]*(?:${JSON_STR}[ \t]*(?:,[ \t]*${JSON_STR}[ \t]*)*)?\][ \t]*$|\[[ \t]*(?:${JSON_STR}[ \t]*,[ \t]*)*(?:${JSON_STR}[ \t]*,?[ \t]*)?${trailingEsc})(\[)`,
    beginCaptures: { 1: { name: 'punctuation.definition.array.begin.dockerfile' } },
    end: String.raw`(\])|${EOL}`,
    endCaptures: { 1: { name: 'punctuation.definition.array.end.dockerfile' } },
    patterns: [
      ref('continuation'),
      jsonString,
      { match: ',', name: 'punctuation.separator.array.dockerfile' },
    ],
  };

  const shellForm = (heredocs) =>
    restOfInstruction(null, [...(heredocs ? heredoc('shell') : []), firstCommand, shellFragment]);

  const keyValue = (keyScope, keyPattern) => ({
    begin: String.raw`(?<!\S)(${keyPattern})(=)`,
    beginCaptures: { 1: { name: keyScope }, 2: { name: ASSIGN } },
    end: String.raw`(?=\s)|$`,
    patterns: [ref('continuation'), ref('words')],
  });

  const rules = {};
  rules[`line-continuation${sfx}`] = {
    match: String.raw`(?<!${e})(${e})[ \t]*$\n?`,
    captures: { 1: { name: CONTINUATION } },
  };
  rules[`continuation${sfx}`] = {
    patterns: [
      ref('line-continuation'),
      // Comment and blank lines inside a continued instruction are dropped by the builder.
      {
        match: String.raw`^[ \t]*((#).*)$\n?`,
        captures: { 1: { name: COMMENT }, 2: { name: COMMENT_PUNCT } },
      },
      { match: String.raw`^[ \t]*\n` },
    ],
  };
  rules[`words${sfx}`] = {
    patterns: [
      ref('line-continuation'),
      {
        name: 'string.quoted.double.dockerfile',
        begin: '"',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
        end: `(")|${EOL}`,
        endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
        patterns: [ref('line-continuation'), { match: `${e}.`, name: ESCAPE }, { include: '#variables' }],
      },
      {
        name: 'string.quoted.single.dockerfile',
        begin: "'",
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
        end: `(')|${EOL}`,
        endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
        patterns: [ref('line-continuation')],
      },
      { match: `${e}.`, name: ESCAPE },
      { include: '#variables' },
    ],
  };
  rules[`flags${sfx}`] = {
    patterns: [
      {
        name: 'meta.flag.dockerfile',
        begin: String.raw`(?<!\S)(--[A-Za-z][A-Za-z0-9-]*)(=)`,
        beginCaptures: { 1: { name: FLAG }, 2: { name: ASSIGN } },
        end: String.raw`(?=\s)|(?=${trailingEsc})|$`,
        contentName: 'string.unquoted.flag-value.dockerfile',
        patterns: [
          {
            // --mount=type=cache,target=/root/.npm and friends
            match: String.raw`(?<=[=,])([A-Za-z][A-Za-z0-9_-]*)(=)`,
            captures: { 1: { name: 'support.type.property-name.dockerfile' }, 2: { name: ASSIGN } },
          },
          { match: ',', name: 'punctuation.separator.comma.dockerfile' },
          ref('words'),
        ],
      },
      { match: String.raw`(?<!\S)(--[A-Za-z][A-Za-z0-9-]*)(?=\s|$)`, captures: { 1: { name: FLAG } } },
    ],
  };
  rules[`exec-form${sfx}`] = execForm;

  const image = {
    name: 'meta.image.dockerfile',
    begin: String.raw`(?<!\S)(?=[^\s${e}-])`,
    end: String.raw`(?=\s)|(?=${trailingEsc})|$`,
    patterns: [
      { match: String.raw`\G(scratch)(?=\s|$)`, captures: { 1: { name: 'constant.language.scratch.dockerfile' } } },
      { include: '#variables' },
      {
        match: String.raw`(@)([^\s@$${e}]*)`,
        captures: {
          1: { name: 'punctuation.separator.digest.dockerfile' },
          2: { name: 'string.unquoted.digest.dockerfile' },
        },
      },
      {
        // A colon followed by a slash later is a registry port, not a tag.
        begin: String.raw`(:)(?=[^\s@/]*(?:@|\s|$))`,
        beginCaptures: { 1: { name: 'punctuation.separator.tag.dockerfile' } },
        end: String.raw`(?=[@\s])|(?=${trailingEsc})|$`,
        contentName: 'string.unquoted.tag.dockerfile',
        patterns: [{ include: '#variables' }],
      },
      { match: String.raw`(?:[^\s:@$${e}]|:(?=[^\s@/]*/))+`, name: 'entity.name.type.image.dockerfile' },
    ],
  };

  const runLike = (name, scope, flags, heredocs) =>
    instruction(name, scope, [
      ref('continuation'),
      ...(flags ? [ref('flags')] : []),
      ref('exec-form'),
      shellForm(heredocs),
    ]);

  rules[`instructions${sfx}`] = {
    patterns: [
      instruction('FROM', 'from', [
        ref('continuation'),
        ref('flags'),
        {
          match: String.raw`(?<!\S)((?i:AS))[ \t]+(${notTrailingEsc}+)`,
          captures: { 1: { name: KEYWORD }, 2: { name: 'entity.name.function.stage.dockerfile' } },
        },
        image,
      ]),
      runLike('RUN', 'run', true, true),
      runLike('CMD', 'cmd', false, false),
      runLike('ENTRYPOINT', 'entrypoint', false, false),
      instruction('SHELL', 'shell', [ref('continuation'), ref('exec-form'), ref('words')]),
      instruction('HEALTHCHECK', 'healthcheck', [
        ref('continuation'),
        ref('flags'),
        { match: String.raw`(?<!\S)((?i:NONE))(?=\s|$)`, captures: { 1: { name: KEYWORD } } },
        {
          name: 'meta.instruction.cmd.dockerfile',
          begin: String.raw`(?<!\S)((?i:CMD))(?=\s|$)`,
          beginCaptures: { 1: { name: KEYWORD } },
          end: EOL,
          applyEndPatternLast: true,
          patterns: [ref('continuation'), ref('exec-form'), shellForm(false)],
        },
      ]),
      ...['ADD', 'COPY'].map((name) =>
        instruction(name, name.toLowerCase(), [
          ref('continuation'),
          ref('flags'),
          ref('exec-form'),
          restOfInstruction(null, [...heredoc('text'), ref('words')]),
        ]),
      ),
      ...[
        ['ENV', 'variable.other.definition.dockerfile'],
        ['LABEL', 'support.type.property-name.label.dockerfile'],
      ].map(([name, keyScope]) => instruction(name, name.toLowerCase(), [
        ref('continuation'),
        {
          // Legacy `ENV key value`: the first word has no `=`, and everything after it is the value.
          name: 'meta.legacy-key-value.dockerfile',
          begin: String.raw`\G[ \t]+([^\s="'${e}]+)[ \t]+(?=[^\s${e}])`,
          beginCaptures: { 1: { name: keyScope } },
          end: EOL,
          applyEndPatternLast: true,
          contentName: 'string.unquoted.value.dockerfile',
          patterns: [ref('continuation'), ref('words')],
        },
        keyValue(keyScope, String.raw`"(?:[^"\\]|\\.)*"|'[^']*'|[^\s="'${e}]+`),
        ref('words'),
      ])),
      instruction('ARG', 'arg', [
        ref('continuation'),
        keyValue('variable.other.definition.dockerfile', String.raw`[^\s="'${e}]+`),
        { match: String.raw`(?<!\S)[^\s="'${e}]+(?=\s|$)`, name: 'variable.other.definition.dockerfile' },
        ref('words'),
      ]),
      instruction('EXPOSE', 'expose', [
        ref('continuation'),
        {
          match: String.raw`(?<!\S)(\d+)(?:(-)(\d+))?(?:(/)(?:((?i:tcp|udp|sctp))|([^\s${e}]*)))?(?=\s|$)`,
          captures: {
            1: { name: 'constant.numeric.port.dockerfile' },
            2: { name: 'punctuation.separator.range.dockerfile' },
            3: { name: 'constant.numeric.port.dockerfile' },
            4: { name: 'punctuation.separator.protocol.dockerfile' },
            5: { name: 'constant.language.protocol.dockerfile' },
            6: { name: 'invalid.illegal.protocol.dockerfile' },
          },
        },
        ref('words'),
      ]),
      instruction('USER', 'user', [
        ref('continuation'),
        { match: String.raw`(?<![^\s:])\d+(?=[\s:]|$)`, name: 'constant.numeric.id.dockerfile' },
        { match: ':', name: 'punctuation.separator.group.dockerfile' },
        ref('words'),
      ]),
      instruction('STOPSIGNAL', 'stopsignal', [
        ref('continuation'),
        { match: String.raw`(?<!\S)SIG[A-Z0-9+-]+(?=\s|$)`, name: 'constant.language.signal.dockerfile' },
        { match: String.raw`(?<!\S)\d+(?=\s|$)`, name: 'constant.numeric.signal.dockerfile' },
        ref('words'),
      ]),
      instruction('VOLUME', 'volume', [ref('continuation'), ref('exec-form'), ref('words')]),
      instruction('WORKDIR', 'workdir', [ref('continuation'), ref('words')]),
      instruction('MAINTAINER', 'maintainer', [ref('continuation'), ref('words')]),
      instruction('ONBUILD', 'onbuild', [ref('continuation'), ref('instructions')]),
      {
        // Unknown instructions still continue over escaped newlines.
        name: 'meta.instruction.unknown.dockerfile',
        begin: String.raw`(?:^|\G)[ \t]*(?=[A-Za-z])(?!(?i:${INSTRUCTIONS.join('|')})(?:\s|$))([A-Za-z][A-Za-z0-9_-]*)`,
        end: EOL,
        applyEndPatternLast: true,
        patterns: [ref('continuation'), ref('words')],
      },
    ],
  };
  rules[`heredoc-text-tail${sfx}`] = { patterns: [ref('words')] };

  rules[`body${sfx}`] = { patterns: [{ include: '#comment' }, ref('instructions')] };
  return rules;
}

const DIRECTIVE = String.raw`[ \t]*#[ \t]*[A-Za-z][A-Za-z0-9]*[ \t]*=`;

const directiveLine = {
  patterns: [
    {
      name: 'meta.preprocessor.directive.dockerfile',
      match: String.raw`^[ \t]*(#)[ \t]*((?i:escape))[ \t]*(=)[ \t]*(?:([\\` + '`' + String.raw`])|(\S.*?))?[ \t]*$`,
      captures: {
        1: { name: 'punctuation.definition.directive.dockerfile' },
        2: { name: 'keyword.control.directive.dockerfile' },
        3: { name: ASSIGN },
        4: { name: 'constant.character.escape.dockerfile' },
        5: { name: 'invalid.illegal.escape.dockerfile' },
      },
    },
    {
      name: 'meta.preprocessor.directive.dockerfile',
      match: String.raw`^[ \t]*(#)[ \t]*((?i:check))[ \t]*(=)[ \t]*(.*?)[ \t]*$`,
      captures: {
        1: { name: 'punctuation.definition.directive.dockerfile' },
        2: { name: 'keyword.control.directive.dockerfile' },
        3: { name: ASSIGN },
        4: {
          patterns: [
            {
              match: String.raw`([A-Za-z]+)(=)([^;]*)`,
              captures: {
                1: { name: 'support.type.property-name.dockerfile' },
                2: { name: ASSIGN },
                3: { name: 'string.unquoted.directive-value.dockerfile' },
              },
            },
            { match: ';', name: 'punctuation.separator.semicolon.dockerfile' },
          ],
        },
      },
    },
    {
      name: 'meta.preprocessor.directive.dockerfile',
      match: String.raw`^[ \t]*(#)[ \t]*((?i:syntax))[ \t]*(=)[ \t]*(.*?)[ \t]*$`,
      captures: {
        1: { name: 'punctuation.definition.directive.dockerfile' },
        2: { name: 'keyword.control.directive.dockerfile' },
        3: { name: ASSIGN },
        4: { name: 'string.unquoted.directive-value.dockerfile' },
      },
    },
    // Unknown directives are comments to the builder.
    { include: '#comment' },
  ],
};

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Dockerfile (Berth)',
  scopeName: 'source.dockerfile.berth',
  comment: 'Generated by syntaxes/build-grammar.mjs; edit that file, not this one.',
  patterns: [{ include: '#directives' }, { include: '#body' }],
  repository: {
    directives: {
      // Parser directives count only in the leading run of `# key=value` lines.
      begin: String.raw`\A(?=${DIRECTIVE})`,
      end: String.raw`^(?!${DIRECTIVE})`,
      patterns: [
        {
          // `# escape=`` switches the whole rest of the file to backtick continuations.
          name: 'meta.escape-backtick.dockerfile',
          begin: String.raw`^[ \t]*(#)[ \t]*((?i:escape))[ \t]*(=)[ \t]*(` + '`' + String.raw`)[ \t]*$`,
          beginCaptures: {
            0: { name: 'meta.preprocessor.directive.dockerfile' },
            1: { name: 'punctuation.definition.directive.dockerfile' },
            2: { name: 'keyword.control.directive.dockerfile' },
            3: { name: ASSIGN },
            4: { name: 'constant.character.escape.dockerfile' },
          },
          end: '(?!)',
          patterns: [
            {
              // Directives may still follow the escape line; \G only holds at its very end.
              begin: String.raw`\G(?<=[` + '`' + String.raw` \t])(?=\n)`,
              end: String.raw`^(?!${DIRECTIVE})`,
              patterns: [{ include: '#directive-line' }],
            },
            { include: '#body-bt' },
          ],
        },
        { include: '#directive-line' },
      ],
    },
    'directive-line': directiveLine,
    comment: {
      patterns: [
        {
          // Suppression pragmas: `# berth ignore=code`, `# hadolint global ignore=DL3006`.
          name: 'comment.line.number-sign.pragma.dockerfile',
          match: String.raw`^[ \t]*(#)[ \t]*((?i:berth|hadolint))[ \t]+(?:((?i:global))[ \t]+)?((?i:ignore))[ \t]*(=)[ \t]*([A-Za-z0-9_,\s-]+?)[ \t]*$`,
          captures: {
            1: { name: COMMENT_PUNCT },
            2: { name: 'keyword.other.pragma.dockerfile' },
            3: { name: 'keyword.other.pragma.dockerfile' },
            4: { name: 'keyword.other.pragma.dockerfile' },
            5: { name: ASSIGN },
            6: {
              patterns: [
                { match: String.raw`[^,\s]+`, name: 'constant.other.rule-code.dockerfile' },
                { match: ',', name: 'punctuation.separator.comma.dockerfile' },
              ],
            },
          },
        },
        {
          name: COMMENT,
          match: String.raw`^[ \t]*(#).*$`,
          captures: { 1: { name: COMMENT_PUNCT } },
        },
      ],
    },
    variables: {
      patterns: [
        {
          name: 'meta.variable.dockerfile',
          begin: String.raw`(\$)(\{)([A-Za-z_][A-Za-z0-9_]*)?`,
          beginCaptures: {
            1: { name: 'punctuation.definition.variable.dockerfile' },
            2: { name: 'punctuation.definition.variable.begin.dockerfile' },
            3: { name: 'variable.other.dockerfile' },
          },
          end: String.raw`(\})|(?=[\\` + '`' + String.raw`][ \t]*$)|$`,
          endCaptures: { 1: { name: 'punctuation.definition.variable.end.dockerfile' } },
          patterns: [
            {
              // ${VAR:-default}, ${VAR:+alt}, ${VAR?err}, ${VAR#prefix}, ${VAR%suffix}, ${VAR/a/b}
              begin: String.raw`\G(:?[-+?]|##?|%%?|//?)`,
              beginCaptures: { 1: { name: 'keyword.operator.expansion.dockerfile' } },
              end: String.raw`(?=\})|(?=[\\` + '`' + String.raw`][ \t]*$)|$`,
              contentName: 'string.unquoted.expansion.dockerfile',
              patterns: [{ include: '#variables' }],
            },
          ],
        },
        {
          match: String.raw`(\$)([A-Za-z_][A-Za-z0-9_]*)`,
          captures: {
            1: { name: 'punctuation.definition.variable.dockerfile' },
            2: { name: 'variable.other.dockerfile' },
          },
        },
      ],
    },
    ...ruleSet('backslash'),
    ...ruleSet('backtick'),
  },
};

export { grammar };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = new URL('./dockerfile.tmLanguage.json', import.meta.url);
  writeFileSync(out, JSON.stringify(grammar, null, 2) + '\n');
  console.log(`wrote ${fileURLToPath(out)}`);
}
