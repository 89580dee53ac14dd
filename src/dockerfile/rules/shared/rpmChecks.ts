/**
 * The checks behind the yum, dnf and zypper rules: one rule per hadolint code, one check per
 * kind of finding, each told which tools it reads.
 */
import type { SimpleCommand } from '../../shell';
import type { RuleContext } from '../context';
import type { Finding } from '../rule';
import { discardedTargets, wordsSpan } from './runScript';
import {
  assumeYesConfigured,
  cleanCommand,
  cleansCache,
  RPM_CACHES,
  RPM_HINT,
  rpmAction,
  rpmDownloads,
  rpmPrompts,
  rpmTool,
  rpmUnpinned,
  rpmVerb,
  type RpmTool,
  yumAssumesYes,
  zypperNonInteractive,
} from './rpm';
import { covers, insertAfter, trimmedEnd } from './shellEdits';

type Report = (finding: Finding) => void;

function hintsOf(tools: readonly RpmTool[]) {
  return [...new Set(tools.map((t) => RPM_HINT[t]))];
}

/** Commands of `tools` whose action asks for confirmation and nothing tells them yes. */
export function reportMissingYes(ctx: RuleContext, report: Report, tools: readonly RpmTool[]): void {
  const source = ctx.doc.text;
  let configured: boolean | undefined;
  for (const run of ctx.runs(...hintsOf(tools))) {
    const commands = run.commands();
    for (let c = 0; c < commands.length; c++) {
      const { command, words, at, program } = commands[c];
      const tool = rpmTool(program);
      if (tool === undefined || !tools.includes(tool)) continue;
      const verb = rpmVerb(words, tool);
      const action = rpmAction(words, tool, verb);
      if (!rpmPrompts(action, tool)) continue;
      const zypper = tool === 'zypper';
      if (zypper ? zypperNonInteractive(words, verb.verb) : yumAssumesYes(words)) continue;
      // `yes | yum install` answers through the pipe.
      if (c > 0 && commands[c - 1].command.next === '|') continue;
      if (!zypper && (configured ??= assumeYesConfigured(source))) continue;
      const last = verb.sub > 0 ? verb.sub : verb.verb;
      const script = run.script();
      report({
        span: wordsSpan(source, run.instruction, script, command, at, at + last),
        message: zypper
          ? `'${program} ${words[verb.verb]}' asks for confirmation, which a build cannot give: zypper aborts. Add --non-interactive (or -n) before the command.`
          : `'${program} ${words.slice(verb.verb, last + 1).join(' ')}' without -y asks 'Is this ok', which a build cannot answer: the step fails. Add -y.`,
        // zypper's global option goes right after the program; -y goes after the verb.
        data: script.exec
          ? undefined
          : zypper
            ? insertAfter(source, run.instruction, script, command, at, ' --non-interactive')
            : insertAfter(source, run.instruction, script, command, at + last, ' -y'),
      });
    }
  }
}

/**
 * The last command of `tools` in a RUN that fills the cache without a clean-up after it, in a
 * stage that reaches the image and without a cache mount over the cache.
 */
export function reportCacheKept(ctx: RuleContext, report: Report, tools: readonly RpmTool[]): void {
  const source = ctx.doc.text;
  for (const run of ctx.runs(...hintsOf(tools))) {
    if (!run.shipped) continue;
    let last: { command: SimpleCommand; at: number; to: number; tool: RpmTool; program: string } | undefined;
    for (const { command, words, at, program } of run.commands()) {
      const tool = rpmTool(program);
      if (tool !== undefined && tools.includes(tool)) {
        const verb = rpmVerb(words, tool);
        if (rpmDownloads(rpmAction(words, tool, verb), tool)) {
          last = { command, at, to: at + (verb.sub > 0 ? verb.sub : verb.verb), tool, program };
          continue;
        }
      }
      if (last && cleansCache(words, program, last.tool)) last = undefined;
    }
    if (!last) continue;
    const discarded = discardedTargets(run.instruction.flags);
    if (RPM_CACHES[last.tool].some((cache) => covers(discarded, cache))) continue;
    const instruction = run.instruction;
    const script = run.script();
    const clean = cleanCommand(last.tool, last.program);
    const end = instruction.heredocs.length === 0 && !script.exec ? trimmedEnd(source, instruction.argsSpan.end) : -1;
    report({
      span: wordsSpan(source, instruction, script, last.command, last.at, last.to),
      message: `The ${last.tool} cache (repository metadata, often tens of megabytes) stays in this layer. End the RUN with '&& ${clean}', or mount a cache on ${RPM_CACHES[last.tool][0]}.`,
      data: end >= 0 ? { edits: [{ start: end, end, text: ` && ${clean}` }], clean } : undefined,
    });
  }
}

/** The packages installs of `tools` name without a version. */
export function reportRpmUnpinned(ctx: RuleContext, report: Report, tools: readonly RpmTool[]): void {
  const source = ctx.doc.text;
  for (const run of ctx.runs(...hintsOf(tools))) {
    for (const { command, words, at, program } of run.commands()) {
      const tool = rpmTool(program);
      if (tool === undefined || !tools.includes(tool)) continue;
      for (const { index, example } of rpmUnpinned(words, tool)) {
        report({
          span: wordsSpan(source, run.instruction, run.script(), command, at + index),
          message: `'${words[index]}' has no version, so each build installs whatever is newest that day. Pin it (${example}) to rebuild the same image.`,
        });
      }
    }
  }
}
