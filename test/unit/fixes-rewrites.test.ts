/** Small rewrites: keyword casing, did-you-mean, MAINTAINER, legacy ENV/LABEL, exec form, JSON quotes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, fix, fixTitles, lines, preferred } from '../fixtures/fixes/helpers';

describe('keyword-casing', () => {
  it('upper-cases a keyword in an upper-case file', () => {
    const { title, text } = preferred(lines('FROM debian:12', 'run echo hi', 'USER 1000'), 'keyword-casing');
    assert.equal(title, "Write 'RUN'");
    assert.equal(text, lines('FROM debian:12', 'RUN echo hi', 'USER 1000'));
  });

  it('lower-cases a mixed-case keyword in a lower-case file', () => {
    const text = lines('from debian:12', 'run echo hi', 'User 1000');
    assert.equal(fix(text, 'keyword-casing', "Write 'user'"), lines('from debian:12', 'run echo hi', 'user 1000'));
  });

  it('fixes only the keyword, not the arguments', () => {
    const text = lines('FROM debian:12', 'Run echo Run', 'USER 1000');
    assert.equal(fix(text, 'keyword-casing', "Write 'RUN'"), lines('FROM debian:12', 'RUN echo Run', 'USER 1000'));
  });
});

describe('unknown-instruction: did you mean', () => {
  it('replaces a one-letter typo with the instruction it is nearest to', () => {
    const { title, text } = preferred(lines('FROM debian:12', 'RUNN echo hi', 'USER 1000'), 'unknown-instruction');
    assert.equal(title, 'Change to RUN');
    assert.equal(text, lines('FROM debian:12', 'RUN echo hi', 'USER 1000'));
  });

  it('fixes transposed and missing letters', () => {
    assert.equal(
      fix(lines('FROM debian:12', 'WORKDIR /app', 'COP . .', 'USER 1000'), 'unknown-instruction', 'Change to COPY'),
      lines('FROM debian:12', 'WORKDIR /app', 'COPY . .', 'USER 1000'),
    );
    assert.equal(
      fix(lines('FROM debian:12', 'EXPOSEE 80', 'USER 1000'), 'unknown-instruction', 'Change to EXPOSE'),
      lines('FROM debian:12', 'EXPOSE 80', 'USER 1000'),
    );
  });

  it('fixes the trigger of an ONBUILD', () => {
    const text = lines('FROM debian:12', 'ONBUILD RUNN make', 'USER 1000');
    assert.equal(fix(text, 'unknown-instruction', 'Change to RUN'), lines('FROM debian:12', 'ONBUILD RUN make', 'USER 1000'));
  });

  it('offers nothing for a word far from every instruction', () => {
    const { actions } = actionsFor(lines('FROM debian:12', 'INSTALL curl', 'USER 1000'), 'unknown-instruction');
    assert.deepEqual(fixTitles(actions), []);
  });
});

describe('MAINTAINER → LABEL', () => {
  it('rewrites the instruction as an OCI authors label', () => {
    const { title, text } = preferred(
      lines('FROM debian:12', 'MAINTAINER Jane Doe <jane@example.com>', 'USER 1000'),
      'maintainer-deprecated',
    );
    assert.equal(title, 'Replace with LABEL org.opencontainers.image.authors');
    assert.equal(text, lines('FROM debian:12', 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"', 'USER 1000'));
  });

  it('escapes quotes and backslashes in the value', () => {
    const text = lines('FROM debian:12', 'MAINTAINER Jane "JD" Doe \\o/', 'USER 1000');
    assert.equal(
      fix(text, 'maintainer-deprecated', 'Replace'),
      lines('FROM debian:12', 'LABEL org.opencontainers.image.authors="Jane \\"JD\\" Doe \\\\o/"', 'USER 1000'),
    );
  });
});

describe('legacy ENV/LABEL key value → key=value', () => {
  it('rewrites ENV k v as k=v', () => {
    const { title, text } = preferred(lines('FROM debian:12', 'ENV PATH /opt/app/bin:$PATH', 'USER 1000'), 'legacy-key-value');
    assert.equal(title, 'Write ENV PATH=…');
    assert.equal(text, lines('FROM debian:12', 'ENV PATH=/opt/app/bin:$PATH', 'USER 1000'));
  });

  it('quotes a value with spaces', () => {
    const text = lines('FROM debian:12', 'ENV GREETING hello big world', 'USER 1000');
    assert.equal(fix(text, 'legacy-key-value', 'Write ENV'), lines('FROM debian:12', 'ENV GREETING="hello big world"', 'USER 1000'));
  });

  it('keeps a value that is already quoted as it is', () => {
    const text = lines('FROM debian:12', 'LABEL description "A small web app"', 'USER 1000');
    assert.equal(fix(text, 'legacy-key-value', 'Write LABEL'), lines('FROM debian:12', 'LABEL description="A small web app"', 'USER 1000'));
  });

  it('keeps the spacing inside the value', () => {
    const text = lines('FROM debian:12', 'ENV BANNER a  b', 'USER 1000');
    assert.equal(fix(text, 'legacy-key-value', 'Write ENV'), lines('FROM debian:12', 'ENV BANNER="a  b"', 'USER 1000'));
  });

  it('keeps the meaning of escapes in a value with spaces', () => {
    // The legacy value `C:\\dir more` is `C:\dir more` after the builder's unescaping; the quoted form must say the same.
    const text = lines('FROM debian:12', 'ENV TARGET C:\\\\dir more', 'USER 1000');
    assert.equal(fix(text, 'legacy-key-value', 'Write ENV'), lines('FROM debian:12', 'ENV TARGET="C:\\\\dir more"', 'USER 1000'));
  });

  it('keeps the meaning of quotes in a value with spaces', () => {
    // `"x y" z` is `x y z` to the builder.
    const text = lines('FROM debian:12', 'ENV MSG "x y" z', 'USER 1000');
    assert.equal(fix(text, 'legacy-key-value', 'Write ENV'), lines('FROM debian:12', 'ENV MSG="x y z"', 'USER 1000'));
  });
});

describe('exec form for a simple CMD', () => {
  it('rewrites plain words as a JSON array', () => {
    const { title, text } = preferred(lines('FROM debian:12', 'USER 1000', 'CMD node server.js --port 8080'), 'json-args-recommended');
    assert.equal(title, 'Use exec form: CMD ["node", "server.js", "--port", "8080"]');
    assert.equal(text, lines('FROM debian:12', 'USER 1000', 'CMD ["node", "server.js", "--port", "8080"]'));
  });

  it('rewrites ENTRYPOINT and a command over continuation lines', () => {
    assert.equal(
      fix(lines('FROM debian:12', 'USER 1000', 'ENTRYPOINT /usr/bin/app serve'), 'json-args-recommended', 'Use exec form'),
      lines('FROM debian:12', 'USER 1000', 'ENTRYPOINT ["/usr/bin/app", "serve"]'),
    );
    assert.equal(
      fix(lines('FROM debian:12', 'USER 1000', 'CMD node \\', '  server.js'), 'json-args-recommended', 'Use exec form'),
      lines('FROM debian:12', 'USER 1000', 'CMD ["node", "server.js"]'),
    );
  });

  it('leaves commands with shell syntax in shell form', () => {
    for (const command of [
      'node server.js > /var/log/app.log',
      'exec node $APP',
      'a && b',
      'echo "hi there"',
      "echo 'x'",
      'run *.js',
      'sh -c cd\\ x',
      'a | b',
      'a; b',
      'echo ~/x',
    ]) {
      const { actions } = actionsFor(lines('FROM debian:12', 'USER 1000', `CMD ${command}`), 'json-args-recommended');
      assert.deepEqual(fixTitles(actions), [], command);
    }
  });
});

describe('single-quoted JSON → double quotes', () => {
  it('rewrites single quotes so the array parses', () => {
    const { title, text } = preferred(lines('FROM debian:12', 'USER 1000', "CMD ['node', 'server.js']"), 'json-args-invalid');
    assert.equal(title, 'Use double quotes so it parses as JSON');
    assert.equal(text, lines('FROM debian:12', 'USER 1000', 'CMD ["node", "server.js"]'));
  });

  it('keeps double-quoted items that contain an apostrophe', () => {
    const text = lines('FROM debian:12', 'USER 1000', "ENTRYPOINT ['echo', \"it's\"]");
    assert.equal(fix(text, 'json-args-invalid', 'Use double quotes'), lines('FROM debian:12', 'USER 1000', 'ENTRYPOINT ["echo", "it\'s"]'));
  });

  it('rewrites RUN and COPY arrays', () => {
    assert.equal(
      fix(lines('FROM debian:12', "RUN ['make', 'all']", 'USER 1000'), 'json-args-invalid', 'Use double'),
      lines('FROM debian:12', 'RUN ["make", "all"]', 'USER 1000'),
    );
    assert.equal(
      fix(lines('FROM debian:12', "COPY ['a b', '/x/']", 'USER 1000'), 'json-args-invalid', 'Use double'),
      lines('FROM debian:12', 'COPY ["a b", "/x/"]', 'USER 1000'),
    );
  });

  it('offers nothing for an array that stays invalid', () => {
    const { actions } = actionsFor(lines('FROM debian:12', 'USER 1000', 'CMD [node, server.js]'), 'json-args-invalid');
    assert.deepEqual(fixTitles(actions), []);
  });
});

describe('continuation-empty: remove the empty lines', () => {
  it('removes every empty line of the gap, keeping CRLF, and Fix All applies it', () => {
    const text = lines('FROM node:20', 'USER node', 'RUN npm ci \\', '', '  ', '  && npm run build');
    assert.deepEqual(preferred(text, 'continuation-empty'), {
      title: 'Remove the empty line',
      text: lines('FROM node:20', 'USER node', 'RUN npm ci \\', '  && npm run build'),
    });
    assert.equal(
      fix('FROM node:20\r\nRUN a \\\r\n\r\n  b\r\nUSER node\r\n', 'continuation-empty', 'Remove the empty line'),
      'FROM node:20\r\nRUN a \\\r\n  b\r\nUSER node\r\n',
    );
  });
});
