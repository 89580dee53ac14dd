/**
 * The layer-cache fix: a broad COPY before a dependency install becomes
 * copy-manifests → install → copy the rest, for every ecosystem installers.ts knows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, fix, fixTitles, lines, preferred } from '../fixtures/fixes/helpers';

const CODE = 'cache-copy-before-install';

/** [ecosystem, base image, install command, the manifests the fix copies first]. */
const ECOSYSTEMS: [string, string, string, string][] = [
  ['npm', 'node:20', 'npm ci', 'package.json package-lock.json*'],
  ['npm install', 'node:20', 'npm install --omit=dev', 'package.json package-lock.json*'],
  ['yarn', 'node:20', 'yarn install --frozen-lockfile', 'package.json yarn.lock* .yarnrc.yml*'],
  ['bare yarn', 'node:20', 'yarn', 'package.json yarn.lock* .yarnrc.yml*'],
  ['pnpm', 'node:20', 'pnpm install --frozen-lockfile', 'package.json pnpm-lock.yaml* pnpm-workspace.yaml*'],
  ['bun', 'oven/bun:1', 'bun install --frozen-lockfile', 'package.json bun.lock*'],
  ['pip -r', 'python:3.12', 'pip install --no-cache-dir -r requirements.txt', 'requirements.txt'],
  [
    'python -m pip -r with constraints',
    'python:3.12',
    'python -m pip install -r requirements.txt -c constraints.txt',
    'requirements.txt constraints.txt',
  ],
  ['uv pip -r', 'python:3.12', 'uv pip install --system -r requirements.txt', 'requirements.txt'],
  ['poetry', 'python:3.12', 'poetry install --no-root', 'pyproject.toml poetry.lock*'],
  ['uv', 'python:3.12', 'uv sync --frozen --no-install-project', 'pyproject.toml uv.lock*'],
  ['pipenv', 'python:3.12', 'pipenv install --deploy --system', 'Pipfile Pipfile.lock*'],
  ['go', 'golang:1.22', 'go mod download', 'go.mod go.sum*'],
  ['bundler', 'ruby:3.3', 'bundle install --jobs 4', 'Gemfile Gemfile.lock*'],
  ['composer', 'composer:2', 'composer install --no-dev --no-scripts', 'composer.json composer.lock*'],
  ['maven', 'maven:3.9-eclipse-temurin-21', 'mvn -B dependency:go-offline', 'pom.xml'],
  ['gradle', 'gradle:8-jdk21', 'gradle dependencies --no-daemon', 'build.gradle* settings.gradle* gradle.properties*'],
  ['dotnet', 'mcr.microsoft.com/dotnet/sdk:8.0', 'dotnet restore', '*.sln* *.csproj* *.fsproj* *.vbproj*'],
  ['mix', 'elixir:1.16', 'mix deps.get --only prod', 'mix.exs mix.lock*'],
];

