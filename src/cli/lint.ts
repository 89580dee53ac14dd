import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { EVERY_RULE_CODE } from '../compose/catalog';
import { mergeSettings, parseFailureThreshold, type ConfigResult, type FailureThreshold } from '../dockerfile/config';
import { fixAll } from '../dockerfile/fixAll';
import { lintDocument } from '../dockerfile/lint';
import type { Dockerfile } from '../dockerfile/model';
import { parse } from '../dockerfile/parser';
import {
  EXCLUDED_CHECKS,
  shellCheckDiagnostics,
  shellCheckLevel,
  shellCheckScripts,
  type ShellCheckScript,
} from '../dockerfile/shellcheck';
import { ShellChecker } from '../shared/shellcheck';
import { ConfigFiles, readConfigFile } from '../dockerfile/configFiles';
import type { LintSettings } from '../dockerfile/settings';
import { readDockerignore } from '../shared/dockerignore';
import { loadPart } from './bundles';
import type * as ComposeLintModule from './composeLint';
import { collectInputs, COMPOSE_PATTERNS, composeDiskHost, DOCKERFILE_PATTERNS, writeFixed, type Source } from './files';
import {
  compareFindings,
  formatCheckstyle,
  formatGithub,
  formatGitlab,
  formatJson,
  formatSarif,
  formatText,
  FORMATS,
  type Finding,
  type Format,
  type Severity,
} from './format';
import { parseOptions, printable, UsageError, type Command, type Io } from './io';

/** hadolint's default too: info and worse fail the run, hints (hadolint's "style") do not. */
export const DEFAULT_FAILURE_THRESHOLD: FailureThreshold = 'info';

/** How many files ahead `berth lint` looks up config and ignore files. */
const LOOK_AHEAD = 16;

const SEVERITIES: Severity[] = ['error', 'warning', 'info', 'hint'];
const RANK: Record<FailureThreshold, number> = { error: 1, warning: 2, info: 3, hint: 4, none: 0 };

export const lintCommand: Command = {
  name: 'lint',
  summary: 'Lint Dockerfiles, Containerfiles and Compose files',
  help: `Usage: berth lint [options] PATH...

Lints each PATH: a file (a .yaml or .yml one as a Compose file, with the files Compose loads
with it: its override, include:, extends: file); a folder, meaning every
  ${DOCKERFILE_PATTERNS},
  ${COMPOSE_PATTERNS}
in it and its subfolders (node_modules and .git skipped); or - for standard input (a Dockerfile).

Options:
  -f, --format FORMAT            text (default), json, sarif (SARIF 2.1.0, for GitHub code
                                 scanning), github (annotations from a GitHub Actions step),
                                 gitlab (a GitLab Code Quality report) or checkstyle (XML)
  -c, --config FILE              read settings from FILE instead of the nearest .hadolint.yaml or
                                 .hadolint.yml in the file's folder or a parent folder
      --context DIR              the build context of the Dockerfiles (docker build -f FILE DIR):
                                 copy-ignored-file reads DIR/.dockerignore when there is no
                                 <Dockerfile>.dockerignore beside the Dockerfile (default: the
                                 Dockerfile's own folder)
      --fix                      apply every safe quick fix to the Dockerfiles first, then report
                                 what is left (not the ones that choose a USER: those need you);
                                 Compose files are reported as they are
  -t, --failure-threshold LEVEL  exit 1 when a finding is at least this severe: error, warning,
                                 info (default, as hadolint), hint or none (never);
                                 hadolint's style and ignore mean hint and none
      --shellcheck PATH|off      the ShellCheck program that checks RUN scripts (default:
                                 shellcheck on the PATH, when there is one), or off
  -h, --help                     show this help

Output:
  text   file:line:column severity code message, sorted by file and position
  json   one array of {file, line, column, endLine, endColumn, severity, code, message};
         positions are 1-based and endColumn is one past the last character

Exit status:
  0  no finding at or above the failure threshold
  1  findings at or above the failure threshold
  2  a usage error, or a PATH that could not be read (the others are still linted)
`,
  run: runLint,
};

async function isFolder(folder: string): Promise<boolean> {
  return (await stat(folder).catch(() => undefined))?.isDirectory() ?? false;
}

