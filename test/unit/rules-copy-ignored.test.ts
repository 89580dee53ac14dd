/** copy-ignored-file (BuildKit CopyIgnoredFile): COPY/ADD sources the build context's ignore file excludes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { df, none, of, one, WARNING } from '../fixtures/rules/helpers';

const CODE = 'copy-ignored-file';
const ignoring = (text: string, name = '.dockerignore') => ({ dockerignore: { name, text } });
const stage = (...lines: string[]) => df('FROM node:20', ...lines, 'USER node');
const found = (text: string, ignore: string) => of(CODE, text, ignoring(ignore)).map((d) => d.text);

describe('copy-ignored-file', () => {
  it('flags an excluded source of COPY and ADD, on the source, naming the ignore file', () => {
    const d = one(CODE, stage('COPY Dockerfile .'), 'Dockerfile', WARNING, ignoring('Dockerfile\n'));
    assert.match(d.message, /excluded by \.dockerignore/);
    one(CODE, stage('ADD Dockerfile /windy'), 'Dockerfile', WARNING, ignoring('Dockerfile\n'));
    const beside = one(CODE, stage('COPY app.env /app/'), 'app.env', WARNING, ignoring('*.env\n', 'Dockerfile.dockerignore'));
    assert.match(beside.message, /Dockerfile\.dockerignore/);
  });

  it('is quiet without an ignore file, and honours check=skip', () => {
    none(CODE, stage('COPY Dockerfile .'));
    none(CODE, df('# check=skip=CopyIgnoredFile', 'FROM node:20', 'COPY Dockerfile .', 'USER node'), ignoring('Dockerfile\n'));
  });

  it('matches the engine’s patterns: folders above, `*` within one level, `**` across levels, comments', () => {
    assert.deepEqual(found(stage('COPY src/app/main.js docs/a/b/c.md README.md /app/'), '# build output\nsrc/app\n**/*.md\n!README.md\n'), [
      'src/app/main.js',
      'docs/a/b/c.md',
    ]);
    assert.deepEqual(found(stage('COPY a/b.md c.md /app/'), '*.md\n'), ['c.md']);
    assert.deepEqual(found(stage('COPY ./node_modules/x /app/', 'COPY ./lib/../node_modules /app/nm'), 'node_modules\n'), [
      './node_modules/x',
      './lib/../node_modules',
    ]);
  });

  it('takes negation into account: re-included files, and folders a `!` line may re-include files under', () => {
    none(CODE, stage('COPY ./Dockerfile .'), ignoring('**\n!Dockerfile\n'));
    none(CODE, stage('COPY config /app/config'), ignoring('config\n!config/default.json\n'));
    one(CODE, stage('COPY secrets /app/secrets'), 'secrets', WARNING, ignoring('secrets\nconfig\n!config/default.json\n'));
  });

  it('flags `.` only when everything in the context is excluded', () => {
    one(CODE, stage('COPY . .'), '.', WARNING, ignoring('*\n'));
    none(CODE, stage('COPY . .'), ignoring('.*\n'));
    none(CODE, stage('COPY . .'), ignoring('**\n!Dockerfile\n'));
  });

  it('checks JSON-form sources, on the quoted source', () => {
    one(CODE, stage('COPY ["app.env", "/app/"]'), '"app.env"', WARNING, ignoring('*.env\n'));
  });

  it('does not check COPY --from, heredoc sources, URLs, git sources or variables', () => {
    const ignore = ignoring('foobar\n*\n');
    none(CODE, df('FROM node:20 AS base', 'FROM node:20', 'COPY --from=base /foobar /x', 'USER node'), ignore);
    none(CODE, stage('COPY <<EOF /foobar', 'hello', 'EOF'), ignore);
    none(CODE, stage('ADD https://example.com/foobar.tgz /x/'), ignore);
    none(CODE, stage('ADD git@github.com:moby/buildkit.git /src'), ignore);
    none(CODE, stage('ARG F=foobar', 'COPY $F /x'), ignore);
  });
});
