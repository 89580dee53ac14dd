/** cache-copy-before-install: a broad COPY/ADD before a dependency install in the same stage. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { df, none, of, one, WARNING } from '../fixtures/rules/helpers';

const CODE = 'cache-copy-before-install';

/** One install per ecosystem in installers.ts, with a manifest the message must name. */
const INSTALLS: { command: string; ecosystem: string; manifest: string; reorderable?: false }[] = [
  { command: 'npm install', ecosystem: 'npm', manifest: 'package.json' },
  { command: 'npm ci --omit=dev', ecosystem: 'npm', manifest: 'package-lock.json' },
  { command: 'npm i', ecosystem: 'npm', manifest: 'package.json' },
  { command: 'yarn install --frozen-lockfile', ecosystem: 'yarn', manifest: 'yarn.lock' },
  { command: 'yarn', ecosystem: 'yarn', manifest: 'yarn.lock' },
  { command: 'yarn --immutable', ecosystem: 'yarn', manifest: 'yarn.lock' },
  { command: 'pnpm install --frozen-lockfile', ecosystem: 'pnpm', manifest: 'pnpm-lock.yaml' },
  { command: 'pnpm i', ecosystem: 'pnpm', manifest: 'pnpm-lock.yaml' },
  { command: 'bun install', ecosystem: 'bun', manifest: 'bun.lock' },
  { command: 'bun install --frozen-lockfile', ecosystem: 'bun', manifest: 'bun.lock' },
  { command: 'pip install -r requirements.txt', ecosystem: 'pip', manifest: 'requirements.txt' },
  { command: 'pip3 install --no-cache-dir -r requirements/prod.txt', ecosystem: 'pip', manifest: 'requirements/prod.txt' },
  { command: 'python -m pip install --requirement=requirements.txt', ecosystem: 'pip', manifest: 'requirements.txt' },
  { command: 'pip install .', ecosystem: 'pip', manifest: 'pyproject.toml', reorderable: false },
  { command: 'pip install -e .', ecosystem: 'pip', manifest: 'pyproject.toml', reorderable: false },
  { command: 'poetry install --no-root', ecosystem: 'poetry', manifest: 'poetry.lock' },
  { command: 'uv sync --frozen', ecosystem: 'uv', manifest: 'uv.lock' },
  { command: 'uv pip install -r requirements.txt', ecosystem: 'pip', manifest: 'requirements.txt' },
  { command: 'pipenv install --deploy --system', ecosystem: 'pipenv', manifest: 'Pipfile.lock' },
  { command: 'go mod download', ecosystem: 'go', manifest: 'go.sum' },
  { command: 'bundle install --jobs 4', ecosystem: 'bundler', manifest: 'Gemfile.lock' },
  { command: 'cargo fetch', ecosystem: 'cargo', manifest: 'Cargo.lock' },
  { command: 'composer install --no-dev', ecosystem: 'composer', manifest: 'composer.lock' },
  { command: 'mvn -B dependency:go-offline', ecosystem: 'maven', manifest: 'pom.xml' },
  { command: './mvnw dependency:resolve', ecosystem: 'maven', manifest: 'pom.xml' },
  { command: 'gradle dependencies --no-daemon', ecosystem: 'gradle', manifest: 'build.gradle' },
  { command: './gradlew dependencies', ecosystem: 'gradle', manifest: 'build.gradle' },
  { command: 'dotnet restore', ecosystem: 'dotnet', manifest: '.csproj' },
  { command: 'mix deps.get', ecosystem: 'mix', manifest: 'mix.exs' },
];

const stage = (...lines: string[]) => df('FROM base:1', ...lines, 'USER app');

