/**
 * Package versions left to the day of the build: apt-get, apk, pip, npm and gem installs that
 * name packages without a version. Shared by the five `*-unpinned` rules, off by default (pinning
 * distro packages is a trade-off), on for `.hadolint.yaml` users who enable DL3008, DL3018,
 * DL3013, DL3016 or DL3028.
 */
import { programName } from '../../shell';
import type { RuleContext } from '../context';
import type { Finding } from '../rule';
import type { RunHint } from './runs';
import { wordsSpan } from './runScript';

export type PackageTool = 'apt' | 'apk' | 'pip' | 'npm' | 'gem';

export interface Unpinned {
  tool: PackageTool;
  /** Index into the command's words. */
  index: number;
  /** How the pinned form is written, for the message. */
  example: string;
}

/** Options of each tool that take the next word as their value. */
const APT_VALUE = new Set(['-o', '-c', '-t', '--target-release', '--default-release']);
const APK_VALUE = new Set([
  '-t',
  '--virtual',
  '-X',
  '--repository',
  '-p',
  '--root',
  '--arch',
  '--keys-dir',
  '--repositories-file',
  '--cache-dir',
]);
const PIP_VALUE = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--upgrade-strategy',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--no-binary',
  '--only-binary',
  '--trusted-host',
  '--src',
  '--cache-dir',
  '--progress-bar',
  '--log',
  '--proxy',
  '--retries',
  '--timeout',
  '--python',
  '--config-settings',
  '-C',
  '--root-user-action',
  '--report',
  '--global-option',
  '--install-option',
  '--exists-action',
  '--keyring-provider',
  '--cert',
  '--client-cert',
]);
const NPM_VALUE = new Set([
  '--prefix',
  '--registry',
  '--tag',
  '--cache',
  '-C',
  '--workspace',
  '-w',
  '--userconfig',
  '--omit',
  '--include',
  '--loglevel',
  '--install-strategy',
  '--location',
]);
const GEM_VALUE = new Set(['-i', '--install-dir', '-n', '--bindir', '-s', '--source', '--platform', '-P', '--trust-policy', '--document']);

/** A path, URL or file rather than a package name: nothing to pin. */
function notAName(word: string): boolean {
  return word.includes('$') || /^[.~/]|:\/\/|^git\+|\.(?:deb|apk|whl|tar(?:\.gz|\.bz2|\.xz)?|tgz|zip)$/.test(word);
}

/**
 * A git URL that names no commit or tag: `@<ref>` for pip (`git+https://host/repo.git@v1`),
 * `#<ref>` for npm (`git+ssh://git@host:repo.git#v1`). A user before the host is no ref.
 */
