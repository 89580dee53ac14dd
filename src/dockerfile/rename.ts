/** Renaming build stages and ARG/ENV variables, with every reference kept pointing at them. */
import type { Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { Dockerfile, Span } from './model';
import { rangeOf, sameStageName } from './model';
import type { Occurrence, VariableReference } from './navigation';
import { analyzeSymbols, occurrenceAt, occurrencesOf } from './navigation';

/** Why a rename cannot happen here, worded for the user. */
export interface RenameRefusal {
  message: string;
}

/**
 * Names the builder or the base image gives a value: renaming one of them away loses that
 * value, and renaming to one shadows it.
 */
const PREDEFINED = new Set([
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
  'PATH',
  'HOME',
  'HOSTNAME',
  'PWD',
]);
const isPredefined = (name: string) => PREDEFINED.has(name) || name.startsWith('BUILDKIT_');

/** BuildKit's rule for stage names. */
const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/i;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Tells a refusal from a result, for the server to answer it as an error with its message. */
export function isRenameRefusal(value: unknown): value is RenameRefusal {
  return typeof value === 'object' && value !== null && typeof (value as RenameRefusal).message === 'string' && !('changes' in value);
}

function target(doc: Dockerfile, position: Position): Occurrence | RenameRefusal {
  const at = occurrenceAt(doc, position);
  if (!at) return { message: 'Only build stage names, ARG or ENV variables and heredoc delimiters can be renamed; put the cursor on one.' };
  if (at.kind === 'stage') {
    const stage = doc.stages[at.stage];
    if (at.numeric) {
      return stage.name
        ? { message: `This refers to stage '${stage.name.value}' by its index; rename it at its 'AS ${stage.name.value}'.` }
        : { message: `Stage ${at.stage} has no name to rename. Give it one with 'AS <name>' on its FROM line.` };
    }
    return at;
  }
  if (at.kind === 'heredoc') return at;
  if (at.kind === 'reference' && !at.declaration) {
    return { message: `'${at.name}' is not declared by an ARG or ENV in scope in this file, so there is nothing to rename.` };
  }
  if (isPredefined(at.name)) {
    return { message: `'${at.name}' gets its value from the builder or the base image; renaming it would lose that value.` };
  }
  return at;
}

/**
 * Whether the symbol at `position` can be renamed: the range of its name and the name as
 * placeholder, or a refusal saying why not (not on a stage name or variable, a stage
 * referred to by index, or a variable nothing here declares).
 */
export function prepareRename(doc: Dockerfile, position: Position): { range: Range; placeholder: string } | RenameRefusal {
  const at = target(doc, position);
  if (isRenameRefusal(at)) return at;
  return { range: rangeOf(doc, at.span), placeholder: doc.text.slice(at.span.start, at.span.end) };
}

/** Words naming an image or a stage: FROM bases, `COPY --from` and `RUN --mount` `from=` values, as written. */
function imageNames(doc: Dockerfile): { value: string; span: Span }[] {
  const out: { value: string; span: Span }[] = [];
  for (const stage of doc.stages) if (stage.base) out.push(stage.base);
  for (const instruction of doc.instructions) {
    for (const flag of instruction.flags) {
      if (!flag.valueSpan || flag.value === undefined) continue;
      if (flag.name === 'from') out.push({ value: flag.value, span: flag.valueSpan });
      else if (flag.name === 'mount') {
        for (const m of flag.value.matchAll(/(?:^|,)\s*from=([^,]*)/gi)) out.push({ value: m[1], span: flag.valueSpan });
      }
    }
  }
  return out;
}

/** The refusal for a new name, or undefined when it is fine. */
function checkNewName(doc: Dockerfile, at: Occurrence, newName: string, all: Occurrence[]): RenameRefusal | undefined {
  if (at.kind === 'stage') {
    if (!STAGE_NAME.test(newName)) {
      return { message: `'${newName}' is not a valid stage name: start with a letter, then letters, digits, '_', '.' or '-'.` };
    }
    const clash = doc.stages.find((s) => s.index !== at.stage && s.name && sameStageName(s.name.value, newName));
    if (clash)
      return { message: `Stage ${clash.index} is already named '${clash.name!.value}'; stage names must differ regardless of case.` };
    // An image of that name (`FROM alpine`, `COPY --from=alpine`) would come to mean the stage.
    // `all` is in source order and its spans do not overlap: the first starting in `span` decides.
    const mine = (span: Span) => {
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (all[mid].span.start < span.start) lo = mid + 1;
        else hi = mid;
      }
      return lo < all.length && all[lo].span.end <= span.end;
    };
    const image = imageNames(doc).find((w) => sameStageName(w.value, newName) && !mine(w.span));
    if (image) {
      return {
        message: `'${image.value}' names an image on line ${rangeOf(doc, image.span).start.line + 1}; a stage of that name would take its place there.`,
      };
    }
    return undefined;
  }
  if (at.kind === 'heredoc') {
    if (!VARIABLE_NAME.test(newName)) {
      return { message: `'${newName}' is not a plain heredoc delimiter: use letters, digits and '_', starting with a letter or '_'.` };
    }
    // A body line equal to the new delimiter would end the heredoc early.
    const { body, stripTabs } = at.heredoc;
    const line = body.split('\n').findIndex((l) => (stripTabs ? l.replace(/^\t+/, '') : l).replace(/\r+$/, '') === newName);
    if (line >= 0) {
      const number = rangeOf(doc, at.heredoc.bodySpan).start.line + line + 1;
      return { message: `Line ${number} of the heredoc is '${newName}', so that delimiter would end it there; choose another.` };
    }
    return undefined;
  }
  if (!VARIABLE_NAME.test(newName)) {
    return { message: `'${newName}' is not a valid variable name: start with a letter or '_', then letters, digits or '_'.` };
  }
  if (isPredefined(newName)) {
    return { message: `'${newName}' gets its value from the builder or the base image; choose a name that does not shadow it.` };
  }
  // A name already used where this variable is seen would capture or be captured by it;
  // an ENV is also seen in every stage built FROM its stage.
  const stages = new Set(all.map((o) => (o.kind === 'heredoc' ? -2 : o.stage)));
  if (all.some((o) => o.kind === 'declaration' && o.keyword === 'ENV')) {
    for (const stage of doc.stages) {
      if (stage.parent !== undefined && stages.has(stage.parent)) stages.add(stage.index);
    }
  }
  const { declarations, references } = analyzeSymbols(doc);
  const taken = [...declarations, ...references].find((o) => o.name === newName && o.group !== at.group && stages.has(o.stage));
  if (taken) {
    return {
      message: `'${newName}' is already used ${taken.stage < 0 ? 'before the first FROM' : `in stage ${taken.stage}`}; choose a name that is free there.`,
    };
  }
  return undefined;
}

/**
 * Renames the stage or variable at `position` everywhere it is written: a stage's
 * `AS name`, `FROM name`, `COPY --from=name` and `RUN --mount=…from=name` (references by
 * index stay as they are), or a variable's ARG/ENV declarations and every `$NAME` and
 * `${NAME…}` use in their scope. Refuses invalid names and names that would collide.
 */
export function rename(doc: Dockerfile, uri: string, position: Position, newName: string): WorkspaceEdit | RenameRefusal {
  const at = target(doc, position);
  if (isRenameRefusal(at)) return at;
  const all = occurrencesOf(doc, at);
  const refused = checkNewName(doc, at, newName, all);
  if (refused) return refused;
  const split = all.find((o): o is VariableReference => o.kind === 'reference' && o.split);
  if (split) {
    const line = rangeOf(doc, split.span).start.line + 1;
    return { message: `A use of '${split.name}' on line ${line} is broken over a continuation line; join it onto one line, then rename.` };
  }
  const edits: TextEdit[] = all
    .filter((o) => !(o.kind === 'stage' && o.numeric))
    .map((o) => ({ range: rangeOf(doc, o.span), newText: newName }));
  return { changes: { [uri]: edits } };
}
