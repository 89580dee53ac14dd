/** The builder's own errors and the style checks that come with them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { df, ERROR, HINT, INFO, none, of, one, run, WARNING } from '../fixtures/rules/helpers';

/** A stage with the other rules kept quiet, so each test sees the rule it is about. */
const stage = (...lines: string[]) => df('FROM node:20', ...lines, 'USER node');

describe('unknown-instruction', () => {
  const CODE = 'unknown-instruction';

  it('flags an unknown keyword with a did-you-mean and the suggestion as data', () => {
    const d = one(CODE, stage('RUNN echo hi'), 'RUNN', ERROR);
    assert.match(d.message, /Did you mean RUN\?/);
    assert.deepEqual(d.diagnostic.data, { suggestion: 'RUN' });
  });

  it('suggests for one missing, extra or wrong letter', () => {
    assert.match(one(CODE, stage('COPPY a b'), 'COPPY', ERROR).message, /Did you mean COPY\?/);
    assert.match(one(CODE, stage('ENTRYPOIN ["x"]'), 'ENTRYPOIN', ERROR).message, /Did you mean ENTRYPOINT\?/);
    assert.match(one(CODE, stage('WORKDIT /app'), 'WORKDIT', ERROR).message, /Did you mean WORKDIR\?/);
    assert.match(one(CODE, stage('EXPOSES 80'), 'EXPOSES', ERROR).message, /Did you mean EXPOSE\?/);
  });

  it('ranges the keyword as written, whatever its case', () => {
    const d = one(CODE, stage('runn echo hi'), 'runn', ERROR);
    assert.match(d.message, /Did you mean RUN\?/);
  });

  it('offers no suggestion for a word far from every instruction', () => {
    const d = one(CODE, stage('FROBNICATE now'), 'FROBNICATE', ERROR);
    assert.doesNotMatch(d.message, /Did you mean/);
    assert.equal(d.diagnostic.data, undefined);
  });

  it('checks ONBUILD triggers', () => {
    assert.match(one(CODE, stage('ONBUILD RUNN make'), 'RUNN', ERROR).message, /Did you mean RUN\?/);
  });

  it('knows every instruction, in any case', () => {
    const all = [
      'ADD a /a',
      'ARG A=1',
      'CMD ["a"]',
      'COPY a /a',
      'ENTRYPOINT ["a"]',
      'ENV A=1',
      'EXPOSE 80',
      'HEALTHCHECK NONE',
      'LABEL a=b',
      'MAINTAINER me',
      'ONBUILD RUN a',
      'RUN a',
      'SHELL ["sh", "-c"]',
      'STOPSIGNAL SIGTERM',
      'VOLUME /data',
      'WORKDIR /a',
    ];
    none(CODE, stage(...all));
    none(CODE, df('from node:20', ...all.map((l) => l.replace(/^\S+/, (k) => k.toLowerCase())), 'user node'));
  });

  it('suggests FROM for FORM, the most common typo of all', () => {
    const d = one(CODE, df('FORM node:20', 'USER node'), 'FORM', ERROR);
    assert.match(d.message, /Did you mean FROM\?/);
  });

  it('a misspelt first FROM gets one error, not two on the same word', () => {
    const found = run(df('FORM node:20', 'USER node')).filter((d) => d.text === 'FORM');
    assert.deepEqual(
      found.map((d) => d.code),
      ['unknown-instruction'],
    );
  });
});

describe('from-missing', () => {
  const CODE = 'from-missing';

  it('flags a file without FROM on its first instruction', () => {
    const d = one(CODE, df('RUN echo hi', 'CMD ["x"]'), 'RUN', ERROR);
    assert.match(d.message, /start with FROM/);
    one(CODE, df('ARG V=1', 'RUN echo $V'), 'RUN', ERROR);
    one(CODE, df('ARG V=1'), 'ARG', ERROR);
  });

  it('flags each instruction other than ARG before the first FROM', () => {
    const d = one(CODE, df('ARG V=1', 'LABEL a=b', 'FROM node:20', 'USER node'), 'LABEL', ERROR);
    assert.match(d.message, /LABEL comes before the first FROM; only ARG may/);
    const found = of(CODE, df('ENV A=1', 'RUN true', 'FROM node:20', 'USER node'));
    assert.deepEqual(
      found.map((f) => f.text),
      ['ENV', 'RUN'],
    );
  });

  it('accepts ARGs, comments, directives and blank lines before FROM', () => {
    none(CODE, df('# syntax=docker/dockerfile:1', '# a comment', '', 'ARG V=20', 'ARG OTHER', 'FROM node:$V', 'USER node'));
  });

  it('says nothing about empty files', () => {
    none(CODE, '');
    none(CODE, '# only a comment\n');
  });

  it('leaves an unknown keyword before FROM to unknown-instruction', () => {
    none(CODE, df('FROBNICATE x', 'FROM node:20', 'USER node'));
  });
});