function unpinnedGit(word: string, tool: 'pip' | 'npm'): boolean {
  if (!/^git(?:\+[a-z]+)?:\/\//.test(word)) return false;
  const [url, fragment = ''] = word.split('#', 2);
  if (tool === 'npm') return fragment === '';
  const path = url.replace(/^[a-z+]+:\/\/(?:[^/@]*@)?/, '');
  return !path.includes('@');
}

/** Positional words from `from` on, skipping options and the values of `valued` ones. */
function* operands(words: string[], from: number, valued: Set<string>): Generator<number> {
  for (let i = from; i < words.length; i++) {
    const w = words[i];
    // Past `--` come the tool's build options (`gem install x -- --with-y`), not packages.
    if (w === '--') return;
    if (w.startsWith('-')) {
      if (valued.has(w)) i++;
      continue;
    }
    yield i;
  }
}

/**
 * The packages of one install command (`words` past sudo and env) named without a version.
 * `verb` is the index of the install verb in `words`.
 */
export function unpinnedPackages(words: string[], verb: number): Unpinned[] {
  const prog = programName(words[0]);
  const out: Unpinned[] = [];
  if (prog === 'apt-get' || prog === 'apt') {
    if (words[verb] !== 'install') return out;
    for (const i of operands(words, verb + 1, APT_VALUE)) {
      if (!words[i].includes('=') && !notAName(words[i])) out.push({ tool: 'apt', index: i, example: `${words[i]}=<version>` });
    }
  } else if (prog === 'apk') {
    if (words[verb] !== 'add') return out;
    for (const i of operands(words, verb + 1, APK_VALUE)) {
      if (!/[=<>~]/.test(words[i]) && !notAName(words[i])) out.push({ tool: 'apk', index: i, example: `${words[i]}=<version>` });
    }
  } else if (/^pip(?:x|[0-9.]*)$/.test(prog) || /^python[0-9.]*$/.test(prog)) {
    if (words[verb] !== 'install') return out;
    // A constraints file pins what the command line leaves open.
    if (words.some((w) => w === '-c' || w === '--constraint' || w.startsWith('--constraint='))) return out;
    for (const i of operands(words, verb + 1, PIP_VALUE)) {
      const w = words[i];
      if (unpinnedGit(w, 'pip')) {
        out.push({ tool: 'pip', index: i, example: `${w.replace(/#.*$/, '')}@<tag or commit>` });
        continue;
      }
      // A name with a slash is a path (`pip install foo/bar`): PyPI names have none.
      // Any version specifier (`==`, `>=`, `<`, `!=`, `~=`) says which versions are acceptable.
      if (!/[=<>!]|@|\//.test(w) && !notAName(w) && !w.endsWith('.whl'))
        out.push({ tool: 'pip', index: i, example: `${w.replace(/\[.*$/, '')}==<version>` });
    }
  } else if (prog === 'npm') {
    if (words[verb] !== 'install' && words[verb] !== 'i' && words[verb] !== 'add') return out;
    for (const i of operands(words, verb + 1, NPM_VALUE)) {
      const w = words[i];
      if (unpinnedGit(w, 'npm')) {
        out.push({ tool: 'npm', index: i, example: `${w}#<tag or commit>` });
        continue;
      }
      // `name@1.2.3` or `@scope/name@1.2.3`: an @ past the first character.
      if (w.indexOf('@', 1) < 0 && !notAName(w) && !/^(?:github|gitlab|file|npm):/.test(w))
        out.push({ tool: 'npm', index: i, example: `${w}@<version>` });
    }
  } else if (prog === 'gem') {
    if (
      (words[verb] !== 'install' && words[verb] !== 'i') ||
      words.some((w) => w === '-v' || w === '--version' || w.startsWith('--version='))
    )
      return out;
    let seenGem = false;
    for (let i = verb + 1; i < words.length; i++) {
      const w = words[i];
      if (w === '--') break;
      if (w.startsWith('-')) {
        // An unknown long option after the gems (`--use-system-libraries true`) starts the build's options.
        if (seenGem && w.startsWith('--') && !GEM_VALUE.has(w)) break;
        if (GEM_VALUE.has(w)) i++;
        continue;
      }
      seenGem = true;
      if (!w.includes(':') && !notAName(w) && !w.endsWith('.gem')) out.push({ tool: 'gem', index: i, example: `${w}:<version>` });
    }
  }
  return out;
}

/** The install verb's index for the tools pinned here, or -1. */
export function installVerb(words: string[]): number {
  const prog = programName(words[0]);
  let i = 1;
  if (/^python[0-9.]*$/.test(prog)) {
    if (words[1] !== '-m' || !/^pip[0-9.]*$/.test(words[2] ?? '')) return -1;
    i = 3;
  } else if (!['apt-get', 'apt', 'apk', 'npm', 'gem'].includes(prog) && !/^pip(?:x|[0-9.]*)$/.test(prog)) return -1;
  for (; i < words.length; i++) {
    if (!words[i].startsWith('-')) return i;
    if (words[i] === '-o' || words[i] === '-c' || words[i] === '-t' || words[i] === '-C') i++;
  }
  return -1;
}

/** The word each tool's commands contain, to pass over RUNs that cannot install with it. */
const MENTION: Record<PackageTool, RunHint> = { apt: 'apt', apk: 'apk', pip: 'pip', npm: 'npm', gem: 'gem' };

/** Reports the packages `tool` installs without a version, in every RUN. */
export function reportUnpinned(ctx: RuleContext, report: (finding: Finding) => void, tool: PackageTool): void {
  const source = ctx.doc.text;
  for (const run of ctx.runs(MENTION[tool])) {
    for (const { command, words, at } of run.commands()) {
      const verb = installVerb(words);
      if (verb <= 0) continue;
      for (const { tool: found, index, example } of unpinnedPackages(words, verb)) {
        if (found !== tool) continue;
        report({
          span: wordsSpan(source, run.instruction, run.script(), command, at + index),
          message: `'${words[index]}' has no version, so each build installs whatever is newest that day. Pin it (${example}) to rebuild the same image.`,
        });
      }
    }
  }
}
