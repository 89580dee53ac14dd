/** apt-update-alone: apt-get update in a RUN without an install. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { df, none, one, WARNING } from '../fixtures/rules/helpers';

const CODE = 'apt-update-alone';
const stage = (...lines: string[]) => df('FROM debian:12', ...lines, 'USER nobody');

describe('apt-update-alone', () => {
  it('flags apt-get update alone, ranged on `apt-get update`, saying what to do', () => {
    const d = one(CODE, stage('RUN apt-get update'), 'apt-get update', WARNING);
    assert.match(d.message, /same RUN as 'apt-get install'/);
  });

  it('flags `apt update` alone too', () => {
    one(CODE, stage('RUN apt update'), 'apt update', WARNING);
  });

  it('flags update followed by an install in a later RUN (the classic stale-cache layer)', () => {
    const d = one(CODE, stage('RUN apt-get update', 'RUN apt-get install -y curl'), 'apt-get update', WARNING);
    assert.equal(d.line, 1);
  });

  it('flags update with options, sudo, a full path and other commands in the same RUN', () => {
    one(CODE, stage('RUN apt-get -qq update'), 'apt-get -qq update', WARNING);
    one(CODE, stage('RUN sudo apt-get update'), 'apt-get update', WARNING);
    one(CODE, stage('RUN /usr/bin/apt-get update'), '/usr/bin/apt-get update', WARNING);
    one(CODE, stage('RUN apt-get update && rm -rf /var/lib/apt/lists/*'), 'apt-get update', WARNING);
    one(CODE, stage('RUN set -eux; apt-get update || true'), 'apt-get update', WARNING);
  });

  it('flags update alone in a heredoc, ranged inside the body', () => {
    const d = one(CODE, stage('RUN <<EOF', 'set -e', 'apt-get update', 'EOF'), 'apt-get update', WARNING);
    assert.equal(d.line, 3);
  });

  it('accepts update and install in one RUN', () => {
    none(CODE, stage('RUN apt-get update && apt-get install -y --no-install-recommends curl'));
    none(CODE, stage('RUN apt update && apt install -y curl'));
    none(CODE, stage('RUN apt-get update; apt-get install -y curl'));
    none(CODE, stage('RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata'));
  });

  it('accepts upgrades and build-dep as the step that uses the fresh index', () => {
    none(CODE, stage('RUN apt-get update && apt-get upgrade -y'));
    none(CODE, stage('RUN apt-get update && apt-get dist-upgrade -y'));
    none(CODE, stage('RUN apt-get update && apt-get build-dep -y python3'));
  });

  it('accepts update and install across continuation lines, with comments between them', () => {
    none(CODE, stage('RUN apt-get update \\', ' && apt-get install -y curl \\', ' && rm -rf /var/lib/apt/lists/*'));
    none(CODE, stage('RUN apt-get update \\', '# the packages we need', ' && apt-get install -y curl'));
  });

  it('accepts update and install across continuation lines with the backtick escape', () => {
    none(CODE, df('# escape=`', 'FROM debian:12', 'RUN apt-get update `', ' && apt-get install -y curl', 'USER nobody'));
  });

  it('accepts update and install in a heredoc', () => {
    none(CODE, stage('RUN <<EOF', 'apt-get update', 'apt-get install -y curl', 'EOF'));
    none(CODE, stage('RUN <<-EOF', '\tapt-get update', '\tapt-get install -y curl', '\tEOF'));
  });

  it('accepts update and install in exec form', () => {
    none(CODE, stage('RUN ["sh", "-c", "apt-get update && apt-get install -y curl"]'));
  });

  it('ignores RUNs without apt, and apt mentioned in strings or comments', () => {
    none(CODE, stage('RUN apk update && apk add curl'));
    none(CODE, stage('RUN echo "apt-get update is not run here"'));
    none(CODE, stage('RUN true # apt-get update'));
    none(CODE, stage('RUN apt-get install -y curl'));
  });

  it('ranges the command, not an earlier mention in a string', () => {
    const text = stage('RUN echo "apt-get update" && apt-get update');
    const d = one(CODE, text, 'apt-get update', WARNING);
    assert.equal(d.diagnostic.range.start.character, 'RUN echo "apt-get update" && '.length);
  });

  it('ranges `apt-get update` split over a continuation line', () => {
    one(CODE, stage('RUN apt-get \\', '    update'), 'apt-get \\\n    update', WARNING);
  });

  it('ranges the exec form words, not the RUN keyword', () => {
    one(CODE, stage('RUN ["apt-get", "update"]'), '"apt-get", "update"', WARNING);
  });

  it('accepts an install under if/then', () => {
    none(CODE, stage('RUN apt-get update && if [ "$DEV" = 1 ]; then apt-get install -y gdb; fi'));
  });
});