describe('flag-unknown', () => {
  const CODE = 'flag-unknown';

  it('flags a flag the instruction does not accept, ranged on the whole flag, listing the ones it does', () => {
    const d = one(CODE, stage('COPY --form=build /a /b'), '--form=build', ERROR);
    assert.match(d.message, /COPY has no flag --form/);
    assert.match(d.message, /--from/);
    one(CODE, df('FROM --plat=linux/amd64 node:20', 'USER node'), '--plat=linux/amd64', ERROR);
    one(CODE, stage('RUN --privileged true'), '--privileged', ERROR);
    assert.match(one(CODE, stage('ADD --from=build /a /b'), '--from=build', ERROR).message, /--checksum/);
    one(CODE, stage('HEALTHCHECK --period=30s CMD ["true"]'), '--period=30s', ERROR);
  });

  it('tells you to remove flags from instructions that take none', () => {
    const d = one(CODE, stage('WORKDIR --parents /app'), '--parents', ERROR);
    assert.match(d.message, /WORKDIR takes no flags; remove --parents/);
    one(CODE, stage('ENV --x A=1'), '--x', ERROR);
  });

  it('checks the flags of ONBUILD triggers', () => {
    one(CODE, stage('ONBUILD COPY --bogus /a /b'), '--bogus', ERROR);
    none(CODE, stage('ONBUILD COPY --from=build /a /b'));
  });

  it('accepts every flag BuildKit documents', () => {
    const text = df(
      'FROM --platform=linux/amd64 node:20 AS build',
      'RUN --mount=type=cache,target=/root/.npm --network=none --security=sandbox true',
      'RUN --mount=type=secret,id=npmrc --mount=type=ssh --mount=type=tmpfs,target=/tmp --mount=type=bind,source=.,target=/src true',
      'RUN --device=name=gpu true',
      'COPY --from=build --chown=node:node --chmod=755 --link --parents --exclude=*.md src/ /app/',
      'ADD --chown=1000:1000 --chmod=0644 --link=false --keep-git-dir=true --checksum=sha256:0123 --unpack=true --exclude=*.tmp a.tar /x/',
      'HEALTHCHECK --interval=30s --timeout=5s --start-period=1m --start-interval=2s --retries=3 CMD ["true"]',
      'USER node',
    );
    none(CODE, text);
    none('flag-value-invalid', text);
  });
});

