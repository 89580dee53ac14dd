/**
 * Dependency installs and the manifests each one reads: what the layer-cache rule looks
 * for, and what its fix copies ahead of the install.
 */
import { activeLintMemo } from './lintMemo';
import { commandWords, programName, type SimpleCommand } from './shell';

export interface Install {
  ecosystem: string;
  /** Files (COPY sources, wildcards allowed) the install needs from the build context. */
  manifests: string[];
  /** False when the install also needs the sources (e.g. `pip install .`), so reordering cannot help. */
  reorderable: boolean;
  /** Folders the install needs too (a build tool wrapper's own files), copied to the same place. */
  directories?: string[];
  /**
   * How the early install differs from the one written: an option that skips the project
   * itself (which needs the sources) and a rerun once they are in, or a stub the tool insists on.
   */
  early?: { append?: string; wrap?: [string, string]; again?: boolean };
}

/** Positional (non-flag) arguments after the subcommand. */
function positionals(words: string[], from: number): string[] {
  return words.slice(from).filter((w) => !w.startsWith('-'));
}

/** Values of an option given as `-r x`, `-rx`, `--requirement x` or `--requirement=x`. */
function optionValues(words: string[], short: string, long: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === short || w === long) {
      if (i + 1 < words.length) out.push(words[++i]);
    } else if (w.startsWith(long + '=')) out.push(w.slice(long.length + 1));
    else if (short && w.startsWith(short) && w.length > short.length && !w.startsWith('--')) out.push(w.slice(short.length));
  }
  return out;
}

const NODE: Record<string, string[]> = {
  npm: ['package.json', 'package-lock.json*'],
  yarn: ['package.json', 'yarn.lock*', '.yarnrc.yml*'],
  pnpm: ['package.json', 'pnpm-lock.yaml*', 'pnpm-workspace.yaml*'],
  bun: ['package.json', 'bun.lock*'],
};

function detectPython(words: string[]): Install | undefined {
  // pip, pip3, python -m pip, uv pip
  let i: number;
  const prog = programName(words[0]);
  if (/^python[0-9.]*$/.test(prog) && words[1] === '-m' && /^pip[0-9.]*$/.test(words[2] ?? '')) i = 3;
  else if (/^pip[0-9.]*$/.test(prog)) i = 1;
  else if (prog === 'uv' && words[1] === 'pip') i = 2;
  else return undefined;
  while (i < words.length && words[i].startsWith('-')) i++;
  // `pip wheel` and `pip download` fetch every dependency just as install does.
  if (!['install', 'sync', 'wheel', 'download'].includes(words[i])) return undefined;
  const rest = words.slice(i + 1);
  const requirements = optionValues(rest, '-r', '--requirement');
  if (requirements.length > 0) {
    const constraints = optionValues(rest, '-c', '--constraint');
    return { ecosystem: 'pip', manifests: [...requirements, ...constraints], reorderable: true };
  }
  const local = positionals(rest, 0).some((p) => p === '.' || p === './' || p.startsWith('.[') || p.startsWith('./'));
  const editable = optionValues(rest, '-e', '--editable').some((p) => p === '.' || p.startsWith('.[') || p.startsWith('./'));
  if (local || editable) return { ecosystem: 'pip', manifests: ['pyproject.toml', 'setup.py*', 'setup.cfg*'], reorderable: false };
  return undefined;
}

/** Any program name detectInstall knows, to pass over RUNs that mention none cheaply. */
const INSTALLER_HINT =
  /\b(?:npm|yarn|pnpm|bun|pip[0-9.]*|python[0-9.]*|poetry|uv|pipenv|go|bundler?|cargo|composer|mvnw?|gradlew?|dotnet|mix)\b/;

/** Whether `script` names any program detectInstall knows; a lint remembers the answer by text. */
export function mentionsInstaller(script: string): boolean {
  const memo = activeLintMemo();
  return memo ? memo.installers.answer(script, testInstallerHint) : testInstallerHint(script);
}

function testInstallerHint(script: string): boolean {
  return INSTALLER_HINT.test(script);
}