describe('cache-copy-before-install: every ecosystem', () => {
  for (const { command, ecosystem, manifest, reorderable } of INSTALLS) {
    it(`flags COPY . . before \`${command}\` and names what to copy first`, () => {
      const d = one(CODE, stage('WORKDIR /app', 'COPY . .', `RUN ${command}`), '.', WARNING);
      assert.equal((d.diagnostic.data as { ecosystem: string }).ecosystem, ecosystem);
      assert.ok(d.message.includes(`'${command}'`), `names the install: ${d.message}`);
      assert.match(d.message, /\(line 4\)/, 'points at the install line');
      if (reorderable === false) assert.match(d.message, /lock or requirements file/);
      else assert.ok(d.message.includes(manifest), `names the manifest ${manifest}: ${d.message}`);
    });

    if (reorderable !== false) {
      it(`accepts manifests copied and \`${command}\` run before the broad copy`, () => {
        none(CODE, stage('WORKDIR /app', `COPY ${manifest.replace(/^\./, 'App.')} ./`, `RUN ${command}`, 'COPY . .'));
      });
    }
  }
});

describe('cache-copy-before-install: what counts as copying the whole context', () => {
  for (const source of ['.', './', '*', './*', '"."']) {
    it(`COPY ${source} /app`, () => {
      one(CODE, stage(`COPY ${source} /app`, 'RUN npm ci'), source, WARNING);
    });
  }

  it('ADD . counts like COPY .', () => {
    one(CODE, stage('ADD . /app', 'RUN npm ci'), '.', WARNING);
  });

  it('flags other than --from do not matter', () => {
    one(CODE, stage('COPY --chown=node:node --link . .', 'RUN npm ci'), '.', WARNING);
    one(CODE, stage('COPY --exclude=node_modules . /app/', 'RUN npm ci'), '.', WARNING);
  });

  it('ranges on the broad source only, even with several sources', () => {
    const d = one(CODE, stage('COPY package.json . /app/', 'RUN npm ci'), '.', WARNING);
    assert.equal(d.line, 1);
  });

  it('two broad copies before one install are both reported', () => {
    const found = of(CODE, stage('COPY . /app', 'COPY ./ /src', 'RUN npm ci'));
    assert.deepEqual(
      found.map((d) => [d.line, d.text]),
      [
        [1, '.'],
        [2, './'],
      ],
    );
  });

  it('COPY --from=… copies from another stage, not the context', () => {
    none(CODE, stage('COPY --from=build . .', 'RUN npm ci'));
    none(CODE, stage('COPY --from=0 ./ /app', 'RUN npm ci'));
  });

  it('narrow copies are fine', () => {
    none(CODE, stage('COPY src/ ./src/', 'RUN npm ci'));
    none(CODE, stage('COPY package*.json ./', 'RUN npm ci'));
    none(CODE, stage('COPY ./app .', 'RUN npm ci'));
  });

  it('a heredoc COPY is not the build context', () => {
    none(CODE, stage('COPY <<EOF /app/.npmrc', 'registry=https://registry.npmjs.org/', 'EOF', 'RUN npm ci'));
  });

  it('the exec (JSON) form of COPY counts too', () => {
    one(CODE, stage('COPY [".", "/app"]', 'RUN npm ci'), '"."', WARNING);
  });
});