async function runLint(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions('lint', args, {
    format: { type: 'string', short: 'f' },
    config: { type: 'string', short: 'c' },
    context: { type: 'string' },
    'failure-threshold': { type: 'string', short: 't' },
    fix: { type: 'boolean' },
    shellcheck: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(lintCommand.help);
    return 0;
  }
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${values.format}' (use ${FORMATS.join(', ')})`, 'lint');
  let threshold: FailureThreshold | undefined;
  if (values['failure-threshold'] !== undefined) {
    threshold = parseFailureThreshold(values['failure-threshold']);
    if (!threshold) {
      throw new UsageError(`unknown failure threshold '${values['failure-threshold']}' (use error, warning, info, hint or none)`, 'lint');
    }
  }
  if (!positionals.length) throw new UsageError('no PATH given; to lint the current folder: berth lint .', 'lint');
  const context = values.context === undefined ? undefined : path.resolve(io.cwd, values.context);
  if (context !== undefined && !(await isFolder(context)))
    throw new UsageError(`--context ${values.context}: no such folder; name the folder docker build is given`, 'lint');

  const warned = new Set<string>();
  const warn = (problems: string[]) => {
    for (const problem of problems) {
      if (!warned.has(problem)) io.err(`berth: warning: ${printable(problem)}\n`);
      warned.add(problem);
    }
  };

  let explicit: ConfigResult | undefined;
  if (values.config !== undefined) {
    // One rule for a config the user named: it is read, or the run stops here.
    const read = await readConfigFile(values.config, EVERY_RULE_CODE);
    if ('missing' in read) throw new UsageError(`--config ${values.config}: no such file`, 'lint');
    if ('unreadable' in read) throw new UsageError(`--config ${values.config}: ${read.unreadable}; name a YAML file`, 'lint');
    explicit = read.result;
  }
  // One file configures both: its rules: may name Compose rules.
  const configFiles = new ConfigFiles(EVERY_RULE_CODE);
  // One for the run, so the files of a project are parsed once whichever of them is linted; loaded
  // with the first Compose file.
  let compose: ComposeLintModule.ComposeLinter | undefined;
  const lintComposeFile: ComposeLintModule.ComposeLinter = (file, text, settings) =>
    (compose ??= loadPart<typeof ComposeLintModule>('./composeLint', 'cli-compose.js').composeLinter(composeDiskHost()))(
      file,
      text,
      settings,
    );
  let composeNotFixed = false;
  const configFor = async (file: string | undefined): Promise<ConfigResult | undefined> => {
    if (explicit) return explicit;
    const found = await configFiles.find(file ? path.dirname(path.resolve(io.cwd, file)) : io.cwd);
    return found?.result;
  };

  const shellcheckOption = values.shellcheck?.trim();
  if (shellcheckOption === '') throw new UsageError('--shellcheck needs the path of a shellcheck program, or off', 'lint');
  const checker =
    shellcheckOption?.toLowerCase() === 'off'
      ? undefined
      : new ShellChecker(shellcheckOption ?? 'shellcheck', { exclude: EXCLUDED_CHECKS });
  /** The RUN scripts of every Dockerfile, checked by one ShellCheck run after the loop. */
  const scripted: { name: string; doc: Dockerfile; scripts: ShellCheckScript[]; settings: LintSettings; limit: number }[] = [];

  const inputs = await collectInputs(positionals, io.readStdin);
  const findings: Finding[] = [];
  const errors: { file: string; message: string }[] = [];
  let failed = false;
  const report = (name: string, diagnostics: Diagnostic[], limit: number) => {
    for (const d of diagnostics) {
      const severity = SEVERITIES[(d.severity ?? 1) - 1] ?? 'error';
      if (RANK[severity] <= limit) failed = true;
      findings.push({
        file: name,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
        severity,
        code: String(d.code ?? ''),
        message: typeof d.message === 'string' ? d.message : d.message.value,
        helpUri: d.codeDescription?.href,
      });
    }
  };
  // What a file's lint reads beside it, its config and ignore file, looked up a few files ahead, so
  // the waits on the disk overlap instead of adding up over a monorepo.
  const besides = new Map<Source, Promise<[ConfigResult | undefined, { name: string; text: string } | undefined]>>();
  const beside = (input: Source) => {
    let pending = besides.get(input);
    if (!pending) {
      pending = Promise.all([
        configFor(input.path),
        input.kind === 'dockerfile' && input.path ? readDockerignore(path.resolve(io.cwd, input.path), context) : undefined,
      ]);
      // Awaited in turn below; a lookup started early must not count as unhandled meanwhile.
      pending.catch(() => undefined);
      besides.set(input, pending);
    }
    return pending;
  };
  for (const [index, input] of inputs.entries()) {
    if ('error' in input) {
      errors.push({ file: input.name, message: input.error });
      continue;
    }
    if ('skipped' in input) {
      io.err(`berth: note: ${printable(input.name)}: ${input.skipped}\n`);
      continue;
    }
    for (const next of inputs.slice(index + 1, index + 1 + LOOK_AHEAD)) if ('text' in next) void beside(next);
    const [config, dockerignore] = await beside(input);
    besides.delete(input);
    if (config) warn(config.problems);
    const limit = RANK[threshold ?? config?.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD];
    const merged = mergeSettings(config?.settings);
    // The build context (the Dockerfile's folder unless --context says) and its ignore file decide what COPY can see.
    const settings: LintSettings = dockerignore ? { ...merged, dockerignore } : merged;
    let text = input.text;
    if (values.fix && input.kind === 'compose') composeNotFixed = true;
    else if (values.fix) {
      if (!input.path) {
        errors.push({ file: input.name, message: '--fix needs files to write; standard input was linted as it is' });
      } else {
        try {
          const fixed = fixAll(text, settings);
          if (fixed.applied.length) {
            const outcome = await writeFixed(input, fixed.text);
            if (outcome.written) {
              text = fixed.text;
              io.err(
                `berth: fixed ${fixed.applied.length} in ${printable(input.name)}: ${[...new Set(fixed.applied.map((a) => a.split(':')[0]))].join(', ')}\n`,
              );
            } else {
              // Reported as found: the findings below are of the file as it was read.
              errors.push({ file: input.name, message: `not fixed: ${outcome.reason}` });
            }
          }
        } catch (error) {
          errors.push({
            file: input.name,
            message: `could not fix (${error instanceof Error ? error.message : String(error)}); the file is unchanged`,
          });
        }
      }
    }
    let diagnostics: Diagnostic[];
    try {
      if (input.kind === 'dockerfile' || !input.path) {
        const doc = parse(text);
        diagnostics = lintDocument(doc, settings);
        if (checker && shellCheckLevel(settings) !== 'off')
          scripted.push({ name: input.name, doc, scripts: shellCheckScripts(doc), settings, limit });
      } else diagnostics = lintComposeFile(path.resolve(input.path), text, settings);
    } catch (error) {
      // A bug of ours on this file must not cost the findings on the others.
      errors.push({
        file: input.name,
        message: `internal error while linting (${error instanceof Error ? error.message : String(error)}); please report it`,
      });
      continue;
    }
    report(input.name, diagnostics, limit);
  }
  const texts = scripted.flatMap((file) => file.scripts.map((script) => script.text));
  const problem = checker && texts.length ? await checker.check(texts) : undefined;
  if (problem?.missing && shellcheckOption === undefined) {
    // ShellCheck is optional: without it the run is what it was, with one line saying so.
    io.err(
      'berth: note: shellcheck is not installed, so RUN scripts were not checked by it (install ShellCheck, or pass --shellcheck off)\n',
    );
  } else if (problem) {
    errors.push({ file: '--shellcheck', message: `${problem.problem}; RUN scripts were not checked by it` });
  } else if (checker) {
    for (const file of scripted) {
      report(
        file.name,
        shellCheckDiagnostics(file.doc, file.scripts, (script) => checker.remembered(script), file.settings),
        file.limit,
      );
    }
  }
  findings.sort(compareFindings);
  if (composeNotFixed) io.err('berth: note: --fix rewrites Dockerfiles; the Compose files were linted as they are\n');

  if (format === 'json') io.out(formatJson(findings));
  else if (format === 'sarif') io.out(formatSarif(findings, { version: io.version, cwd: io.cwd, errors }));
  else if (format === 'github') io.out(formatGithub(findings));
  else if (format === 'gitlab') io.out(formatGitlab(findings));
  else if (format === 'checkstyle') io.out(formatCheckstyle(findings));
  else io.out(formatText(findings));
  for (const error of errors) io.err(`berth: ${printable(error.file)}: ${printable(error.message)}\n`);
  return errors.length ? 2 : failed ? 1 : 0;
}