describe('flag-value-invalid', () => {
  const CODE = 'flag-value-invalid';

  it('RUN --network and --security take fixed values', () => {
    const d = one(CODE, stage('RUN --network=bridge true'), 'bridge', ERROR);
    assert.match(d.message, /default, none, host/);
    one(CODE, stage('RUN --security=root true'), 'root', ERROR);
  });

  it('RUN --mount type must be known', () => {
    const [d, ...rest] = of(CODE, stage('RUN --mount=type=volume,target=/x true'));
    assert.equal(rest.length, 0);
    assert.equal(d.severity, ERROR);
    assert.match(d.message, /got 'volume'/);
    assert.match(d.message, /bind, cache, tmpfs, secret, ssh/);
  });

  it('ranges a bad mount type on the type itself', () => {
    one(CODE, stage('RUN --mount=type=volume,target=/x true'), 'volume', ERROR);
  });

  it('boolean flags take true or false', () => {
    one(CODE, stage('COPY --link=yes /a /b'), 'yes', ERROR);
    none(CODE, stage('COPY --link=true /a /b', 'COPY --link=false /a /b', 'COPY --link /a /b'));
  });

  it('--chmod takes octal or symbolic permissions', () => {
    assert.match(one(CODE, stage('COPY --chmod=999 /a /b'), '999', ERROR).message, /octal/);
    one(CODE, stage('COPY --chmod=rwx /a /b'), 'rwx', ERROR);
    none(CODE, stage('COPY --chmod=755 /a /b', 'COPY --chmod=0644 /a /b', 'COPY --chmod=u+x,go-w /a /b'));
  });

  it('HEALTHCHECK durations need a unit and retries a whole number', () => {
    assert.match(one(CODE, stage('HEALTHCHECK --interval=30 CMD ["true"]'), '30', ERROR).message, /30s/);
    one(CODE, stage('HEALTHCHECK --timeout=-5s CMD ["true"]'), '-5s', ERROR);
    one(CODE, stage('HEALTHCHECK --retries=three CMD ["true"]'), 'three', ERROR);
    none(CODE, stage('HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=0 --retries=0 CMD ["true"]'));
  });

  it('a flag that needs a value but has no `=` is flagged on the flag', () => {
    const d = one(CODE, df('FROM --platform node:20', 'USER node'), '--platform', ERROR);
    assert.match(d.message, /--platform=<value>/);
  });

  it('an empty value is flagged with a visible range', () => {
    const d = one(CODE, stage('COPY --from= /a /b'), '--from=', ERROR);
    assert.match(d.message, /needs a value/);
  });

  it('values with variables are decided at build time', () => {
    none(
      CODE,
      stage('ARG NET=none', 'RUN --network=$NET true', 'HEALTHCHECK --interval=${INTERVAL} CMD ["true"]', 'COPY --chmod=${MODE} /a /b'),
    );
  });
});

describe('stage-name-invalid and stage-name-duplicate', () => {
  it('flags names that do not start with a letter or hold other characters', () => {
    const d = one('stage-name-invalid', df('FROM node:20 AS 1st', 'USER node'), '1st', ERROR);
    assert.match(d.message, /start with a letter/);
    one('stage-name-invalid', df('FROM node:20 AS -x', 'USER node'), '-x', ERROR);
    one('stage-name-invalid', df('FROM node:20 AS build!', 'USER node'), 'build!', ERROR);
    one('stage-name-invalid', df('FROM node:20 AS bu/ild', 'USER node'), 'bu/ild', ERROR);
  });

  it('accepts letters, digits, _ - . in any case, and names from variables', () => {
    none(
      'stage-name-invalid',
      df('FROM node:20 AS Build', 'FROM node:20 AS my_stage.v2', 'FROM node:20 AS a-1', 'FROM node:20 AS ${NAME}', 'USER node'),
    );
  });

  it('flags a second stage with the same name, compared case-insensitively, on the later name', () => {
    const d = one('stage-name-duplicate', df('FROM node:20 AS build', 'FROM node:20 AS BUILD', 'USER node'), 'BUILD', ERROR);
    assert.equal(d.line, 1);
    assert.match(d.message, /already named/);
    const found = of('stage-name-duplicate', df('FROM a:1 AS x', 'FROM b:1 AS y', 'FROM c:1 AS X', 'FROM d:1 AS x', 'USER node'));
    assert.deepEqual(
      found.map((f) => [f.line, f.text]),
      [
        [2, 'X'],
        [3, 'x'],
      ],
    );
  });

  it('distinct names are fine', () => {
    none('stage-name-duplicate', df('FROM a:1 AS build', 'FROM b:1 AS builder', 'FROM c:1 AS test', 'USER node'));
  });
});

