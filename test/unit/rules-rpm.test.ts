/** The yum, dnf/microdnf and zypper rules (hadolint DL3030–DL3041): prompts, caches, pins, dist-upgrade. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fix, lines, preferred } from '../fixtures/fixes/helpers';
import { df, INFO, none, of, one, WARNING } from '../fixtures/rules/helpers';

const centos = (...rest: string[]) => df('FROM centos:7', ...rest, 'USER app');
const fedora = (...rest: string[]) => df('FROM fedora:40', ...rest, 'USER app');
const suse = (...rest: string[]) => df('FROM opensuse/leap:15.6', ...rest, 'USER app');

describe('yum-missing-yes (DL3030)', () => {
  const CODE = 'yum-missing-yes';
  it('flags the actions that ask, ranged from the program to the action', () => {
    const d = one(CODE, centos('RUN yum install httpd && yum clean all'), 'yum install', WARNING);
    assert.match(d.message, /Add -y/);
    one(CODE, centos('RUN yum --enablerepo epel install httpd && yum clean all'), 'yum --enablerepo epel install', WARNING);
    one(CODE, centos('RUN yum remove httpd'), 'yum remove', WARNING);
    one(CODE, centos('RUN yum update && yum clean all'), 'yum update', WARNING);
    one(CODE, centos('RUN yum groupinstall "Development Tools" && yum clean all'), 'yum groupinstall', WARNING);
    one(CODE, centos('RUN yum module install nodejs:18 && yum clean all'), 'yum module install', WARNING);
    one(CODE, centos('RUN sudo yum install httpd && yum clean all'), 'yum install', WARNING);
  });

  it('accepts -y wherever it stands, --assumeyes, clusters, and actions that do not ask', () => {
    none(CODE, centos('RUN yum install -y httpd && yum clean all'));
    none(CODE, centos('RUN yum -y install httpd && yum clean all'));
    none(CODE, centos('RUN yum install httpd -y && yum clean all'));
    none(CODE, centos('RUN yum --assumeyes install httpd && yum clean all'));
    none(CODE, centos('RUN yum -qy install httpd && yum clean all'));
    none(CODE, centos('RUN yum --setopt=assumeyes=1 install httpd && yum clean all'));
    none(CODE, centos('RUN yum clean all && yum makecache && yum info httpd && yum list installed'));
    none(CODE, centos('RUN yes | yum install httpd && yum clean all'));
  });

  it('accepts assumeyes written to a config file anywhere in the file', () => {
    none(CODE, centos('RUN echo "assumeyes=1" >> /etc/yum.conf', 'RUN yum install httpd && yum clean all'));
  });

  it('does not mistake an option value for the action (`--setopt keepcache=0`)', () => {
    one(CODE, centos('RUN yum --setopt keepcache=0 install httpd && yum clean all'), 'yum --setopt keepcache=0 install', WARNING);
  });

  it('reads ONBUILD RUN and heredoc scripts, and fixes by adding -y after the action', () => {
    one(CODE, centos('ONBUILD RUN yum install httpd && yum clean all'), 'yum install', WARNING);
    one(CODE, centos('RUN <<EOF', 'yum install httpd', 'yum clean all', 'EOF'), 'yum install', WARNING);
    const text = lines('FROM centos:7', 'RUN yum install httpd && yum clean all', 'USER app');
    assert.deepEqual(preferred(text, CODE), {
      title: 'Add -y',
      text: lines('FROM centos:7', 'RUN yum install -y httpd && yum clean all', 'USER app'),
    });
  });
});

describe('dnf-missing-yes (DL3038)', () => {
  const CODE = 'dnf-missing-yes';
  it('flags dnf, dnf5 and module/group actions without -y', () => {
    one(CODE, fedora('RUN dnf install httpd && dnf clean all'), 'dnf install', WARNING);
    one(CODE, fedora('RUN dnf5 install httpd && dnf5 clean all'), 'dnf5 install', WARNING);
    one(
      CODE,
      fedora('RUN dnf --setopt=install_weak_deps=False install httpd && dnf clean all'),
      'dnf --setopt=install_weak_deps=False install',
      WARNING,
    );
    one(CODE, fedora('RUN dnf module enable nodejs:20 && dnf clean all'), 'dnf module enable', WARNING);
    one(CODE, fedora('RUN dnf group install "C Development Tools and Libraries" && dnf clean all'), 'dnf group install', WARNING);
  });

  it('accepts -y anywhere, assumeyes=True in dnf.conf, and microdnf, which never asks', () => {
    none(CODE, fedora('RUN dnf -y --nodocs install httpd && dnf clean all'));
    none(CODE, fedora('RUN dnf install --nodocs -y httpd && dnf clean all'));
    none(CODE, fedora('RUN dnf module install -y nodejs:20 && dnf clean all'));
    none(CODE, fedora('RUN printf "assumeyes=True\\n" >> /etc/dnf/dnf.conf', 'RUN dnf install httpd && dnf clean all'));
    none(CODE, df('FROM registry.access.redhat.com/ubi9/ubi-minimal', 'RUN microdnf install httpd && microdnf clean all', 'USER app'));
  });

  it('leaves yum to yum-missing-yes', () => {
    none(CODE, centos('RUN yum install httpd && yum clean all'));
  });
});

describe('zypper-missing-non-interactive (DL3034)', () => {
  const CODE = 'zypper-missing-non-interactive';
  it('flags the commands that ask, with their short names', () => {
    const d = one(CODE, suse('RUN zypper install curl && zypper clean'), 'zypper install', WARNING);
    assert.match(d.message, /--non-interactive/);
    one(CODE, suse('RUN zypper in curl && zypper cc -a'), 'zypper in', WARNING);
    one(CODE, suse('RUN zypper rm curl'), 'zypper rm', WARNING);
    one(CODE, suse('RUN zypper patch && zypper clean'), 'zypper patch', WARNING);
    one(CODE, suse('RUN zypper --gpg-auto-import-keys update && zypper clean'), 'zypper --gpg-auto-import-keys update', WARNING);
  });

  it('accepts -n/--non-interactive before the command and -y/--no-confirm after it', () => {
    none(CODE, suse('RUN zypper -n install curl && zypper clean'));
    none(CODE, suse('RUN zypper --non-interactive in curl && zypper clean'));
    none(CODE, suse('RUN zypper -nq in curl && zypper clean'));
    none(CODE, suse('RUN zypper install -y curl && zypper clean'));
    none(CODE, suse('RUN zypper in --no-confirm curl && zypper clean'));
    none(CODE, suse('RUN zypper refresh && zypper search curl'));
  });

  it('does not take `-n` after the command (`--name`) for non-interactive', () => {
    one(CODE, suse('RUN zypper install -n curl && zypper clean'), 'zypper install', WARNING);
  });

  it('fixes with the global --non-interactive right after zypper', () => {
    const text = lines('FROM opensuse/leap:15.6', 'RUN zypper in curl && zypper clean', 'USER app');
    assert.equal(
      fix(text, CODE, 'Add --non-interactive'),
      lines('FROM opensuse/leap:15.6', 'RUN zypper --non-interactive in curl && zypper clean', 'USER app'),
    );
  });
});

describe('zypper-dist-upgrade (DL3035)', () => {
  const CODE = 'zypper-dist-upgrade';
  it('flags dist-upgrade and dup, whatever the options', () => {
    one(CODE, suse('RUN zypper -n dist-upgrade && zypper clean'), 'zypper -n dist-upgrade', WARNING);
    one(CODE, suse('RUN zypper --non-interactive dup --no-recommends && zypper clean'), 'zypper --non-interactive dup', WARNING);
  });

  it('accepts update and patch, and other programs saying dup', () => {
    none(CODE, suse('RUN zypper -n update && zypper -n patch && zypper clean'));
    none(CODE, suse('RUN echo dist-upgrade && dup2 dist-upgrade'));
  });
});

describe('yum-cache-kept (DL3032), dnf-cache-kept (DL3040), zypper-cache-kept (DL3036)', () => {
  it('flags the last command that fills the cache when no clean-up follows it', () => {
    const d = one('yum-cache-kept', centos('RUN yum install -y httpd'), 'yum install', INFO);
    assert.match(d.message, /yum clean all/);
    one('yum-cache-kept', centos('RUN yum -y update && yum -y install httpd'), 'yum -y install', INFO);
    one('dnf-cache-kept', fedora('RUN dnf install -y httpd'), 'dnf install', INFO);
    one('dnf-cache-kept', df('FROM ubi9/ubi-minimal', 'RUN microdnf install -y httpd', 'USER app'), 'microdnf install', INFO);
    one('zypper-cache-kept', suse('RUN zypper -n install curl'), 'zypper -n install', INFO);
    one('zypper-cache-kept', suse('RUN zypper -n refresh'), 'zypper -n refresh', INFO);
  });

  it('flags a clean-up that comes before the install, where it saves nothing', () => {
    one('yum-cache-kept', centos('RUN yum clean all && yum install -y httpd'), 'yum install', INFO);
    one('dnf-cache-kept', fedora('RUN rm -rf /var/cache/dnf && dnf install -y httpd'), 'dnf install', INFO);
  });

  it('accepts clean all, rm of the cache folder, and the other tool of the family', () => {
    none('yum-cache-kept', centos('RUN yum install -y httpd && yum clean all'));
    none('yum-cache-kept', centos('RUN yum install -y httpd && rm -rf /var/cache/yum/*'));
    none('yum-cache-kept', centos('RUN yum install -y httpd && dnf clean all'));
    none('dnf-cache-kept', fedora('RUN dnf install -y httpd && dnf clean all'));
    none('dnf-cache-kept', fedora('RUN dnf install -y httpd && rm -rf /var/cache/dnf /var/cache/yum'));
    none('dnf-cache-kept', fedora('RUN dnf5 install -y httpd && rm -rf /var/cache/libdnf5'));
    none('dnf-cache-kept', df('FROM ubi9/ubi-minimal', 'RUN microdnf install -y httpd && microdnf clean all', 'USER app'));
    none('zypper-cache-kept', suse('RUN zypper -n install curl && zypper clean --all'));
    none('zypper-cache-kept', suse('RUN zypper -n in curl && zypper -n cc -a'));
    none('zypper-cache-kept', suse('RUN zypper -n in curl && rm -rf /var/cache/zypp/*'));
  });

  it('does not take `dnf clean packages` for a clean-up of the metadata', () => {
    one('dnf-cache-kept', fedora('RUN dnf install -y httpd && dnf clean packages'), 'dnf install', INFO);
  });

  it('accepts a cache or tmpfs mount on the cache and a stage the final image does not keep', () => {
    none('dnf-cache-kept', fedora('RUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd'));
    none('yum-cache-kept', centos('RUN --mount=type=tmpfs,target=/var/cache/yum yum install -y httpd'));
    none('zypper-cache-kept', suse('RUN --mount=type=cache,target=/var/cache/zypp zypper -n in curl'));
    none('dnf-cache-kept', df('FROM fedora:40 AS build', 'RUN dnf install -y gcc', 'FROM scratch', 'COPY --from=build /x /x'));
  });

  it('leaves installs that do not download (remove, info) alone', () => {
    none('dnf-cache-kept', fedora('RUN dnf remove -y httpd && dnf info curl'));
  });

  it('fixes by appending the clean-up the program used to the RUN', () => {
    assert.equal(
      fix(lines('FROM fedora:40', 'RUN dnf install -y httpd', 'USER app'), 'dnf-cache-kept', "Add '&& dnf clean all'"),
      lines('FROM fedora:40', 'RUN dnf install -y httpd && dnf clean all', 'USER app'),
    );
    assert.equal(
      fix(lines('FROM ubi9/ubi-minimal', 'RUN microdnf install -y httpd', 'USER app'), 'dnf-cache-kept', "Add '&& microdnf clean all'"),
      lines('FROM ubi9/ubi-minimal', 'RUN microdnf install -y httpd && microdnf clean all', 'USER app'),
    );
    assert.equal(
      fix(lines('FROM opensuse/leap:15.6', 'RUN zypper -n in curl', 'USER app'), 'zypper-cache-kept', "Add '&& zypper clean --all'"),
      lines('FROM opensuse/leap:15.6', 'RUN zypper -n in curl && zypper clean --all', 'USER app'),
    );
  });
});

describe('yum-unpinned (DL3033), dnf-unpinned (DL3041), zypper-unpinned (DL3037)', () => {
  const on = (code: string) => ({ severities: { [code]: 'warning' as const } });
  const names = (code: string, text: string) => of(code, text, on(code)).map((d) => d.text);

  it('are off by default', () => {
    none('yum-unpinned', centos('RUN yum install -y httpd && yum clean all'));
    none('dnf-unpinned', fedora('RUN dnf install -y httpd && dnf clean all'));
    none('zypper-unpinned', suse('RUN zypper -n in curl && zypper clean'));
  });

  it('yum/dnf: a dash before a digit or a comparison pins; a dash before a letter does not', () => {
    const text = centos('RUN yum install -y httpd-2.4.6 python3-pip perl-5.16.3-299.el7 "mod_ssl >= 2.4" gcc-c++ && yum clean all');
    assert.deepEqual(names('yum-unpinned', text), ['python3-pip', 'gcc-c++']);
    assert.deepEqual(names('dnf-unpinned', fedora('RUN dnf install -y nodejs-1:20.11.1 git && dnf clean all')), ['git']);
    assert.deepEqual(names('dnf-unpinned', df('FROM ubi9/ubi-minimal', 'RUN microdnf install -y git && microdnf clean all', 'USER app')), [
      'git',
    ]);
  });

  it('yum/dnf: skips option values, files, provides, globs, groups; a module wants its stream', () => {
    const text = fedora(
      'RUN dnf --enablerepo crb install -y --setopt install_weak_deps=0 ./local.rpm /usr/bin/make "pkgconfig(zlib)" php-* @core $PKG && dnf clean all',
    );
    assert.deepEqual(names('dnf-unpinned', text), []);
    assert.deepEqual(names('dnf-unpinned', fedora('RUN dnf module install -y nodejs nodejs:20 && dnf clean all')), ['nodejs']);
    assert.deepEqual(names('dnf-unpinned', fedora('RUN dnf group install -y development-tools && dnf clean all')), []);
  });

  it('zypper: `=`, `>=`, `<` pin; patterns are not checked', () => {
    const text = suse('RUN zypper -n in --repo oss curl=8.6.0 "git>=2.43" vim && zypper clean');
    assert.deepEqual(names('zypper-unpinned', text), ['vim']);
    assert.deepEqual(names('zypper-unpinned', suse('RUN zypper -n in -t pattern devel_basis && zypper clean')), []);
  });
});