/** The dependency install a simple command performs, if it is one. */
export function detectInstall(command: SimpleCommand): Install | undefined {
  const words = commandWords(command);
  const prog = programName(words[0]);
  const sub = words[1];
  switch (prog) {
    case 'npm':
    case 'pnpm':
    case 'bun': {
      if (
        sub === 'ci' ||
        ((sub === 'install' || sub === 'i') && positionals(words, 2).length === 0 && !words.includes('-g') && !words.includes('--global'))
      ) {
        return { ecosystem: prog, manifests: NODE[prog], reorderable: true };
      }
      return undefined;
    }
    case 'yarn': {
      if (sub === undefined || (sub.startsWith('-') && !positionals(words, 1).length) || sub === 'install') {
        return { ecosystem: 'yarn', manifests: NODE.yarn, reorderable: true };
      }
      return undefined;
    }
    case 'poetry':
      if (sub !== 'install') return undefined;
      return {
        ecosystem: 'poetry',
        manifests: ['pyproject.toml', 'poetry.lock*'],
        reorderable: true,
        early: words.includes('--no-root') ? undefined : { append: ' --no-root', again: true },
      };
    case 'uv':
      if (sub === 'sync') {
        const skips = words.includes('--no-install-project') || words.includes('--no-install-workspace');
        return {
          ecosystem: 'uv',
          manifests: ['pyproject.toml', 'uv.lock*'],
          reorderable: true,
          early: skips ? undefined : { append: ' --no-install-project', again: true },
        };
      }
      return detectPython(words);
    case 'pipenv':
      return (sub === 'install' || sub === 'sync') && positionals(words, 2).length === 0
        ? { ecosystem: 'pipenv', manifests: ['Pipfile', 'Pipfile.lock*'], reorderable: true }
        : undefined;
    case 'go':
      return sub === 'mod' && words[2] === 'download'
        ? { ecosystem: 'go', manifests: ['go.mod', 'go.sum*'], reorderable: true }
        : undefined;
    case 'bundle':
    case 'bundler':
      return sub === undefined || sub === 'install'
        ? { ecosystem: 'bundler', manifests: ['Gemfile', 'Gemfile.lock*'], reorderable: true }
        : undefined;
    case 'cargo':
      // Cargo will not read a manifest without a target, so the early fetch gets a stub one.
      return sub === 'fetch'
        ? {
            ecosystem: 'cargo',
            manifests: ['Cargo.toml', 'Cargo.lock*'],
            reorderable: true,
            early: { wrap: ['mkdir -p src && touch src/lib.rs && ', ' && rm -r src'] },
          }
        : undefined;
    case 'composer':
      return sub === 'install' ? { ecosystem: 'composer', manifests: ['composer.json', 'composer.lock*'], reorderable: true } : undefined;
    case 'mvn':
    case 'mvnw':
      if (!words.some((w) => w.startsWith('dependency:'))) return undefined;
      return prog === 'mvnw'
        ? { ecosystem: 'maven', manifests: ['mvnw', 'pom.xml'], directories: ['.mvn'], reorderable: true }
        : { ecosystem: 'maven', manifests: ['pom.xml'], reorderable: true };
    case 'gradle':
    case 'gradlew': {
      if (!words.includes('dependencies') && !words.includes('--write-locks')) return undefined;
      const build = ['build.gradle*', 'settings.gradle*', 'gradle.properties*'];
      return prog === 'gradlew'
        ? { ecosystem: 'gradle', manifests: ['gradlew', ...build], directories: ['gradle'], reorderable: true }
        : { ecosystem: 'gradle', manifests: build, reorderable: true };
    }
    case 'dotnet':
      return sub === 'restore'
        ? { ecosystem: 'dotnet', manifests: ['*.sln*', '*.csproj*', '*.fsproj*', '*.vbproj*'], reorderable: true }
        : undefined;
    case 'mix':
      return sub === 'deps.get' ? { ecosystem: 'mix', manifests: ['mix.exs', 'mix.lock*'], reorderable: true } : undefined;
    default:
      return detectPython(words);
  }
}