describe('args-missing', () => {
  const CODE = 'args-missing';

  for (const keyword of [
    'RUN',
    'CMD',
    'ENTRYPOINT',
    'COPY',
    'ADD',
    'WORKDIR',
    'ENV',
    'LABEL',
    'EXPOSE',
    'VOLUME',
    'STOPSIGNAL',
    'SHELL',
    'ARG',
    'HEALTHCHECK',
    'ONBUILD',
  ]) {
    it(`flags a bare ${keyword} on the keyword`, () => {
      const d = one(CODE, stage(keyword), keyword, ERROR);
      assert.match(d.message, new RegExp(`${keyword} needs`));
    });
  }

  it('flags a bare USER and a bare FROM', () => {
    one(CODE, df('FROM node:20', 'USER'), 'USER', ERROR);
    one(CODE, df('FROM', 'USER node'), 'FROM', ERROR);
  });

  it('flags an instruction with only flags', () => {
    one(CODE, stage('RUN --network=none'), 'RUN', ERROR);
  });

  it('FROM takes an image and optionally AS <name>', () => {
    const d = one(CODE, df('FROM node:20 AS', 'USER node'), 'node:20 AS', ERROR);
    assert.match(d.message, /FROM <image> \[AS <name>\]/);
    one(CODE, df('FROM node:20 build', 'USER node'), 'node:20 build', ERROR);
    one(CODE, df('FROM node:20 AS build extra', 'USER node'), 'node:20 AS build extra', ERROR);
    one(CODE, df('FROM node:20 FROM build', 'USER node'), 'node:20 FROM build', ERROR);
    none(CODE, df('FROM node:20 as build', 'FROM node:20 AS final', 'USER node'));
  });

  it('accepts empty exec forms and heredoc-only instructions', () => {
    none(CODE, stage('CMD []', 'ENTRYPOINT []', 'RUN <<EOF', 'echo hi', 'EOF', 'HEALTHCHECK NONE'));
  });

  it('COPY and ADD need a source and a destination', () => {
    one(CODE, stage('COPY app.js'), 'app.js', ERROR);
    one(CODE, stage('ADD app.tar.gz'), 'app.tar.gz', ERROR);
  });
});

describe('heredoc-unterminated', () => {
  const CODE = 'heredoc-unterminated';

  it('flags a heredoc that never closes, on its opener, naming the delimiter', () => {
    const d = one(CODE, df('FROM node:20', 'USER node', 'RUN <<EOF', 'echo hi'), '<<EOF', ERROR);
    assert.match(d.message, /'EOF'/);
    one(CODE, df('FROM node:20', 'USER node', 'COPY <<CONF /etc/app.conf', 'a=b'), '<<CONF', ERROR);
  });

  it('with two heredocs on a line, flags the one left open', () => {
    one(CODE, df('FROM node:20', 'USER node', 'RUN <<A <<B', 'a', 'A', 'b'), '<<B', ERROR);
  });

  it('accepts closed heredocs: plain, <<- with tabs, quoted, with a redirect', () => {
    none(CODE, stage('RUN <<EOF', 'echo hi', 'EOF'));
    none(CODE, stage('RUN <<-EOF', '\techo hi', '\tEOF'));
    none(CODE, stage('RUN <<"EOF"', 'echo $HOME', 'EOF'));
    none(CODE, stage("RUN <<'EOF'", 'echo $HOME', 'EOF'));
    none(CODE, stage('RUN cat <<EOF > /etc/motd', 'hello', 'EOF'));
    none(CODE, stage('RUN <<A <<B', 'a', 'A', 'b', 'B'));
  });
});

describe('json-args-invalid', () => {
  const CODE = 'json-args-invalid';

  it('flags single-quoted exec form and says to use double quotes', () => {
    const d = one(CODE, stage("CMD ['node', 'app.js']"), "['node', 'app.js']", WARNING);
    assert.match(d.message, /Use double quotes/);
    one(CODE, stage("ENTRYPOINT ['/entrypoint.sh']"), "['/entrypoint.sh']", WARNING);
  });

  it('flags broken JSON arrays in every exec-form instruction', () => {
    one(CODE, stage('ENTRYPOINT ["node", "app.js"'), '["node", "app.js"', WARNING);
    one(CODE, stage('RUN ["echo", "a",]'), '["echo", "a",]', WARNING);
    one(CODE, stage('CMD ["a", 1]'), '["a", 1]', WARNING);
    one(CODE, stage('SHELL ["/bin/bash" "-c"]'), '["/bin/bash" "-c"]', WARNING);
    one(CODE, stage('VOLUME ["/data",]'), '["/data",]', WARNING);
    const d = one(CODE, stage('COPY ["a" "/b"]'), '["a" "/b"]', WARNING);
    assert.match(d.message, /runs it as a shell command/);
  });

  it('accepts valid exec forms and ordinary shell forms', () => {
    none(
      CODE,
      stage(
        'CMD ["node", "app.js"]',
        'ENTRYPOINT ["/tini", "--"]',
        'RUN ["sh", "-c", "echo hi"]',
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        'VOLUME ["/data"]',
        'COPY ["a b", "/c/"]',
      ),
    );
    none(CODE, stage('RUN echo [not json]', 'CMD node app.js'));
  });

  it('does not mistake the shell test command `[ … ]` for JSON', () => {
    none(CODE, stage('RUN [ -d /app ] || mkdir -p /app'));
    none(CODE, stage('RUN [ "$TARGETARCH" = "amd64" ] && echo x86 || echo other'));
  });
});