describe('cache reorder: every ecosystem', () => {
  for (const [ecosystem, base, install, manifests] of ECOSYSTEMS) {
    it(`${ecosystem}: copies ${manifests} with the same flags and destination, installs, then copies the rest`, () => {
      const text = lines(`FROM ${base}`, 'WORKDIR /src', 'COPY --chown=1000:1000 . .', `RUN ${install}`, 'USER 1000');
      const { title, text: after } = preferred(text, CODE);
      assert.equal(title, `Copy ${manifests} and install before copying the rest`);
      // Several sources need a directory destination; one file may go to `.`, the WORKDIR.
      const dest = manifests.includes(' ') ? './' : '.';
      assert.equal(
        after,
        lines(
          `FROM ${base}`,
          'WORKDIR /src',
          `COPY --chown=1000:1000 ${manifests} ${dest}`,
          `RUN ${install}`,
          'COPY --chown=1000:1000 . .',
          'USER 1000',
        ),
      );
    });
  }

  it('cargo: the fetch gets a stub target, since Cargo will not read a manifest without one', () => {
    const text = lines('FROM rust:1.79', 'WORKDIR /src', 'COPY . .', 'RUN cargo fetch', 'USER 1000');
    const after = fix(text, CODE, 'Copy');
    assert.equal(
      after,
      lines(
        'FROM rust:1.79',
        'WORKDIR /src',
        'COPY Cargo.toml Cargo.lock* ./',
        'RUN mkdir -p src && touch src/lib.rs && cargo fetch && rm -r src',
        'COPY . .',
        'USER 1000',
      ),
    );
  });

  it('cargo: the manifests still come first', () => {
    const text = lines('FROM rust:1.79', 'WORKDIR /src', 'COPY . .', 'RUN cargo fetch', 'USER 1000');
    const { title, text: after } = preferred(text, CODE);
    assert.equal(title, 'Copy Cargo.toml Cargo.lock* and install before copying the rest');
    assert.match(after, /^COPY Cargo\.toml Cargo\.lock\* \.\/\n(.*\n)?.*cargo fetch.*\nCOPY \. \.\n/m);
  });

  it('gradle wrapper: copies gradlew and gradle/ with the build files', () => {
    const text = lines('FROM eclipse-temurin:21', 'WORKDIR /src', 'COPY . .', 'RUN ./gradlew dependencies --no-daemon', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM eclipse-temurin:21',
        'WORKDIR /src',
        'COPY gradlew build.gradle* settings.gradle* gradle.properties* ./',
        'COPY gradle ./gradle/',
        'RUN ./gradlew dependencies --no-daemon',
        'COPY . .',
        'USER 1000',
      ),
    );
  });

  it('maven wrapper: copies mvnw and .mvn/ with pom.xml', () => {
    const text = lines('FROM eclipse-temurin:21', 'WORKDIR /src', 'COPY . .', 'RUN ./mvnw dependency:go-offline', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM eclipse-temurin:21',
        'WORKDIR /src',
        'COPY mvnw pom.xml ./',
        'COPY .mvn ./.mvn/',
        'RUN ./mvnw dependency:go-offline',
        'COPY . .',
        'USER 1000',
      ),
    );
  });

  it('poetry: the early install skips the project, which is installed once the sources are in', () => {
    const text = lines('FROM python:3.12', 'WORKDIR /src', 'COPY . .', 'RUN poetry install --only main', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM python:3.12',
        'WORKDIR /src',
        'COPY pyproject.toml poetry.lock* ./',
        'RUN poetry install --only main --no-root',
        'COPY . .',
        'RUN poetry install --only main',
        'USER 1000',
      ),
    );
  });

  it('uv: the early sync skips the project, which is installed once the sources are in', () => {
    const text = lines('FROM python:3.12', 'WORKDIR /src', 'COPY . .', 'RUN uv sync --locked', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM python:3.12',
        'WORKDIR /src',
        'COPY pyproject.toml uv.lock* ./',
        'RUN uv sync --locked --no-install-project',
        'COPY . .',
        'RUN uv sync --locked',
        'USER 1000',
      ),
    );
  });
});

