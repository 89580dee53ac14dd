/** The whole build context copied before the dependency install, so any source change re-runs it. */
import type { TextEdit } from 'vscode-languageserver-types';
import { positionAt } from '../model';
import { commandWords, programName, splitCommands, type SimpleCommand } from '../shell';
import { detectInstall } from '../installers';
import { edits, flagsText, indentAt, insertLinesAfter, offer, sourceOf, wholeLines, type Fixer } from './fixer';
import { defineRule } from './rule';
import { copiesBeforeInstalls } from './shared/layerCache';

/** Instructions that may stand between the copy and the install: moving the copy past them changes nothing they see. */
const SAFE_BETWEEN = new Set([
  'ENV',
  'ARG',
  'LABEL',
  'EXPOSE',
  'USER',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'CMD',
  'ENTRYPOINT',
  'SHELL',
  'VOLUME',
]);

/** Commands that may run before the install without reading the copied sources. */
const BENIGN_BEFORE_INSTALL = new Set([
  'apt-get',
  'apt',
  'apk',
  'yum',
  'dnf',
  'microdnf',
  'mkdir',
  'set',
  'export',
  'corepack',
  'true',
  'echo',
  'umask',
]);

function benignBeforeInstall(command: SimpleCommand): boolean {
  if (detectInstall(command)) return true;
  const words = commandWords(command);
  const prog = programName(words[0]);
  if (BENIGN_BEFORE_INSTALL.has(prog)) return true;
  // Global tools and settings do not read the project.
  if (['npm', 'pnpm', 'yarn'].includes(prog))
    return words[1] === 'config' || words.includes('-g') || words.includes('--global') || words[1] === 'global';
  return /^pip[0-9.]*$/.test(prog) && words[1] === 'install';
}

function normalizePath(path: string): string {
  return path.replace(/\/+$/, '').replace(/\/\.(?=\/|$)/g, '') || '/';
}

function cacheFix(f: Fixer): void {
  const { doc } = f;
  const copy = f.instruction;
  if (!copy || copy.stage < 0 || copy.json) return;
  const stage = doc.stages[copy.stage];
  const pair = copiesBeforeInstalls(stage, doc.escape, doc.text).find((p) => p.copy === copy);
  if (!pair || !pair.step.install.reorderable) return;
  const { step } = pair;
  const { install: tool } = step;
  const install = step.instruction;
  const dest = copy.args[copy.args.length - 1];
  const destText = dest.value;
  const between = stage.instructions.slice(stage.instructions.indexOf(copy) + 1, stage.instructions.indexOf(install));
  const relativeDest = !destText.startsWith('/') && !destText.startsWith('$');
  for (const i of between) {
    if (SAFE_BETWEEN.has(i.keyword)) continue;
    // The install must still run where the manifests land.
    if (i.keyword === 'WORKDIR' && !relativeDest && normalizePath(i.args[0]?.value ?? '') === normalizePath(destText)) continue;
    return;
  }

  // The RUN up to its last install moves ahead of the copy; what follows an `&&` stays after it.
  const shell = install.json || install.heredocs.length > 0 ? undefined : install.argsText;
  const commands = shell !== undefined ? splitCommands(shell) : step.commands;
  let last = -1;
  commands.forEach((c, i) => {
    if (detectInstall(c)) last = i;
  });
  if (last < 0) return;
  if (!commands.slice(0, last).every(benignBeforeInstall)) return;
  if (commands.slice(0, last).some((c) => c.next !== '&&' && c.next !== ';' && c.next !== '\n')) return;
  const tail = commands.slice(last + 1);
  let installText: string | undefined;
  let restText = '';
  if (shell === undefined) {
    // Exec form and heredocs cannot be split: they move only when they install and nothing else.
    if (tail.length > 0 || tool.early) return;
  } else {
    if (tail.length > 0 && commands[last].next !== '&&') return;
    installText = shell.slice(0, commands[last].end).trim();
    restText = tail.length > 0 ? shell.slice(tail[0].start).trim() : '';
  }

  const indent = indentAt(doc, copy.span.start);
  const copyKeyword = sourceOf(doc, copy.keywordSpan);
  const copyFlags = flagsText(doc, copy);
  const intoFolder = (path: string) => (path === '.' ? './' : path.endsWith('/') ? path : path + '/');
  const manifestCopies = groupByDirectory(tool.manifests).map(([dir, files]) => {
    const target = dir ? joinPath(destText, dir) + '/' : files.length === 1 && destText === '.' ? '.' : intoFolder(destText);
    return `${indent}${copyKeyword} ${copyFlags}${files.join(' ')} ${target}`;
  });
  for (const dir of tool.directories ?? []) manifestCopies.push(`${indent}${copyKeyword} ${copyFlags}${dir} ${joinPath(destText, dir)}/`);
  const copyRest = `${indent}${sourceOf(doc, copy.span)}`.replace(/\\\r?\n\s*/g, '');
  const list: TextEdit[] = [{ range: wholeLines(doc, copy), newText: manifestCopies.join('\n') + '\n' }];
  if (installText !== undefined && (restText || tool.early)) {
    const runKeyword = sourceOf(doc, install.keywordSpan);
    const runFlags = flagsText(doc, install);
    const runIndent = indentAt(doc, install.span.start);
    const run = (command: string) => `${runIndent}${runKeyword} ${runFlags}${command}`;
    let early = installText;
    if (tool.early?.append) early += tool.early.append;
    if (tool.early?.wrap) early = tool.early.wrap[0] + early + tool.early.wrap[1];
    const again = tool.early?.again ? installText : '';
    const after = [again, restText].filter(Boolean).join(' && ');
    const lines = [run(early), copyRest, ...(after ? [run(after)] : [])];
    list.push({ range: wholeLines(doc, install), newText: lines.join('\n') + '\n' });
  } else {
    list.push(insertLinesAfter(doc, install, copyRest));
  }
  offer(f, `Copy ${tool.manifests.join(' ')} and install before copying the rest`, edits(f, list), true);
}

function groupByDirectory(files: string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    const dir = slash > 0 ? file.slice(0, slash) : '';
    const list = groups.get(dir) ?? [];
    list.push(file);
    groups.set(dir, list);
  }
  return [...groups];
}

function joinPath(dest: string, dir: string): string {
  const base = dest === '.' || dest === './' ? '.' : dest.replace(/\/+$/, '');
  return `${base}/${dir.replace(/^\.\//, '')}`;
}

export const cacheCopyBeforeInstall = defineRule({
  code: 'cache-copy-before-install',
  severity: 'warning',
  summary: 'The whole build context is copied before dependencies are installed.',
  check(ctx, report) {
    for (const stage of ctx.doc.stages) {
      for (const { source, step } of copiesBeforeInstalls(stage, ctx.doc.escape, ctx.doc.text)) {
        const command = step.commands[step.at].words.join(' ');
        const line = positionAt(ctx.doc, step.instruction.span.start).line + 1;
        const manifests = step.install.manifests.join(' ');
        const advice = step.install.reorderable
          ? `Copy ${manifests} first, install, then copy the rest.`
          : 'Install the dependencies from a lock or requirements file before copying the sources.';
        report({
          span: source.span,
          message: `'${source.value}' copies the whole build context before '${command}' (line ${line}), so any source change re-runs the install. ${advice}`,
          data: { ecosystem: step.install.ecosystem, manifests: step.install.manifests },
        });
      }
    }
  },
  fix: cacheFix,
});