describe('json-args-recommended', () => {
  const CODE = 'json-args-recommended';

  it('flags CMD and ENTRYPOINT in shell form, ranged on the command, suggesting exec form', () => {
    const d = one(CODE, stage('CMD node app.js'), 'node app.js', INFO);
    assert.match(d.message, /CMD \["executable", "arg"\]/);
    one(CODE, stage('ENTRYPOINT /docker-entrypoint.sh --serve'), '/docker-entrypoint.sh --serve', INFO);
  });

  it('accepts exec form, RUN and HEALTHCHECK in shell form', () => {
    none(CODE, stage('CMD ["node", "app.js"]', 'ENTRYPOINT ["/tini"]', 'RUN echo hi', 'HEALTHCHECK CMD curl -f http://localhost/'));
  });

  it('after SHELL in the same stage, shell form is a choice', () => {
    none(CODE, stage('SHELL ["pwsh", "-Command"]', 'CMD Start-Service app'));
  });

  it('a SHELL in another, unrelated stage does not count', () => {
    one(CODE, df('FROM node:20 AS a', 'SHELL ["/bin/bash", "-c"]', 'FROM node:20', 'USER node', 'CMD node app.js'), 'node app.js', INFO);
  });
});

describe('maintainer-deprecated', () => {
  it('flags MAINTAINER on the keyword and points to the OCI label', () => {
    const d = one('maintainer-deprecated', stage('MAINTAINER Jane Doe <jane@example.com>'), 'MAINTAINER', INFO);
    assert.match(d.message, /org\.opencontainers\.image\.authors/);
    one('maintainer-deprecated', df('from node:20', 'maintainer jane', 'user node'), 'maintainer', INFO);
  });

  it('the label is fine', () => {
    none('maintainer-deprecated', stage('LABEL org.opencontainers.image.authors="jane@example.com"'));
  });
});

describe('instruction-repeated', () => {
  const CODE = 'instruction-repeated';

  it('flags the overridden CMD, ENTRYPOINT and HEALTHCHECK, naming the line that wins', () => {
    const d = one(CODE, stage('CMD ["a"]', 'CMD ["b"]'), 'CMD', WARNING);
    assert.equal(d.line, 1);
    assert.match(d.message, /line 3/);
    assert.equal(one(CODE, stage('ENTRYPOINT ["a"]', 'RUN true', 'ENTRYPOINT ["b"]'), 'ENTRYPOINT', WARNING).line, 1);
    assert.equal(one(CODE, stage('HEALTHCHECK CMD ["a"]', 'HEALTHCHECK NONE'), 'HEALTHCHECK', WARNING).line, 1);
  });

  it('three CMDs give two findings, one per overridden CMD', () => {
    const found = of(CODE, stage('CMD ["a"]', 'CMD ["b"]', 'CMD ["c"]'));
    assert.deepEqual(
      found.map((f) => f.line),
      [1, 2],
    );
  });

  it('one of each, or one per stage, is fine', () => {
    none(CODE, stage('ENTRYPOINT ["a"]', 'CMD ["b"]', 'HEALTHCHECK NONE'));
    none(CODE, df('FROM node:20 AS a', 'CMD ["a"]', 'FROM node:20', 'CMD ["b"]', 'USER node'));
    none(CODE, stage('ONBUILD CMD ["a"]', 'CMD ["b"]'));
  });
});