describe('cache reorder: manifests and destinations', () => {
  it('copies a requirements file in a subfolder to the same subfolder', () => {
    const text = lines('FROM python:3.12', 'WORKDIR /app', 'COPY . .', 'RUN pip install -r requirements/prod.txt', 'USER 1000');
    const after = fix(text, CODE, 'Copy requirements/prod.txt');
    assert.equal(
      after,
      lines(
        'FROM python:3.12',
        'WORKDIR /app',
        'COPY requirements/prod.txt ./requirements/',
        'RUN pip install -r requirements/prod.txt',
        'COPY . .',
        'USER 1000',
      ),
    );
  });

  it('groups requirements files by folder, under an absolute destination', () => {
    const text = lines(
      'FROM python:3.12',
      'COPY --chown=app . /app/',
      'WORKDIR /app',
      'RUN pip install -r requirements.txt -r deps/dev.txt -r deps/test.txt',
      'USER app',
    );
    const after = fix(text, CODE, 'Copy');
    assert.equal(
      after,
      lines(
        'FROM python:3.12',
        'COPY --chown=app requirements.txt /app/',
        'COPY --chown=app deps/dev.txt deps/test.txt /app/deps/',
        'WORKDIR /app',
        'RUN pip install -r requirements.txt -r deps/dev.txt -r deps/test.txt',
        'COPY --chown=app . /app/',
        'USER app',
      ),
    );
  });

  it('reads --requirement=file', () => {
    const text = lines('FROM python:3.12', 'WORKDIR /app', 'COPY . .', 'RUN pip install --requirement=reqs/base.txt', 'USER 1000');
    assert.match(fix(text, CODE, 'Copy'), /^COPY reqs\/base\.txt \.\/reqs\/$/m);
  });

  it('keeps every flag of the COPY on both copies', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY --chown=node:node --chmod=644 --link . .', 'RUN npm ci', 'USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM node:20',
        'WORKDIR /app',
        'COPY --chown=node:node --chmod=644 --link package.json package-lock.json* ./',
        'RUN npm ci',
        'COPY --chown=node:node --chmod=644 --link . .',
        'USER node',
      ),
    );
  });

  it('copies to an absolute destination with a slash, so several sources land in a folder', () => {
    const text = lines('FROM node:20', 'COPY . /app', 'WORKDIR /app', 'RUN npm ci', 'USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines('FROM node:20', 'COPY package.json package-lock.json* /app/', 'WORKDIR /app', 'RUN npm ci', 'COPY . /app', 'USER node'),
    );
  });

  it('copies one manifest into the destination folder, not onto a file of its name', () => {
    const text = lines('FROM maven:3.9', 'COPY . /app', 'WORKDIR /app', 'RUN mvn dependency:go-offline', 'USER 1000');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines('FROM maven:3.9', 'COPY pom.xml /app/', 'WORKDIR /app', 'RUN mvn dependency:go-offline', 'COPY . /app', 'USER 1000'),
    );
  });

  it('works with ADD and with ./ as the source', () => {
    const text = lines('FROM python:3.12', 'WORKDIR /app', 'ADD ./ /app/', 'RUN pip install -r requirements.txt', 'USER 1000');
    assert.equal(
      // The manifest copy keeps the ADD as written, so add-instead-of-copy finds one more.
      fix(text, CODE, 'Copy', { allowNew: ['add-instead-of-copy'] }),
      lines(
        'FROM python:3.12',
        'WORKDIR /app',
        'ADD requirements.txt /app/',
        'RUN pip install -r requirements.txt',
        'ADD ./ /app/',
        'USER 1000',
      ),
    );
  });

  it('keeps instructions that cannot read the copy where they are', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'ENV NODE_ENV=production', 'ARG TOKEN', 'RUN npm ci', 'USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM node:20',
        'WORKDIR /app',
        'COPY package.json package-lock.json* ./',
        'ENV NODE_ENV=production',
        'ARG TOKEN',
        'RUN npm ci',
        'COPY . .',
        'USER node',
      ),
    );
  });

  it('keeps indentation', () => {
    const text = lines('FROM node:20', '  WORKDIR /app', '  COPY . .', '  RUN npm ci', '  USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines('FROM node:20', '  WORKDIR /app', '  COPY package.json package-lock.json* ./', '  RUN npm ci', '  COPY . .', '  USER node'),
    );
  });

  it('joins a COPY written over continuation lines', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY --chown=node:node \\', '     . \\', '     ./', 'RUN npm ci', 'USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM node:20',
        'WORKDIR /app',
        'COPY --chown=node:node package.json package-lock.json* ./',
        'RUN npm ci',
        'COPY --chown=node:node . ./',
        'USER node',
      ),
    );
  });

  it('fixes the stage the diagnostic is in', () => {
    const text = lines(
      'FROM node:20 AS web',
      'WORKDIR /web',
      'COPY . .',
      'RUN npm ci',
      'FROM golang:1.22 AS api',
      'WORKDIR /api',
      'COPY . .',
      'RUN go mod download',
      'USER 1000',
    );
    const after = fix(text, CODE, 'Copy go.mod', { index: 1, remaining: 1 });
    assert.equal(
      after,
      lines(
        'FROM node:20 AS web',
        'WORKDIR /web',
        'COPY . .',
        'RUN npm ci',
        'FROM golang:1.22 AS api',
        'WORKDIR /api',
        'COPY go.mod go.sum* ./',
        'RUN go mod download',
        'COPY . .',
        'USER 1000',
      ),
    );
  });
});

