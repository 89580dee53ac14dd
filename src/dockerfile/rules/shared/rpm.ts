/**
 * The RPM distributions' package managers as the yum, dnf and zypper rules read them: which tool
 * a program is, where its verb stands past the options, whether it is told to answer yes, which
 * commands fill its cache and which empty it, and which packages it installs without a version.
 */
import type { RunHint } from './runs';

/** yum; dnf (dnf, dnf-3, dnf5); microdnf (dnf's small C rewrite in UBI minimal images); zypper. */
export type RpmTool = 'yum' | 'dnf' | 'microdnf' | 'zypper';

/** The word each tool's RUNs contain (`ctx.runs(...)`): microdnf contains dnf. */
export const RPM_HINT: Record<RpmTool, RunHint> = { yum: 'yum', dnf: 'dnf', microdnf: 'dnf', zypper: 'zypper' };

/** The tool a program (past sudo/env, without its directory) is, if any. */
export function rpmTool(program: string): RpmTool | undefined {
  if (program === 'yum' || program === 'microdnf' || program === 'zypper') return program;
  if (program === 'dnf' || program === 'dnf5' || program === 'dnf-3') return 'dnf';
  return undefined;
}

/** Options of yum, dnf and microdnf that take the next word as their value. */
const YUM_VALUE = new Set([
  '-c',
  '--config',
  '--installroot',
  '--releasever',
  '--setopt',
  '--enablerepo',
  '--disablerepo',
  '--repo',
  '--repoid',
  '--repofrompath',
  '-x',
  '--exclude',
  '--excludepkgs',
  '--disableexcludes',
  '--disableplugin',
  '--enableplugin',
  '-d',
  '--debuglevel',
  '-e',
  '--errorlevel',
  '--rpmverbosity',
  '--forcearch',
  '--downloaddir',
  '--destdir',
  '--comment',
  '--color',
  '--advisory',
  '--bz',
  '--cve',
  '--sec-severity',
  '--platform-module',
]);
/** zypper's global options and its install options that take the next word as their value. */
const ZYPPER_VALUE = new Set([
  '-c',
  '--config',
  '-R',
  '--root',
  '--reposd-path',
  '--cache-dir',
  '--raw-cache-dir',
  '--solv-cache-dir',
  '--pkg-cache-dir',
  '--userdata',
  '-t',
  '--type',
  '-r',
  '--repo',
  '--from',
  '--download',
]);

/** Where one command's verb stands: `install` in `dnf -y install x`, `module` and `install` in `dnf module install x`. */
export interface RpmVerb {
  /** Index into the command's words of the verb, or -1 when there is none. */
  verb: number;
  /** For `module` and `group` (dnf, yum): the index of the sub-command, or -1. */
  sub: number;
}

/** The first word from `from` on that is neither an option nor an option's value, or -1. */
function nextOperand(words: readonly string[], from: number, valued: ReadonlySet<string>): number {
  for (let i = from; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('-')) return i;
    if (valued.has(w)) i++;
  }
  return -1;
}

/** The verb (and the sub-command of `module`/`group`) of a command of `tool`. */
export function rpmVerb(words: readonly string[], tool: RpmTool): RpmVerb {
  const valued = tool === 'zypper' ? ZYPPER_VALUE : YUM_VALUE;
  const verb = nextOperand(words, 1, valued);
  const sub =
    verb > 0 && tool !== 'zypper' && (words[verb] === 'module' || words[verb] === 'group') ? nextOperand(words, verb + 1, valued) : -1;
  return { verb, sub };
}

/** The action a command takes, with the aliases folded: `in` → `install`, `groupinstall` → `group install`. */
export function rpmAction(words: readonly string[], tool: RpmTool, at: RpmVerb = rpmVerb(words, tool)): string | undefined {
  if (at.verb < 0) return undefined;
  const verb = words[at.verb];
  if (verb === 'module' || verb === 'group') return at.sub < 0 ? verb : `${verb} ${words[at.sub]}`;
  return (tool === 'zypper' ? ZYPPER_ALIASES : YUM_ALIASES).get(verb) ?? verb;
}