describe('keyword-casing', () => {
  const CODE = 'keyword-casing';

  it('flags the odd one out in an upper-case file, with the replacement as data', () => {
    const d = one(CODE, stage('run echo hi', 'RUN echo ok'), 'run', HINT);
    assert.match(d.message, /'RUN'/);
    assert.deepEqual(d.diagnostic.data, { replacement: 'RUN' });
    one(CODE, stage('From node:20 AS x'), 'From', HINT);
  });

  it('follows the majority in a lower-case file', () => {
    const d = one(CODE, df('from node:20', 'run echo hi', 'RUN echo ok', 'user node'), 'RUN', HINT);
    assert.deepEqual(d.diagnostic.data, { replacement: 'run' });
  });

  it('consistent files are fine, and unknown words are left to unknown-instruction', () => {
    none(CODE, stage('RUN echo hi'));
    none(CODE, df('from node:20', 'run echo hi', 'user node'));
    none(CODE, stage('Frobnicate x'));
  });
});

describe('workdir-relative', () => {
  const CODE = 'workdir-relative';

  it('flags a relative WORKDIR with no absolute one before it, ranged on the path', () => {
    const d = one(CODE, stage('WORKDIR app'), 'app', INFO);
    assert.match(d.message, /absolute path/);
    one(CODE, stage('WORKDIR ./app'), './app', INFO);
  });

  it('accepts a relative WORKDIR after an absolute one in the stage', () => {
    none(CODE, stage('WORKDIR /srv', 'WORKDIR app'));
  });

  it('inherits the absolute WORKDIR of the stage it builds on', () => {
    none(CODE, df('FROM node:20 AS base', 'WORKDIR /app', 'FROM base AS build', 'FROM build', 'WORKDIR src', 'USER node'));
  });

  it('an absolute WORKDIR in an unrelated or later stage does not count', () => {
    const found = of(CODE, df('FROM node:20 AS a', 'WORKDIR /app', 'FROM node:20 AS b', 'WORKDIR src', 'WORKDIR /later', 'USER node'));
    assert.deepEqual(
      found.map((f) => [f.line, f.text]),
      [[3, 'src']],
    );
  });

  it('accepts absolute paths written with variables, quotes or a Windows drive', () => {
    none(CODE, stage('WORKDIR $HOME/app', 'WORKDIR ${APP_DIR}'));
    none(CODE, stage('WORKDIR "/app dir"'));
    none(CODE, df('# escape=`', 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'WORKDIR C:\\app', 'USER ContainerUser'));
  });
});

describe('legacy-key-value', () => {
  const CODE = 'legacy-key-value';

  it('flags ENV and LABEL in `key value` form, ranged on the pair, showing the key=value form', () => {
    const d = one(CODE, stage('ENV NODE_ENV production'), 'NODE_ENV production', INFO);
    assert.match(d.message, /ENV NODE_ENV=<value>/);
    one(CODE, stage('LABEL version 1.0'), 'version 1.0', INFO);
  });

  it('accepts key=value, several pairs and quoted values', () => {
    none(CODE, stage('ENV NODE_ENV=production PORT=3000', 'ENV GREETING="hello world"', 'LABEL a=b c="d e"'));
  });
});

describe('expose-invalid', () => {
  const CODE = 'expose-invalid';

  it('flags a host:container mapping and says to publish with -p', () => {
    assert.match(one(CODE, stage('EXPOSE 8080:80'), '8080:80', ERROR).message, /docker run -p/);
  });

  it('flags out-of-range ports, bad protocols and words, each on its own word', () => {
    const found = of(CODE, stage('EXPOSE 80 70000 0 80/tcpx http 65535-1 443'));
    assert.deepEqual(
      found.map((f) => [f.text, f.severity]),
      [
        ['70000', ERROR],
        ['0', ERROR],
        ['80/tcpx', ERROR],
        ['http', ERROR],
        ['65535-1', ERROR],
      ],
    );
    assert.match(found[2].message, /tcp, udp or sctp/);
    assert.match(found[3].message, /<port>\[\/tcp\|udp\|sctp\]/);
  });

  it('accepts ports, ranges, protocols in any case and variables', () => {
    none(CODE, stage('EXPOSE 80 443/tcp 53/udp 132/sctp 8000-8010 8080/TCP 1 65535 $PORT ${METRICS}/udp'));
  });
});