describe('cache reorder: splitting the install RUN', () => {
  it('splits npm ci && npm run build around the copy of the rest', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci && npm run build', 'CMD ["node", "dist/index.js"]');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM node:20',
        'WORKDIR /app',
        'COPY package.json package-lock.json* ./',
        'RUN npm ci',
        'COPY . .',
        'RUN npm run build',
        'CMD ["node", "dist/index.js"]',
      ),
    );
  });

  it('keeps everything up to the last install before the copy and the RUN flags on both halves', () => {
    const text = lines(
      'FROM node:20',
      'WORKDIR /app',
      'COPY . .',
      'RUN --mount=type=cache,target=/root/.npm apk add --no-cache git && npm ci && \\',
      '    npm run build && npm prune --omit=dev',
      'USER node',
    );
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM node:20',
        'WORKDIR /app',
        'COPY package.json package-lock.json* ./',
        'RUN --mount=type=cache,target=/root/.npm apk add --no-cache git && npm ci',
        'COPY . .',
        'RUN --mount=type=cache,target=/root/.npm npm run build && npm prune --omit=dev',
        'USER node',
      ),
    );
  });

  it('splits with the escape character of the file', () => {
    const text = lines('# escape=`', 'FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci && `', '    npm run build', 'USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        '# escape=`',
        'FROM node:20',
        'WORKDIR /app',
        'COPY package.json package-lock.json* ./',
        'RUN npm ci',
        'COPY . .',
        'RUN npm run build',
        'USER node',
      ),
    );
  });

  it('moves an exec-form install as a whole', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN ["npm", "ci"]', 'USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines('FROM node:20', 'WORKDIR /app', 'COPY package.json package-lock.json* ./', 'RUN ["npm", "ci"]', 'COPY . .', 'USER node'),
    );
  });

  it('does not move a heredoc that builds after installing ahead of the sources', () => {
    const text = lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN <<EOF', 'npm ci', 'npm run build', 'EOF', 'USER node');
    const { actions } = actionsFor(text, CODE);
    assert.deepEqual(fixTitles(actions), []);
  });

  it('offers no split when the build is not chained with &&', () => {
    for (const run of ['npm ci; npm run build', 'npm ci || true']) {
      const { actions } = actionsFor(lines('FROM node:20', 'WORKDIR /app', 'COPY . .', `RUN ${run}`, 'USER node'), CODE);
      assert.deepEqual(fixTitles(actions), [], run);
    }
  });
});

describe('cache reorder: when not to offer it', () => {
  const none = (text: string, why: string) => {
    const { actions } = actionsFor(text, CODE);
    assert.deepEqual(fixTitles(actions), [], why);
    // The ignore fixes stay available.
    assert.equal(actions.length, 2, why);
  };

  it('a RUN between the copy and the install may use the copy', () => {
    none(
      lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN chmod +x scripts/postinstall.sh', 'RUN npm ci', 'USER node'),
      'RUN between',
    );
  });

  it('a COPY between the copy and the install may overwrite it', () => {
    none(lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'COPY config/.npmrc ./', 'RUN npm ci', 'USER node'), 'COPY between');
  });

  it('an ADD between the copy and the install may overwrite it', () => {
    none(
      lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'ADD https://example.com/x.tgz /tmp/', 'RUN npm ci', 'USER node'),
      'ADD between',
    );
  });

  it('pip install . needs the sources, so reordering cannot help', () => {
    none(lines('FROM python:3.12', 'WORKDIR /app', 'COPY . .', 'RUN pip install .', 'USER 1000'), 'pip install .');
    none(lines('FROM python:3.12', 'WORKDIR /app', 'COPY . .', 'RUN pip install -e ".[dev]"', 'USER 1000'), 'pip install -e .[dev]');
  });

  it('a relative destination means something else once WORKDIR changes', () => {
    none(lines('FROM node:20', 'COPY . app', 'WORKDIR /srv/app', 'RUN npm ci', 'USER node'), 'relative destination, WORKDIR between');
  });

  it('a WORKDIR in between that moves below the destination', () => {
    none(lines('FROM node:20', 'COPY . /app/', 'WORKDIR /app/web', 'RUN npm ci', 'USER node'), 'WORKDIR below the destination');
  });

  it('the install RUN changes directory before installing', () => {
    none(lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN cd web && npm ci', 'USER node'), 'cd before the install');
  });

  it('an absolute destination survives a WORKDIR in between', () => {
    const text = lines('FROM node:20', 'COPY . /srv/app/', 'WORKDIR /srv/app', 'RUN npm ci', 'USER node');
    assert.equal(
      fix(text, CODE, 'Copy'),
      lines(
        'FROM node:20',
        'COPY package.json package-lock.json* /srv/app/',
        'WORKDIR /srv/app',
        'RUN npm ci',
        'COPY . /srv/app/',
        'USER node',
      ),
    );
  });
});