const YUM_ALIASES = new Map([
  ['in', 'install'],
  ['localinstall', 'install'],
  ['groupinstall', 'group install'],
  ['groupupdate', 'group upgrade'],
  ['groupremove', 'group remove'],
  ['grouperase', 'group remove'],
  ['rm', 'remove'],
  ['erase', 'remove'],
  ['up', 'upgrade'],
  ['update', 'upgrade'],
  ['update-minimal', 'upgrade-minimal'],
  ['up-min', 'upgrade-minimal'],
  ['rei', 'reinstall'],
  ['dg', 'downgrade'],
  ['distrosync', 'distro-sync'],
  ['dsync', 'distro-sync'],
  ['mc', 'makecache'],
]);

const ZYPPER_ALIASES = new Map([
  ['in', 'install'],
  ['rm', 'remove'],
  ['si', 'source-install'],
  ['up', 'update'],
  ['dup', 'dist-upgrade'],
  ['inr', 'install-new-recommends'],
  ['ve', 'verify'],
  ['ref', 'refresh'],
  ['cc', 'clean'],
]);

/** yum and dnf actions that ask `Is this ok [y/N]` before they change anything. */
const YUM_PROMPTS = new Set([
  'install',
  'reinstall',
  'downgrade',
  'remove',
  'autoremove',
  'upgrade',
  'upgrade-minimal',
  'distro-sync',
  'swap',
  'builddep',
  'group install',
  'group remove',
  'group upgrade',
  'module install',
  'module enable',
  'module disable',
  'module reset',
  'module remove',
  'module switch-to',
]);

/** zypper actions that ask `Continue? [y/n/v/...? shows all options] (y)`. */
const ZYPPER_PROMPTS = new Set([
  'install',
  'remove',
  'source-install',
  'patch',
  'update',
  'dist-upgrade',
  'install-new-recommends',
  'verify',
]);

/** The action asks for confirmation (microdnf never asks). */
export function rpmPrompts(action: string | undefined, tool: RpmTool): boolean {
  if (action === undefined || tool === 'microdnf') return false;
  return (tool === 'zypper' ? ZYPPER_PROMPTS : YUM_PROMPTS).has(action);
}

/** yum/dnf told to answer yes: `-y`, `--assumeyes`, a cluster such as `-qy`, `--setopt=assumeyes=1`. */
export function yumAssumesYes(words: readonly string[]): boolean {
  for (const w of words) {
    if (w === '--assumeyes' || /^-[a-zA-Z]*y[a-zA-Z]*$/.test(w)) return true;
    if (/^(?:--setopt=)?assumeyes=(?:1|true|yes)$/i.test(w)) return true;
  }
  return false;
}

/**
 * zypper told not to ask: the global `-n`/`--non-interactive` before the command, or the
 * command's own `-y`/`--no-confirm` after it (after the command, `-n` is `--name`).
 */
export function zypperNonInteractive(words: readonly string[], verb: number): boolean {
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    const before = verb < 0 || i < verb;
    if (before && (w === '--non-interactive' || /^-[a-zA-Z]*n[a-zA-Z]*$/.test(w))) return true;
    if (!before && (w === '--no-confirm' || /^-[a-zA-Z]*y[a-zA-Z]*$/.test(w))) return true;
  }
  return false;
}

/** A yum/dnf config file (or `--setopt`) written anywhere in the file that answers yes for every command. */
export function assumeYesConfigured(text: string): boolean {
  return text.includes('assumeyes') && /\bassumeyes\s*=\s*(?:1|true|yes)\b/i.test(text);
}

/** Actions that download repository metadata or packages into the tool's cache. */
const YUM_DOWNLOADS = new Set([
  'install',
  'reinstall',
  'downgrade',
  'upgrade',
  'upgrade-minimal',
  'distro-sync',
  'swap',
  'builddep',
  'makecache',
  'group install',
  'group upgrade',
  'module install',
  'module enable',
]);
const ZYPPER_DOWNLOADS = new Set(['install', 'source-install', 'patch', 'update', 'dist-upgrade', 'install-new-recommends', 'refresh']);

