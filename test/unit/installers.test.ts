/** Dependency-install detection per ecosystem, and the manifests each install reads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectInstall, type Install } from '../../src/dockerfile/installers';
import { splitCommands } from '../../src/dockerfile/shell';

function detect(command: string): Install | undefined {
  const commands = splitCommands(command);
  assert.equal(commands.length, 1, `one simple command: ${command}`);
  return detectInstall(commands[0]);
}

const CASES: [command: string, ecosystem: string, manifests: string[], reorderable?: boolean][] = [
  ['npm install', 'npm', ['package.json', 'package-lock.json*']],
  ['npm i', 'npm', ['package.json', 'package-lock.json*']],
  ['npm ci --omit=dev', 'npm', ['package.json', 'package-lock.json*']],
  ['npm install --production --no-audit', 'npm', ['package.json', 'package-lock.json*']],
  ['yarn', 'yarn', ['package.json', 'yarn.lock*', '.yarnrc.yml*']],
  ['yarn install --frozen-lockfile', 'yarn', ['package.json', 'yarn.lock*', '.yarnrc.yml*']],
  ['yarn --immutable', 'yarn', ['package.json', 'yarn.lock*', '.yarnrc.yml*']],
  ['pnpm install --frozen-lockfile', 'pnpm', ['package.json', 'pnpm-lock.yaml*', 'pnpm-workspace.yaml*']],
  ['pnpm i', 'pnpm', ['package.json', 'pnpm-lock.yaml*', 'pnpm-workspace.yaml*']],
  ['bun install', 'bun', ['package.json', 'bun.lock*']],
  ['pip install -r requirements.txt', 'pip', ['requirements.txt']],
  ['pip install -rrequirements.txt', 'pip', ['requirements.txt']],
  ['pip3 install --no-cache-dir --requirement requirements/prod.txt', 'pip', ['requirements/prod.txt']],
  ['pip install --requirement=req.txt -c constraints.txt', 'pip', ['req.txt', 'constraints.txt']],
  ['python -m pip install -r requirements.txt', 'pip', ['requirements.txt']],
  ['python3.12 -m pip install -r a.txt -r b.txt', 'pip', ['a.txt', 'b.txt']],
  ['/usr/local/bin/pip install -r requirements.txt', 'pip', ['requirements.txt']],
  ['uv pip install -r requirements.txt', 'pip', ['requirements.txt']],
  ['pip install .', 'pip', ['pyproject.toml', 'setup.py*', 'setup.cfg*'], false],
  ['pip install --no-cache-dir ./', 'pip', ['pyproject.toml', 'setup.py*', 'setup.cfg*'], false],
  ['pip install -e .[dev]', 'pip', ['pyproject.toml', 'setup.py*', 'setup.cfg*'], false],
  ['pip install ".[server]"', 'pip', ['pyproject.toml', 'setup.py*', 'setup.cfg*'], false],
  ['poetry install --no-root --only main', 'poetry', ['pyproject.toml', 'poetry.lock*']],
  ['uv sync --frozen --no-dev', 'uv', ['pyproject.toml', 'uv.lock*']],
  ['pipenv install --deploy --system', 'pipenv', ['Pipfile', 'Pipfile.lock*']],
  ['pipenv sync', 'pipenv', ['Pipfile', 'Pipfile.lock*']],
  ['go mod download', 'go', ['go.mod', 'go.sum*']],
  ['go mod download -x', 'go', ['go.mod', 'go.sum*']],
  ['bundle install', 'bundler', ['Gemfile', 'Gemfile.lock*']],
  ['bundle', 'bundler', ['Gemfile', 'Gemfile.lock*']],
  ['bundler install --jobs 4', 'bundler', ['Gemfile', 'Gemfile.lock*']],
  ['cargo fetch --locked', 'cargo', ['Cargo.toml', 'Cargo.lock*']],
  ['composer install --no-dev --no-scripts', 'composer', ['composer.json', 'composer.lock*']],
  ['mvn -B dependency:go-offline', 'maven', ['pom.xml']],
  ['./mvnw dependency:resolve', 'maven', ['mvnw', 'pom.xml']],
  ['gradle dependencies --no-daemon', 'gradle', ['build.gradle*', 'settings.gradle*', 'gradle.properties*']],
  ['./gradlew --write-locks', 'gradle', ['gradlew', 'build.gradle*', 'settings.gradle*', 'gradle.properties*']],
  ['dotnet restore', 'dotnet', ['*.sln*', '*.csproj*', '*.fsproj*', '*.vbproj*']],
  ['dotnet restore "src/App/App.csproj"', 'dotnet', ['*.sln*', '*.csproj*', '*.fsproj*', '*.vbproj*']],
  ['mix deps.get', 'mix', ['mix.exs', 'mix.lock*']],
];

describe('detectInstall: installs', () => {
  for (const [command, ecosystem, manifests, reorderable = true] of CASES) {
    it(command, () => {
      const found = detect(command);
      assert.ok(found, command);
      assert.deepEqual(
        { ecosystem: found.ecosystem, manifests: found.manifests, reorderable: found.reorderable },
        { ecosystem, manifests, reorderable },
      );
    });
  }

  it('wrappers bring their own folder, and tools that build the project install it early without it', () => {
    assert.deepEqual(detect('./mvnw dependency:go-offline')?.directories, ['.mvn']);
    assert.deepEqual(detect('./gradlew dependencies')?.directories, ['gradle']);
    assert.equal(detect('mvn dependency:go-offline')?.directories, undefined);
    assert.deepEqual(detect('poetry install --only main')?.early, { append: ' --no-root', again: true });
    assert.equal(detect('poetry install --no-root')?.early, undefined);
    assert.deepEqual(detect('uv sync --locked')?.early, { append: ' --no-install-project', again: true });
    assert.equal(detect('uv sync --no-install-project')?.early, undefined);
    assert.deepEqual(detect('cargo fetch')?.early?.wrap, ['mkdir -p src && touch src/lib.rs && ', ' && rm -r src']);
  });

  it('pip wheel -r downloads and builds every requirement, like an install', () => {
    const wheel = detect('pip wheel --wheel-dir /wheels -r requirements.txt');
    assert.deepEqual([wheel?.ecosystem, wheel?.manifests, wheel?.reorderable], ['pip', ['requirements.txt'], true]);
  });

  it('sees through wrappers and assignments', () => {
    assert.equal(detect('sudo -E npm ci')?.ecosystem, 'npm');
    assert.equal(detect('NODE_ENV=production npm ci')?.ecosystem, 'npm');
    assert.equal(detect('env CGO_ENABLED=0 go mod download')?.ecosystem, 'go');
  });
});

describe('detectInstall: not installs', () => {
  const NOT = [
    'npm install -g pnpm',
    'npm install --global typescript',
    'npm install express',
    'npm i -D typescript',
    'npm run build',
    'npm test',
    'yarn add left-pad',
    'yarn build',
    'pnpm add zod',
    'bun run build',
    'pip install flask',
    'pip install --upgrade pip setuptools',
    'python -m venv /venv',
    'python app.py',
    'poetry build',
    'uv run pytest',
    'pipenv install requests',
    'pipenv run python app.py',
    'go build ./...',
    'go mod tidy',
    'bundle exec rake',
    'cargo build --release',
    'composer require monolog/monolog',
    'mvn -B package',
    './gradlew build',
    'dotnet build',
    'dotnet publish -c Release',
    'mix compile',
    'apt-get install -y curl',
    'make',
  ];
  for (const command of NOT) {
    it(command, () => {
      assert.equal(detect(command), undefined);
    });
  }
});
