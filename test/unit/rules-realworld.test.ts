/**
 * What real Dockerfiles write that the rules misread (issue #10): each case is the smallest
 * form of a pattern found in official images, and each asserts the finding that used to be wrong.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LintSettings } from '../../src/dockerfile/settings';
import { df, INFO, none, of, one, WARNING } from '../fixtures/rules/helpers';

const stage = (...lines: string[]) => df('FROM debian:12', ...lines, 'USER nobody');
const alpine = (...lines: string[]) => df('FROM alpine:3.20', ...lines, 'USER nobody');

describe('apt clean-up and simulation', () => {
  it('accepts apt-get dist-clean as deleting the lists', () => {
    none('apt-lists-kept', stage('RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get dist-clean'));
    one(
      'apt-lists-kept',
      stage('RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean'),
      'apt-get install',
      INFO,
    );
  });

  it('accepts apt-get install -s (simulate), which installs nothing', () => {
    const text = stage('RUN if apt-get install -s foo >/dev/null 2>&1; then echo y; fi');
    none('apt-missing-yes', text);
    none('apt-install-recommends', text);
    none('apt-missing-yes', stage('RUN apt-get install --simulate foo', 'RUN apt-get --dry-run install foo'));
  });

  it('reads -q -q and --quiet --quiet as -qq, which implies -y', () => {
    none('apt-missing-yes', stage('RUN apt-get update && apt-get install -q -q --no-install-recommends curl'));
    none('apt-missing-yes', stage('RUN apt-get update && apt-get install --quiet --quiet --no-install-recommends curl'));
    one('apt-missing-yes', stage('RUN apt-get update && apt-get install -q --no-install-recommends curl'), 'apt-get install', WARNING);
  });

  it('accepts an update that feeds apt-cache, apt-get download or mk-build-deps in the same RUN', () => {
    none('apt-update-alone', stage('RUN apt-get update && apt-cache policy curl'));
    none('apt-update-alone', stage('RUN apt-get update && apt-get download curl'));
    none('apt-update-alone', stage('RUN apt-get update && mk-build-deps -ri debian/control'));
    one('apt-update-alone', stage('RUN apt-get update && echo done'), 'apt-get update', WARNING);
  });
});

describe('shell reading', () => {
  it('does not read a | in a case pattern as a pipe', () => {
    none('pipe-without-pipefail', stage('RUN case "$(uname -m)" in x86_64|aarch64) echo a ;; *) echo b ;; esac'));
    none('pipe-without-pipefail', stage('RUN case "$a" in', '  (x|y) echo a;;', '  z) echo b', 'esac'));
    // A real pipe inside a case branch, and after the esac, still count.
    assert.equal(of('pipe-without-pipefail', stage('RUN case "$a" in x|y) echo a | tr a b ;; esac')).length, 1);
    assert.equal(of('pipe-without-pipefail', stage('RUN case "$a" in x|y) true ;; esac; echo a | tr a b')).length, 1);
  });

  it('names the command that feeds the pipe, not its arguments', () => {
    const find = of('pipe-without-pipefail', stage("RUN find / -name x -exec ldd {} \\; | awk '{print $1}'"));
    assert.equal(find.length, 1);
    assert.match(find[0].message, /failing 'find'/);
    const dpkg = of('pipe-without-pipefail', stage('RUN v=$(dpkg-deb -I x.deb | awk \'/Version/ {print $2}\') && echo "$v"'));
    assert.equal(dpkg.length, 1);
    assert.match(dpkg[0].message, /failing 'dpkg-deb'/);
    const magick = of('pipe-without-pipefail', stage('RUN test $(magick -version | grep -c Q16) -eq 1'));
    assert.equal(magick.length, 1);
    assert.match(magick[0].message, /failing 'magick'/);
  });

  it('does not suggest WORKDIR for a cd that returns before cleaning up', () => {
    none('cd-in-run', stage('RUN cd /usr/src && tar xf a.tar && cd / && rm -rf /usr/src/a'));
    one('cd-in-run', stage('RUN cd /usr/src && tar xf a.tar'), 'cd', INFO);
  });
});

describe('apk and pip caches', () => {
  it('accepts apk add --no-network, which downloads nothing', () => {
    none(
      'apk-cache-kept',
      alpine('RUN apk add --no-cache --virtual .b gcc && apk add --no-network --virtual .r so:libc.musl-x86_64.so.1 && apk del .b'),
    );
  });

  it('does not flag caches in a stage that never reaches the final image', () => {
    const text = df(
      'FROM alpine:3.20 AS build',
      'RUN apk add gcc && pip install foo',
      'FROM alpine:3.20',
      'COPY --from=build /x /x',
      'USER nobody',
    );
    none('apk-cache-kept', text);
    none('pip-cache-kept', text);
    assert.equal(of('apk-cache-kept', alpine('RUN apk add gcc')).length, 1);
  });
});

describe('state inherited through stages', () => {
  it('inherits WORKDIR through two stages', () => {
    none('copy-relative-dest', df('FROM debian:12 AS a', 'WORKDIR /app', 'FROM a AS b', 'FROM b', 'COPY . .'));
  });

  it('reads a quoted WORKDIR as the path it names', () => {
    none('workdir-relative', df('FROM debian:12', 'ARG APP_HOME=/srv/app', 'WORKDIR "$APP_HOME"'));
    none('workdir-relative', df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'WORKDIR "C:/"'));
    one('workdir-relative', df('FROM debian:12', 'WORKDIR "app"'), '"app"', INFO);
  });

  it('inherits SHELL: no claim that CMD runs under /bin/sh', () => {
    none('json-args-recommended', df('FROM debian:12 AS base', 'SHELL ["/bin/bash","-c"]', 'FROM base', 'CMD echo hi'));
  });
});

describe('package pins', () => {
  const on: LintSettings = { severities: { 'pip-unpinned': 'info', 'npm-unpinned': 'info', 'gem-unpinned': 'info' } };
  const pins = (code: string, ...lines: string[]) => of(code, stage(...lines), on).map((d) => d.text);

  it('skips the values of pip and npm options, and paths', () => {
    assert.deepEqual(pins('pip-unpinned', 'RUN pip install --no-cache-dir --root-user-action ignore poetry==1.8.5'), []);
    assert.deepEqual(pins('pip-unpinned', 'RUN pip install --no-cache-dir foo/bar'), []);
    assert.deepEqual(pins('npm-unpinned', 'RUN npm install --loglevel verbose x@1'), []);
    assert.deepEqual(pins('npm-unpinned', 'RUN npm install package-v1.2.3.tar'), []);
    assert.deepEqual(pins('pip-unpinned', 'RUN pip install --no-cache-dir --root-user-action ignore poetry'), ['poetry']);
  });

  it('checks gem i, and stops at -- (build options)', () => {
    assert.deepEqual(pins('gem-unpinned', 'RUN gem i bundler'), ['bundler']);
    assert.deepEqual(pins('gem-unpinned', 'RUN gem install bundler:2.0.1 -- --use-system-libraries true'), []);
  });
});

describe('image messages', () => {
  it('says an empty ARG default is the problem, not a missing tag', () => {
    const text = df('ARG distro=""', 'FROM docker.io/library/${distro}');
    none('image-untagged', text);
    one('from-arg-default-invalid', text, 'docker.io/library/${distro}', WARNING);
    const untagged = of('image-untagged', df('ARG SUFFIX=""', 'FROM node${SUFFIX}'));
    assert.equal(untagged.length, 1);
    assert.match(untagged[0].message, /ARG SUFFIX, whose default is empty/);
  });

  it('from-arg-default-invalid: ARG defaults that make no image, and ones that do', () => {
    one('from-arg-default-invalid', df('ARG IMAGE', 'FROM $IMAGE'), '$IMAGE', WARNING);
    one('from-arg-default-invalid', df('ARG VERSION', 'FROM busybox:$VERSION'), 'busybox:$VERSION', WARNING);
    one('from-arg-default-invalid', df('ARG SFX="box:"', 'FROM busy${SFX}'), 'busy${SFX}', WARNING);
    none('from-arg-default-invalid', df('ARG VERSION="latest"', 'FROM busybox:${VERSION}'));
    none('from-arg-default-invalid', df('ARG V', 'FROM busybox:stable${V}'));
    none('from-arg-default-invalid', df('FROM --platform=$BUILDPLATFORM golang:1.22'));
  });
});

describe('pipe messages', () => {
  it('names the command before a closed substitution', () => {
    const d = of('pipe-without-pipefail', df('FROM debian:12', 'RUN echo "$(date)" | tr a b', 'USER nobody'));
    assert.match(d[0].message, /failing 'echo'/);
  });
});

describe('ONBUILD RUN triggers', () => {
  it('are checked by the RUN rules, ranged inside the trigger', () => {
    const text = df('FROM debian:12', 'ONBUILD RUN cd /tmp && apt-get install curl', 'ONBUILD RUN sudo make | tee log', 'USER nobody');
    one('cd-in-run', text, 'cd', INFO);
    one('apt-missing-yes', text, 'apt-get install', WARNING);
    one('sudo-in-run', text, 'sudo', WARNING);
    assert.equal(of('pipe-without-pipefail', text).length, 1);
  });
});

describe('hadolint spec forms (written anew)', () => {
  const on: LintSettings = { severities: { 'pip-unpinned': 'info', 'npm-unpinned': 'info', 'gem-unpinned': 'info' } };
  const pins = (code: string, line: string) => of(code, df('FROM debian:12', line, 'USER nobody'), on).map((d) => d.text);

  it('pip: any version specifier or a constraints file pins; a git URL needs @ref; pipx counts', () => {
    assert.deepEqual(pins('pip-unpinned', "RUN pip install --no-cache-dir 'flask>=3' 'six<2' 'x!=1'"), []);
    assert.deepEqual(pins('pip-unpinned', 'RUN pip install --no-cache-dir flask -c constraints.txt'), []);
    assert.deepEqual(pins('pip-unpinned', 'RUN pip install --no-cache-dir git+https://example.com/a/b.git#egg=b'), [
      'git+https://example.com/a/b.git#egg=b',
    ]);
    assert.deepEqual(pins('pip-unpinned', 'RUN pip install --no-cache-dir git+https://example.com/a/b.git@v1#egg=b'), []);
    assert.deepEqual(pins('pip-unpinned', 'RUN pipx install black'), ['black']);
  });

  it('npm: a git URL needs #ref', () => {
    assert.deepEqual(pins('npm-unpinned', 'RUN npm install git+ssh://git@example.com:a/b.git'), ['git+ssh://git@example.com:a/b.git']);
    assert.deepEqual(pins('npm-unpinned', 'RUN npm install git+ssh://git@example.com:a/b.git#v1.0.0'), []);
  });

  it('gem: build options after the gems are no gems', () => {
    assert.deepEqual(pins('gem-unpinned', 'RUN gem install bundler:2.0.1 --use-system-libraries true'), []);
  });

  it('Windows destinations and WORKDIRs with backslashes are absolute', () => {
    none('copy-relative-dest', df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'COPY bla.sh c:\\system32\\blubb.sh'));
    none('workdir-relative', df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'WORKDIR "C:\\"'));
  });
});

describe('aptitude', () => {
  it('keeps the apt lists like apt-get', () => {
    one('apt-lists-kept', stage('RUN aptitude update && aptitude install -y python3'), 'aptitude install', INFO);
  });
});

describe('corpus measurement (bench/realworld.ts)', () => {
  it('cache-copy-before-install: installing the project itself after its dependencies came from a requirements file', () => {
    const deps = ['FROM python:3.12', 'WORKDIR /src', 'COPY requirements.txt ./', 'RUN pip install --no-cache-dir -r requirements.txt'];
    none('cache-copy-before-install', df(...deps, 'COPY . app/', 'RUN pip install --no-cache-dir -e ./app', 'USER nobody'));
    // Without the early install, the advice to install the dependencies first stands.
    assert.equal(
      of('cache-copy-before-install', df('FROM python:3.12', 'COPY . app/', 'RUN pip install --no-cache-dir -e ./app', 'USER nobody'))
        .length,
      1,
    );
  });
});

describe('corpus measurement: cd into a build folder', () => {
  it('cd-in-run: not for a folder the same RUN deletes, which WORKDIR would leave in the image', () => {
    none('cd-in-run', stage('RUN git clone https://example.com/x.git /usr/src/x && cd /usr/src/x && make install && rm -rf /usr/src/x'));
    none('cd-in-run', stage('RUN mkdir -p /tmp/b/out && cd /tmp/b/out && make && rm -r /tmp/b'));
    // Deleting something else, or without -r, is no reason.
    one('cd-in-run', stage('RUN cd /usr/src/x && make install && rm -rf /usr/src/x/tmp'), 'cd', INFO);
    one('cd-in-run', stage('RUN cd /usr/src/x && make install && rm /usr/src/x'), 'cd', INFO);
  });
});

describe('corpus measurement: public keys', () => {
  it('secret-in-arg-env: a name with a public word is meant to be seen, as BuildKit reads it', () => {
    none('secret-in-arg-env', df('FROM node:22', 'ARG NEXT_PUBLIC_WEB3FORMS_ACCESS_KEY', 'ENV SSH_PUBLIC_KEY=x', 'USER node'));
    one('secret-in-arg-env', df('FROM node:22', 'ARG WEB3FORMS_ACCESS_KEY', 'USER node'), 'WEB3FORMS_ACCESS_KEY', WARNING);
  });
});

describe('corpus measurement: cd the script decides', () => {
  it('cd-in-run: not inside a shell function, nor to a folder in a variable the script sets', () => {
    none(
      'cd-in-run',
      stage('RUN clone() { DEST="$2"; git clone "$1" "$DEST"; cd "$DEST"; git log -1; }; clone https://example.com/a.git /a'),
    );
    none('cd-in-run', stage('RUN DEST=/opt/app && mkdir -p "$DEST" && cd "$DEST" && make'));
    none('cd-in-run', stage('RUN for d in /a /b; do :; done; cd "$d" && make'));
    // A variable from ARG or ENV is one WORKDIR can use.
    one('cd-in-run', df('FROM debian:12', 'ARG DEST=/opt/app', 'RUN cd "$DEST" && make', 'USER nobody'), 'cd', INFO);
  });
});

describe('corpus measurement: Windows users', () => {
  it('user-missing: a Nano Server image runs as ContainerUser; Server Core as ContainerAdministrator', () => {
    none('user-missing', df('FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'COPY app.exe C:/app/', 'ENTRYPOINT ["C:/app/app.exe"]'));
    none('user-missing', df('FROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022', 'ENTRYPOINT ["dotnet", "app.dll"]'));
    assert.equal(of('user-missing', df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'CMD ["cmd"]')).length, 1);
  });
});