describe('onbuild-invalid', () => {
  const CODE = 'onbuild-invalid';

  it('flags FROM, MAINTAINER and ONBUILD as triggers, on the trigger keyword', () => {
    assert.match(one(CODE, stage('ONBUILD FROM alpine:3'), 'FROM', ERROR).message, /ONBUILD cannot trigger FROM/);
    one(CODE, stage('ONBUILD MAINTAINER me'), 'MAINTAINER', ERROR);
    const d = one(CODE, stage('ONBUILD ONBUILD RUN true'), 'ONBUILD', ERROR);
    assert.equal(d.diagnostic.range.start.character, 'ONBUILD '.length);
  });

  it('accepts ordinary triggers', () => {
    none(CODE, stage('ONBUILD RUN make', 'ONBUILD COPY . /app', 'ONBUILD ARG V'));
  });
});

describe('escape-invalid', () => {
  const CODE = 'escape-invalid';

  it('flags an escape directive other than \\ or `, on its value', () => {
    const d = one(CODE, df('# escape=x', 'FROM node:20', 'USER node'), 'x', ERROR);
    assert.match(d.message, /takes \\ or `/);
    one(CODE, df('# ESCAPE = ^', 'FROM node:20', 'USER node'), '^', ERROR);
  });

  it('accepts \\ and `', () => {
    none(CODE, df('# escape=\\', 'FROM node:20', 'USER node'));
    none(CODE, df('# escape=`', 'FROM node:20', 'USER node'));
  });

  it('a comment after the first instruction is not a directive', () => {
    none(CODE, df('FROM node:20', '# escape=x', 'USER node'));
    none(CODE, df('# hello', '# escape=x', 'FROM node:20', 'USER node'));
  });
});

describe('builder errors the parser alone does not raise (issue #10)', () => {
  it('flags ENV with a key and no value, once', () => {
    const found = run(df('FROM debian:12', 'ENV PATH', 'USER nobody'));
    assert.deepEqual(
      found.map((f) => [f.code, f.text]),
      [['args-missing', 'PATH']],
    );
  });

  it('flags HEALTHCHECK CMD without a command and an unknown type', () => {
    one('args-missing', df('FROM debian:12', 'HEALTHCHECK CMD', 'USER nobody'), 'CMD', ERROR);
    one('args-missing', df('FROM debian:12', 'HEALTHCHECK CONNECT TCP 7000', 'USER nobody'), 'CONNECT', ERROR);
    none('args-missing', df('FROM debian:12', 'HEALTHCHECK --timeout=3s CMD ["foo"]', 'USER nobody'));
    none('args-missing', df('FROM debian:12', 'HEALTHCHECK NONE', 'USER nobody'));
  });

  it('flags a JSON array holding something other than strings', () => {
    one(
      'json-args-invalid',
      df('FROM debian:12', 'USER nobody', 'CMD [ "echo", [ "nested json" ] ]'),
      '[ "echo", [ "nested json" ] ]',
      WARNING,
    );
  });
});

describe('continuation-empty', () => {
  const CODE = 'continuation-empty';
  it('flags an empty line inside a continuation, on the first word of the line after it', () => {
    const d = one(CODE, stage('RUN npm ci \\', '', '  && npm run build'), '&&', WARNING);
    assert.equal(d.line, 3);
    one(CODE, stage('COPY a \\', '   \t', '', '  /b/'), '/b/', WARNING);
    // The gap hides that the next "instruction" is part of this one.
    one(CODE, stage('RUN make \\', '', 'COPY app /app'), 'COPY', WARNING);
    assert.equal(of(CODE, stage('RUN a \\', '', '  b \\', '', '  c')).length, 2);
    one(CODE, 'FROM node:20\r\nRUN a \\\r\n\r\n  b\r\nUSER node\r\n', 'b', WARNING);
    one(CODE, df('# escape=`', 'FROM node:20', 'RUN a `', '', '  b', 'USER node'), 'b', WARNING);
  });

  it('accepts continuations without gaps, comment lines, heredoc bodies, and empty lines between instructions', () => {
    none(CODE, stage('RUN a \\', '  && b'));
    none(CODE, stage('RUN a \\', '# a comment', '  && b'));
    none(CODE, stage('RUN <<EOF', 'a', '', 'b', 'EOF'));
    none(CODE, stage('COPY <<EOF /x', '', 'EOF'));
    none(CODE, stage('RUN a', '', 'RUN b'));
    none(CODE, df('# check=skip=NoEmptyContinuation', 'FROM node:20', 'RUN a \\', '', '  b', 'USER node'));
  });
});