describe('cache-copy-before-install: how the install is written', () => {
  it('finds the install inside a && chain and names it', () => {
    const d = one(CODE, stage('COPY . .', 'RUN cd /app && npm ci && npm run build'), '.', WARNING);
    assert.match(d.message, /'npm ci'/);
  });

  it('across continuation lines', () => {
    one(CODE, stage('COPY . .', 'RUN set -eux; \\', '    npm ci \\', '    --omit=dev'), '.', WARNING);
  });

  it('after RUN flags such as --mount', () => {
    one(CODE, stage('COPY . .', 'RUN --mount=type=cache,target=/root/.npm npm ci'), '.', WARNING);
  });

  it('in exec form', () => {
    one(CODE, stage('COPY . .', 'RUN ["npm", "ci"]'), '.', WARNING);
  });

  it('in a heredoc', () => {
    one(CODE, stage('COPY . .', 'RUN <<EOF', 'set -e', 'pip install -r requirements.txt', 'EOF'), '.', WARNING);
  });

  it('behind env assignments, env and sudo', () => {
    one(CODE, stage('COPY . .', 'RUN NODE_ENV=production npm ci'), '.', WARNING);
    one(CODE, stage('COPY . .', 'RUN env CI=1 npm ci'), '.', WARNING);
    one(CODE, stage('COPY . .', 'RUN sudo pip install -r requirements.txt'), '.', WARNING);
  });

  it('with instructions in between', () => {
    one(CODE, stage('COPY . .', 'ENV CI=true', 'WORKDIR /app', 'RUN echo building', 'RUN npm ci'), '.', WARNING);
  });

  it('with output redirected', () => {
    one(CODE, stage('COPY . .', 'RUN npm install > /dev/null 2>&1'), '.', WARNING);
    one(CODE, stage('COPY . .', 'RUN npm install 2>&1 | tee /tmp/npm.log'), '.', WARNING);
  });

  it('inside if/then and for/do', () => {
    one(CODE, stage('COPY . .', 'RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi'), '.', WARNING);
    one(CODE, stage('COPY . .', 'RUN for d in api web; do npm ci --prefix $d; done'), '.', WARNING);
  });

  it('inside a subshell', () => {
    one(CODE, stage('COPY . .', 'RUN (cd app && npm ci)'), '.', WARNING);
  });
});

describe('cache-copy-before-install: not a finding', () => {
  it('build steps after the copy: go build, npm run build, cargo build, mvn package', () => {
    none(CODE, stage('COPY go.mod go.sum ./', 'RUN go mod download', 'COPY . .', 'RUN go build -o /app ./cmd/app'));
    none(CODE, stage('COPY . .', 'RUN go build ./...'));
    none(CODE, stage('COPY . .', 'RUN npm run build'));
    none(CODE, stage('COPY . .', 'RUN yarn build'));
    none(CODE, stage('COPY . .', 'RUN cargo build --release'));
    none(CODE, stage('COPY . .', 'RUN mvn -B package'));
    none(CODE, stage('COPY . .', 'RUN ./gradlew build'));
    none(CODE, stage('COPY . .', 'RUN dotnet publish -c Release'));
    none(CODE, stage('COPY . .', 'RUN bundle exec rake assets:precompile'));
  });

  it('installing a named package or a global tool does not read the manifests', () => {
    none(CODE, stage('COPY . .', 'RUN npm install -g pnpm'));
    none(CODE, stage('COPY . .', 'RUN npm install --global typescript'));
    none(CODE, stage('COPY . .', 'RUN npm install express'));
    none(CODE, stage('COPY . .', 'RUN yarn add left-pad'));
    none(CODE, stage('COPY . .', 'RUN pip install flask'));
    none(CODE, stage('COPY . .', 'RUN pip install --upgrade pip'));
    none(CODE, stage('COPY . .', 'RUN pipenv install requests'));
  });

  it('the install comes before the broad copy', () => {
    none(CODE, stage('COPY package.json package-lock.json ./', 'RUN npm ci', 'COPY . .', 'RUN npm run build'));
    none(CODE, stage('COPY requirements.txt .', 'RUN pip install -r requirements.txt', 'COPY . .'));
  });

  it('the install is in a different stage from the copy', () => {
    none(CODE, df('FROM node:20 AS src', 'COPY . .', 'FROM node:20', 'RUN npm ci', 'USER node'));
    none(CODE, df('FROM node:20 AS src', 'COPY . /src', 'FROM src', 'RUN npm ci', 'USER node'));
  });

  it('apt and apk installs are not dependency installs of the sources', () => {
    none(CODE, stage('COPY . .', 'RUN apt-get update && apt-get install -y curl'));
    none(CODE, stage('COPY . .', 'RUN apk add --no-cache git'));
  });

  it('an install mentioned in a comment or a string does not count', () => {
    none(CODE, stage('COPY . .', 'RUN echo "run npm ci later" # npm ci'));
  });
});
