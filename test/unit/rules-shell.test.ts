/** What RUN commands do: cd, sudo, apt, pip and apk caches, pipes, downloaders, consecutive RUNs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../src/dockerfile/lint';
import { df, HINT, INFO, none, of, one, WARNING } from '../fixtures/rules/helpers';

const stage = (...lines: string[]) => df('FROM debian:12', ...lines, 'USER nobody');
const alpine = (...lines: string[]) => df('FROM alpine:3.20', ...lines, 'USER nobody');

describe('cd-in-run', () => {
  const CODE = 'cd-in-run';
  it('flags a top-level cd, ranged on cd, naming the WORKDIR to use', () => {
    const d = one(CODE, stage('RUN cd /app && make'), 'cd', INFO);
    assert.match(d.message, /WORKDIR \/app/);
    one(CODE, stage('RUN make -C x; cd /src'), 'cd', INFO);
    one(CODE, stage('RUN set -e \\', '  && cd /src \\', '  && make'), 'cd', INFO);
    one(CODE, stage('RUN { cd /src; make; }'), 'cd', INFO);
  });

  it('accepts cd in a subshell, a loop, a command substitution, and cd without a plain target', () => {
    none(CODE, stage('RUN (cd /src && make) && make install'));
    none(CODE, stage('RUN make && ( cd sub && make )'));
    none(CODE, stage('RUN for d in a b; do cd "$d" && make; cd ..; done'));
    none(CODE, stage('RUN X="$(cd /src && pwd)" && echo "$X"'));
    none(CODE, stage('RUN cd "$(mktemp -d)" && curl -O x'));
    none(CODE, stage('RUN cd - && make'));
    none(CODE, stage('RUN echo cd /app'));
    none(CODE, stage('RUN true # cd /app'));
  });

  it('flags cd in a heredoc script, ranged in the body, but not in data fed to a program', () => {
    const d = one(CODE, stage('RUN <<EOF', 'set -e', 'cd /src', 'make', 'EOF'), 'cd', INFO);
    assert.equal(d.line, 3);
    none(CODE, stage('RUN cat <<EOF > /notes.txt', 'cd /src', 'EOF'));
    none(CODE, stage('RUN python3 <<EOF', 'cd = 1', 'EOF'));
    none(CODE, stage('RUN <<EOF', '#!/usr/bin/env python3', 'import os', 'cd = os.chdir', 'EOF'));
    one(CODE, stage('RUN <<EOF', '#!/bin/bash', 'cd /src', 'EOF'), 'cd', INFO);
  });

  it('flags cd in an exec form shell script, ranged on the array', () => {
    one(CODE, stage('RUN ["sh", "-c", "cd /src && make"]'), '"sh", "-c", "cd /src && make"', INFO);
    none(CODE, stage('RUN ["cd", "/src"]'.replace('cd', 'echo')));
  });
});

describe('sudo-in-run', () => {
  const CODE = 'sudo-in-run';
  it('flags sudo, ranged on sudo, with options and after assignments', () => {
    one(CODE, stage('RUN sudo apt-get update'), 'sudo', WARNING);
    one(CODE, stage('RUN sudo -u app make'), 'sudo', WARNING);
    one(CODE, stage('RUN DEBIAN_FRONTEND=noninteractive sudo make'), 'sudo', WARNING);
    one(CODE, stage('RUN make \\', '  && sudo make install'), 'sudo', WARNING);
  });

  it('accepts sudo installed, configured or mentioned rather than run', () => {
    none(CODE, stage('RUN apt-get install -y sudo'));
    none(CODE, stage('RUN echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app'));
    none(CODE, stage('RUN echo sudo'));
    none(CODE, stage('CMD sudo make'));
  });
});

describe('apt-missing-yes', () => {
  const CODE = 'apt-missing-yes';
  it('flags install, upgrade and remove without -y, ranged on program and verb', () => {
    const d = one(CODE, stage('RUN apt-get update && apt-get install curl'), 'apt-get install', WARNING);
    assert.match(d.message, /Add -y/);
    one(CODE, stage('RUN apt-get -q install curl'), 'apt-get -q install', WARNING);
    one(CODE, stage('RUN apt-get upgrade'), 'apt-get upgrade', WARNING);
    one(CODE, stage('RUN apt-get purge curl'), 'apt-get purge', WARNING);
    one(CODE, stage('RUN apt install curl'), 'apt install', WARNING);
    one(CODE, stage('RUN /usr/bin/apt-get install curl'), '/usr/bin/apt-get install', WARNING);
  });

  it('accepts every way of saying yes', () => {
    for (const yes of ['-y', '--yes', '--assume-yes', '-qq', '-yq', '-qy', '-qqy', '-q=2', '--force-yes', '-o APT::Get::Assume-Yes=true']) {
      none(CODE, stage(`RUN apt-get install ${yes} curl`));
      none(CODE, stage(`RUN apt-get ${yes} install curl`));
    }
    none(CODE, stage('RUN yes | apt-get install curl'));
    none(CODE, stage('RUN apt-get update && apt-get install -y \\', '    curl'));
    none(CODE, stage('RUN apt-get update', 'RUN apt-get source curl'));
  });

  it('accepts a file that sets Assume-Yes for apt', () => {
    none(CODE, stage(`RUN echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes`, 'RUN apt-get install curl'));
  });

  it('does not read apt in strings, comments or heredoc data', () => {
    none(CODE, stage('RUN echo "apt-get install curl"'));
    none(CODE, stage('RUN true # apt-get install curl'));
    none(CODE, stage('RUN cat <<EOF > /README', 'apt-get install curl', 'EOF'));
  });
});

describe('apt-install-recommends', () => {
  const CODE = 'apt-install-recommends';
  it('flags an install without --no-install-recommends', () => {
    one(CODE, stage('RUN apt-get install -y curl'), 'apt-get install', INFO);
    one(CODE, stage('RUN apt-get -y install curl'), 'apt-get -y install', INFO);
  });

  it('accepts the flag, the option, a config file, and verbs that install nothing new', () => {
    none(CODE, stage('RUN apt-get install -y --no-install-recommends curl'));
    none(CODE, stage('RUN apt-get install -y \\', '    --no-install-recommends \\', '    curl'));
    none(CODE, stage('RUN apt-get install -y -o APT::Install-Recommends=false curl'));
    none(CODE, stage(`RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/99norecommends`, 'RUN apt-get install -y curl'));
    none(CODE, stage('RUN apt-get remove -y curl'));
  });
});

describe('apt-lists-kept', () => {
  const CODE = 'apt-lists-kept';
  it('flags the last install of a RUN that keeps the lists', () => {
    one(CODE, stage('RUN apt-get update && apt-get install -y --no-install-recommends curl'), 'apt-get install', INFO);
    one(CODE, stage('RUN apt-get update && apt-get install -y a && apt-get install -y b'), 'apt-get install', INFO);
  });

  it('accepts the lists deleted in the same RUN, however it is written', () => {
    none(CODE, stage('RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*'));
    none(CODE, stage('RUN apt-get update \\', ' && apt-get install -y curl \\', ' # clean up', ' && rm -r /var/lib/apt/lists'));
    none(CODE, stage('RUN <<EOF', 'apt-get update', 'apt-get install -y curl', 'rm -rf /var/lib/apt/lists/*', 'EOF'));
  });

  it('accepts a cache or tmpfs mount over the apt lists', () => {
    none(CODE, stage('RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl'));
    none(CODE, stage('RUN --mount=type=cache,target=/var/lib/apt/lists/ apt-get update && apt-get install -y curl'));
    none(CODE, stage('RUN --mount=type=tmpfs,dst=/var/lib/apt/lists apt-get update && apt-get install -y curl'));
    one(CODE, stage('RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl'), 'apt-get install', INFO);
    one(CODE, stage('RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update && apt-get install -y curl'), 'apt-get install', INFO);
  });

  it('only the RUN that ran apt-get update holds the lists in its layer', () => {
    none(CODE, stage('RUN apt-get install -y --no-install-recommends curl'));
  });

  it('a later RUN that installs from those lists: advice to move it, and no fix that would break it', () => {
    const text = stage('RUN apt-get update && apt-get install -y curl', 'RUN echo unrelated', 'RUN apt-get install -y git');
    const found = lint(text).filter((d) => d.code === CODE);
    assert.equal(found.length, 1, 'still reported');
    assert.match(String(found[0].message), /The RUN on line 4 installs from these lists, so move that install into this RUN first\./);
    assert.equal(found[0].data, undefined, 'no edit to apply');
    const own = lint(stage('RUN apt-get update && apt-get install -y curl', 'RUN apt-get update && apt-get install -y git')).filter(
      (d) => d.code === CODE,
    );
    assert.equal(own.length, 2);
    assert.ok(
      own.every((d) => d.data !== undefined),
      'a later RUN with its own update needs nothing of the first',
    );
  });

  it('only cares about the stages the final image is built from', () => {
    none(CODE, df('FROM debian:12 AS build', 'RUN apt-get update && apt-get install -y gcc', 'FROM debian:12', 'USER nobody'));
    one(
      CODE,
      df('FROM debian:12 AS base', 'RUN apt-get update && apt-get install -y curl', 'FROM base', 'USER nobody'),
      'apt-get install',
      INFO,
    );
  });
});

describe('apt-instead-of-apt-get', () => {
  const CODE = 'apt-instead-of-apt-get';
  it('flags apt, ranged on apt', () => {
    one(CODE, stage('RUN apt update && apt install -y curl').replace('apt update && ', ''), 'apt', INFO);
    assert.equal(of(CODE, stage('RUN apt update && apt install -y curl')).length, 2);
    one(CODE, stage('RUN sudo apt install -y curl'), 'apt', INFO);
  });

  it('accepts apt-get, apt-cache, apt-key and the word apt elsewhere', () => {
    none(CODE, stage('RUN apt-get update && apt-get install -y curl'));
    none(CODE, stage('RUN apt-cache policy curl'));
    none(CODE, stage('RUN mkdir -p /etc/apt && echo apt'));
    none(CODE, stage('RUN apt --version'));
  });
});

describe('pip-cache-kept', () => {
  const CODE = 'pip-cache-kept';
  it('flags pip install without --no-cache-dir, ranged on program and verb', () => {
    one(CODE, stage('RUN pip install flask'), 'pip install', INFO);
    one(CODE, stage('RUN pip3 install -r requirements.txt'), 'pip3 install', INFO);
    one(CODE, stage('RUN python3 -m pip install --upgrade pip'), 'python3 -m pip install', INFO);
    one(CODE, stage('RUN pip --disable-pip-version-check install flask'), 'pip --disable-pip-version-check install', INFO);
  });

  it('accepts the flag, PIP_NO_CACHE_DIR, a cache mount, and other pip commands', () => {
    none(CODE, stage('RUN pip install --no-cache-dir flask'));
    none(CODE, stage('ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask'));
    none(CODE, stage('ARG PIP_NO_CACHE_DIR=true', 'RUN pip install flask'));
    none(CODE, stage('RUN PIP_NO_CACHE_DIR=1 pip install flask'));
    none(CODE, stage('RUN export PIP_NO_CACHE_DIR=1 && pip install flask'));
    none(CODE, stage('RUN --mount=type=cache,target=/root/.cache/pip pip install flask'));
    none(CODE, stage('RUN --mount=type=cache,target=/root/.cache pip install flask'));
    none(CODE, stage('RUN pip wheel -r requirements.txt'));
    none(CODE, stage('RUN uv pip install flask'));
    none(CODE, df('FROM python:3.12 AS base', 'ENV PIP_NO_CACHE_DIR=1', 'FROM base', 'RUN pip install flask', 'USER nobody'));
  });

  it('still flags when PIP_NO_CACHE_DIR is turned off', () => {
    one(CODE, stage('ENV PIP_NO_CACHE_DIR=0', 'RUN pip install flask'), 'pip install', INFO);
  });
});

describe('apk-cache-kept', () => {
  const CODE = 'apk-cache-kept';
  it('flags apk add without --no-cache, ranged on program and verb', () => {
    one(CODE, alpine('RUN apk add curl'), 'apk add', INFO);
    one(CODE, alpine('RUN apk update && apk add --virtual .build gcc'), 'apk add', INFO);
    one(CODE, alpine('RUN apk --update add curl'), 'apk --update add', INFO);
  });

  it('accepts --no-cache before or after add, a cache mount, and the cache removed', () => {
    none(CODE, alpine('RUN apk add --no-cache curl'));
    none(CODE, alpine('RUN apk --no-cache add curl'));
    none(CODE, alpine('RUN --mount=type=cache,target=/var/cache/apk apk add curl'));
    none(CODE, alpine('RUN --mount=type=cache,target=/etc/apk/cache apk add curl'));
    none(CODE, alpine('RUN apk add curl && rm -rf /var/cache/apk/*'));
    none(CODE, alpine('RUN apk del curl'));
  });
});

describe('pipe-without-pipefail', () => {
  const CODE = 'pipe-without-pipefail';
  it('flags the first pipe of a RUN under the default shell, ranged on |', () => {
    const d = one(CODE, stage('RUN curl -fsSL https://example.com/key | gpg --dearmor > /k.gpg'), '|', WARNING);
    assert.match(d.message, /curl/);
    one(CODE, stage('RUN a | b && c | d'), '|', WARNING);
    one(CODE, stage('RUN wget -O - https://x \\', '  | tar xz'), '|', WARNING);
    one(CODE, stage('RUN <<EOF', 'curl x | sh', 'EOF'), '|', WARNING);
  });

  it('accepts pipefail from SHELL (in the stage or the one it builds on) or from set', () => {
    none(CODE, stage('SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN a | b'));
    none(CODE, stage('SHELL ["/bin/ash", "-eo", "pipefail", "-c"]', 'RUN a | b'));
    none(CODE, df('FROM debian:12 AS base', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'FROM base', 'RUN a | b', 'USER nobody'));
    none(CODE, stage('RUN set -o pipefail && a | b'));
    none(CODE, stage('RUN set -euxo pipefail; a | b'));
    none(CODE, stage('RUN <<EOF', 'set -eu -o pipefail', 'a | b', 'EOF'));
  });

  it('still flags after a SHELL without pipefail, and when set comes after the pipe', () => {
    one(CODE, stage('SHELL ["/bin/bash", "-c"]', 'RUN a | b'), '|', WARNING);
    one(CODE, stage('RUN a | b; set -o pipefail'), '|', WARNING);
  });

  it('ignores ||, quoted and escaped pipes, comments, exec form, shebang heredocs and PowerShell', () => {
    none(CODE, stage('RUN a || b'));
    none(CODE, stage('RUN echo "a | b" && grep \'x|y\' f'));
    none(CODE, stage('RUN echo a \\| b'));
    none(CODE, stage('RUN true # a | b'));
    none(CODE, stage('RUN ["sh", "-c", "a | b"]'));
    none(CODE, stage('RUN <<EOF', '#!/usr/bin/env python3', 'print(1 | 2)', 'EOF'));
    none(CODE, stage('RUN <<EOF', '#!/bin/bash', 'curl -fsSL https://x | sh', 'EOF'));
    none(CODE, stage('SHELL ["pwsh", "-Command"]', 'RUN Get-Item x | Remove-Item'));
  });
});

describe('curl-and-wget', () => {
  const CODE = 'curl-and-wget';
  it('flags the second downloader of a stage, on its program', () => {
    const d = one(CODE, stage('RUN curl -fsSLO https://x', 'RUN wget https://y'), 'wget', INFO);
    assert.equal(d.line, 2);
    one(CODE, stage('RUN wget -q https://x && curl -O https://y'), 'curl', INFO);
  });

  it('accepts one tool per stage, and installing the other one', () => {
    none(CODE, stage('RUN curl -O https://x && curl -O https://y'));
    none(CODE, stage('RUN apt-get install -y curl wget'));
    none(CODE, df('FROM debian:12 AS a', 'RUN curl -O https://x', 'FROM debian:12', 'RUN wget https://y', 'USER nobody'));
  });
});

describe('wget-without-progress', () => {
  const CODE = 'wget-without-progress';
  it('flags wget with no progress or verbosity option, on the program, past sudo and a path', () => {
    const d = one(CODE, stage('RUN wget https://example.com/a.tar.gz'), 'wget', INFO);
    assert.match(d.message, /--progress=dot:giga/);
    one(CODE, stage('RUN sudo /usr/bin/wget -O /tmp/a https://x'), '/usr/bin/wget', INFO);
    one(CODE, stage('RUN wget -c --tries=3 https://x && tar xf a.tgz'), 'wget', INFO);
    one(CODE, stage('RUN wget -nc https://x'), 'wget', INFO);
    one(CODE, stage('RUN wget -- -q'), 'wget', INFO);
    assert.equal(of(CODE, stage('RUN wget https://x && wget -q https://y && wget https://z')).length, 2);
  });

  it('accepts --progress, -q, -nv, a log file, help, and short options clustered', () => {
    none(CODE, stage('RUN wget --progress=dot:giga https://x'));
    none(CODE, stage('RUN wget --progress=bar:force https://x'));
    none(CODE, stage('RUN wget -q https://x'));
    none(CODE, stage('RUN wget --quiet https://x'));
    none(CODE, stage('RUN wget -nv https://x'));
    none(CODE, stage('RUN wget --no-verbose https://x'));
    none(CODE, stage('RUN wget -o /tmp/wget.log https://x'));
    none(CODE, stage('RUN wget --append-output=/tmp/wget.log https://x'));
    none(CODE, stage('RUN wget -qO- https://x | tar xz'));
    none(CODE, stage('RUN wget -cq https://x'));
    none(CODE, stage('RUN wget --version'));
    none(CODE, stage('RUN curl -fsSLO https://x'));
    none(CODE, stage('RUN echo wget https://x'));
  });
});

describe('useradd-high-uid', () => {
  const CODE = 'useradd-high-uid';
  it('flags useradd with a UID above 99999 and no -l, however the UID is written', () => {
    const d = one(CODE, stage('RUN useradd -u 123456 app'), 'useradd', WARNING);
    assert.match(d.message, /123456/);
    assert.match(d.message, /-l/);
    one(CODE, stage('RUN useradd -u123456 app'), 'useradd', WARNING);
    one(CODE, stage('RUN useradd --uid 100000 app'), 'useradd', WARNING);
    one(CODE, stage('RUN useradd --uid=100000 app'), 'useradd', WARNING);
    one(CODE, stage('RUN groupadd -g 2000000 app && useradd -rmu 2000000 -g app app'), 'useradd', WARNING);
    one(CODE, stage('RUN sudo /usr/sbin/useradd -c "long name" -u 123456 app'), '/usr/sbin/useradd', WARNING);
  });

  it('accepts -l or --no-log-init, a UID up to 99999, no UID, a UID from a variable, and -l given as a value', () => {
    none(CODE, stage('RUN useradd -l -u 123456 app'));
    none(CODE, stage('RUN useradd -u 123456 --no-log-init app'));
    none(CODE, stage('RUN useradd -rlu 123456 app'));
    none(CODE, stage('RUN useradd -u 99999 app'));
    none(CODE, stage('RUN useradd -u 12345 app'));
    none(CODE, stage('RUN useradd app'));
    none(CODE, stage('RUN useradd -u "$APP_UID" app'));
    none(CODE, stage('RUN useradd -c 123456 app'));
    none(CODE, stage('RUN groupadd -g 123456 app'));
    none(CODE, stage('RUN echo useradd -u 123456 app'));
  });

  it('does not read a value as an option: -s -l is a shell named -l', () => {
    one(CODE, stage('RUN useradd -s -l -u 123456 app'), 'useradd', WARNING);
    one(CODE, stage('RUN useradd --comment -l -u 123456 app'), 'useradd', WARNING);
  });
});

describe('run-consecutive', () => {
  const CODE = 'run-consecutive';
  it('flags a RUN right after a RUN, on the second keyword, at hint level', () => {
    const d = one(CODE, stage('RUN a', '# comment', 'RUN b'), 'RUN', HINT);
    assert.equal(d.line, 3);
  });

  it('accepts RUNs separated by another instruction, with different flags, or in exec form', () => {
    none(CODE, stage('RUN a', 'WORKDIR /x', 'RUN b'));
    none(CODE, stage('RUN a', 'RUN --mount=type=cache,target=/root/.cache b'));
    none(CODE, stage('RUN ["a"]', 'RUN b'));
    none(CODE, df('FROM debian:12', 'RUN a', 'FROM debian:12', 'RUN b', 'USER nobody'));
  });
});

describe('escape directive and CRLF', () => {
  it('reads commands across backtick continuation lines and CRLF', () => {
    const text = df('# escape=`', 'FROM debian:12', 'RUN sudo apt-get install `', '    curl', 'USER nobody');
    one('sudo-in-run', text, 'sudo', WARNING);
    one('apt-missing-yes', text, 'apt-get install', WARNING);
    const crlf = 'FROM debian:12\r\nRUN apt-get install \\\r\n  curl\r\nUSER nobody\r\n';
    one('apt-missing-yes', crlf, 'apt-get install', WARNING);
  });
});
