/** The apt-update-alone fix: move `apt-get update` into the RUN that installs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, fix, fixTitles, lines, preferred } from '../fixtures/fixes/helpers';

const CODE = 'apt-update-alone';
// The merged RUN now runs the update, so its layer holds the lists: that finding is the next step.
const MERGE = { allowNew: ['apt-lists-kept'] };

describe('apt merge', () => {
  it('removes a RUN that only updates and prefixes the update to the install RUN', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y --no-install-recommends curl', 'USER 1000');
    const { title, text: after } = preferred(text, CODE, MERGE);
    assert.equal(title, "Move 'apt-get update' into the RUN that installs (line 3)");
    assert.equal(after, lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl', 'USER 1000'));
  });

  it('keeps the update options and the install RUN continuation lines', () => {
    const text = lines('FROM debian:12', 'RUN apt-get -qq update', 'RUN apt-get install -y \\', '      curl \\', '      git', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Move', MERGE),
      lines('FROM debian:12', 'RUN apt-get -qq update && apt-get install -y \\', '      curl \\', '      git', 'USER 1000'),
    );
  });

  it('inserts the update right before the install, after the commands that precede it', () => {
    const text = lines(
      'FROM debian:12',
      'RUN apt update',
      'ENV DEBIAN_FRONTEND=noninteractive',
      'RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/bp.list && apt install -y jq',
      'USER 1000',
    );
    assert.equal(
      fix(text, CODE, 'Move', MERGE),
      lines(
        'FROM debian:12',
        'ENV DEBIAN_FRONTEND=noninteractive',
        'RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/bp.list && apt update && apt install -y jq',
        'USER 1000',
      ),
    );
  });

  it('merges into an upgrade too', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update', 'RUN apt-get -y dist-upgrade', 'USER 1000');
    assert.equal(fix(text, CODE, 'Move', MERGE), lines('FROM debian:12', 'RUN apt-get update && apt-get -y dist-upgrade', 'USER 1000'));
  });

  it('keeps the rest of a RUN that updates and does something else', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update && mkdir -p /opt/app', 'RUN apt-get install -y curl', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Move', MERGE),
      lines('FROM debian:12', 'RUN mkdir -p /opt/app', 'RUN apt-get update && apt-get install -y curl', 'USER 1000'),
    );
  });

  it('keeps the rest when the update comes last', () => {
    const text = lines('FROM debian:12', 'RUN mkdir -p /opt/app && apt-get update', 'RUN apt-get install -y curl', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Move', MERGE),
      lines('FROM debian:12', 'RUN mkdir -p /opt/app', 'RUN apt-get update && apt-get install -y curl', 'USER 1000'),
    );
  });

  it('keeps the rest when && starts the continuation line', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update \\', ' && mkdir -p /opt/app', 'RUN apt-get install -y curl', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Move', MERGE),
      lines('FROM debian:12', 'RUN mkdir -p /opt/app', 'RUN apt-get update && apt-get install -y curl', 'USER 1000'),
    );
  });

  it('keeps indentation', () => {
    const text = lines('FROM debian:12', '    RUN apt-get update', '    RUN apt-get install -y curl', 'USER 1000');
    assert.equal(fix(text, CODE, 'Move', MERGE), lines('FROM debian:12', '    RUN apt-get update && apt-get install -y curl', 'USER 1000'));
  });

  it('offers no merge when no later RUN installs', () => {
    const { actions } = actionsFor(lines('FROM debian:12', 'RUN apt-get update', 'RUN echo hi', 'USER 1000'), CODE);
    assert.deepEqual(fixTitles(actions), []);
    assert.equal(actions.length, 2, 'the ignore fixes remain');
  });

  it('offers no merge into an install of a later stage', () => {
    const { actions } = actionsFor(
      lines('FROM debian:12 AS a', 'RUN apt-get update', 'FROM debian:12', 'RUN apt-get install -y curl', 'USER 1000'),
      CODE,
    );
    assert.deepEqual(fixTitles(actions), []);
  });

  it('offers no merge into an install RUN in exec form', () => {
    const { actions } = actionsFor(
      lines('FROM debian:12', 'RUN apt-get update', 'RUN ["apt-get", "install", "-y", "curl"]', 'USER 1000'),
      CODE,
    );
    assert.deepEqual(fixTitles(actions), []);
  });
});