export function rpmDownloads(action: string | undefined, tool: RpmTool): boolean {
  return action !== undefined && (tool === 'zypper' ? ZYPPER_DOWNLOADS : YUM_DOWNLOADS).has(action);
}

/** Where each tool keeps its cache: what `rm -rf` or a cache mount must reach. */
export const RPM_CACHES: Record<RpmTool, readonly string[]> = {
  yum: ['/var/cache/yum', '/var/cache/dnf'],
  dnf: ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'],
  microdnf: ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5'],
  zypper: ['/var/cache/zypp'],
};

/** The command that empties a tool's cache, as the fix writes it. */
export function cleanCommand(tool: RpmTool, program: string): string {
  return tool === 'zypper' ? `${program} clean --all` : `${program} clean all`;
}

/**
 * The command empties `tool`'s cache: `yum clean all` (any of yum, dnf and microdnf, which share
 * /var/cache/yum on the distributions that have both), `zypper clean`, or `rm` of the cache folder.
 */
export function cleansCache(words: readonly string[], program: string, tool: RpmTool): boolean {
  if (program === 'rm') {
    const caches = RPM_CACHES[tool];
    return words.some((w) => {
      const path = w.replace(/\/\*?$/, '');
      return path === '/var/cache' || caches.some((c) => path === c || path.startsWith(`${c}/`));
    });
  }
  const other = rpmTool(program);
  if (other === undefined || (other === 'zypper') !== (tool === 'zypper')) return false;
  const at = rpmVerb(words, other);
  if (rpmAction(words, other, at) !== 'clean') return false;
  // yum and dnf take what to clean as an operand; `all` is what drops the metadata too.
  return other === 'zypper' || words.slice(at.verb + 1).includes('all');
}

/** One package an install names without a version, and how the pinned form is written. */
export interface RpmUnpinned {
  index: number;
  example: string;
}

/** A path, URL, provide (`pkgconfig(x)`, `/usr/bin/x`), glob or variable rather than a name to pin. */
function notAPackage(word: string): boolean {
  return /[$/*?()[\]]|^\.|\.rpm$|:\/\//.test(word);
}

/** The packages an install of `tool` names without a version; empty for other commands. */
export function rpmUnpinned(words: readonly string[], tool: RpmTool): RpmUnpinned[] {
  const at = rpmVerb(words, tool);
  const action = rpmAction(words, tool, at);
  const out: RpmUnpinned[] = [];
  const valued = tool === 'zypper' ? ZYPPER_VALUE : YUM_VALUE;
  if (tool === 'zypper') {
    if (action !== 'install') return out;
    // Patterns, patches and products are not pinned by version.
    const type = words.findIndex((w) => w === '-t' || w === '--type' || w.startsWith('--type='));
    if (type >= 0 && (words[type].startsWith('--type=') ? words[type].slice(7) : words[type + 1]) !== 'package') return out;
    for (let i = nextOperand(words, at.verb + 1, valued); i > 0; i = nextOperand(words, i + 1, valued)) {
      const w = words[i];
      if (!/[=<>]/.test(w) && !notAPackage(w)) out.push({ index: i, example: `${w}=<version>` });
    }
    return out;
  }
  if (action !== 'install' && action !== 'module install') return out;
  const from = at.sub > 0 ? at.sub + 1 : at.verb + 1;
  for (let i = nextOperand(words, from, valued); i > 0; i = nextOperand(words, i + 1, valued)) {
    const w = words[i];
    if (notAPackage(w)) continue;
    if (action === 'module install' || w.startsWith('@')) {
      // A module is pinned by its stream (`nodejs:20`); a group (`@core`) has no version.
      if (!w.includes(':') && !(w.startsWith('@') && action !== 'module install')) out.push({ index: i, example: `${w}:<stream>` });
      continue;
    }
    // `name-version`, `name-version-release`, `name-epoch:version`: a dash before a digit; or a comparison.
    if (!/.-(?:\d+:)?\d/.test(w) && !/[<>=]/.test(w)) out.push({ index: i, example: `${w}-<version>` });
  }
  return out;
}
