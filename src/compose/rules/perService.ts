/**
 * Checks that look at one service at a time, with each service's findings kept between lints.
 *
 * An edit re-parses only the piece it touched, and the pieces it left keep their nodes (moved in
 * place), so a service's pair is the same object until its text changes. A service's findings are
 * then a function of its pair, the pieces anchors live in (aliases and merge keys reach into them),
 * the project's other files and what the check asked the world: files' existence, variables,
 * Dockerfile stages. Those questions are kept with the answers they got, once per file; a lint
 * asks each again, and while every answer, the anchors and the other files are the same, a
 * service's findings are reused when its pair is. An edit in one service so re-checks that
 * service, and a changed `.env` or a new Dockerfile re-checks every service of the file.
 */
import { anchorPieces, pieceAt, type ComposeDocument, type PairNode } from '../document';
import { servicePairs } from '../model';
import type { ComposeProject } from '../project';
import type { ComposeRuleContext, Finding } from './context';
import { sameList } from '../sameList';

/** A check of one service of `ctx.file`; it reports through `ctx` like a rule. */
export type ServiceCheck = (ctx: ComposeRuleContext, service: PairNode) => void;

/** A question a check asked the project, and the answer it got. */
type Question =
  | { ask: 'stat'; path: string; answer: unknown }
  | { ask: 'variable'; name: string; answer: unknown }
  | { ask: 'stages'; path: string; answer: unknown }
  | { ask: 'inline'; text: string; answer: unknown };

/** A finding with its span kept relative to the piece it is in, so it follows that piece. */
interface KeptFinding {
  finding: Finding;
  piece: { readonly start: number };
  from: number;
  to: number;
}

/**
 * One check's answers for one file: each service's findings by pair, and what they were worked
 * out from besides the pair. The questions the services asked are kept once each for the whole
 * file, so a lint asks each again once (a handful: the same folders, Dockerfile and variables)
 * rather than once per service, and a keystroke costs a lookup per service it did not touch.
 */
interface KeptFile {
  anchors: readonly object[];
  others: readonly ComposeDocument[];
  questions: Map<string, Question>;
  services: WeakMap<PairNode, KeptFinding[]>;
}

/** Past this many distinct questions (a path typed a character at a time asks a new one per keystroke) the file starts afresh. */
const MAX_QUESTIONS = 256;

const keptBy = new WeakMap<ServiceCheck, Map<string, KeptFile>>();
const MAX_KEPT_FILES = 64;

/** Runs `check` on every service of the file (or those given), reusing the findings of services nothing changed for. */
export function checkEachService(
  ctx: ComposeRuleContext,
  check: ServiceCheck,
  services: readonly PairNode[] = servicePairs(ctx.doc),
): void {
  const { doc, file, project } = ctx;
  let byFile = keptBy.get(check);
  if (!byFile) keptBy.set(check, (byFile = new Map()));
  const anchors = anchorPieces(doc);
  const others = project.files.filter((f) => f !== file).map((f) => f.doc);
  let kept = byFile.get(file.path);
  if (!kept || !stillTrue(kept, anchors, others, project)) {
    if (!kept && byFile.size >= MAX_KEPT_FILES) byFile.clear();
    kept = { anchors, others, questions: new Map(), services: new WeakMap() };
    byFile.set(file.path, kept);
  }
  const questions = kept.questions;
  // Made for the first service checked again, if any: most keystrokes check none but the one typed in.
  let recorder: ComposeProject | undefined;
  for (let i = 0; i < services.length; i++) {
    const service = services[i];
    const before = kept.services.get(service);
    if (before) {
      for (let k = 0; k < before.length; k++) {
        const f = before[k];
        ctx.report({ ...f.finding, span: { start: f.piece.start + f.from, end: f.piece.start + f.to } });
      }
      continue;
    }
    recorder ??= recordingProject(project, (key, question) => {
      if (!questions.has(key)) questions.set(key, question);
    });
    const findings = checkService(ctx, check, service, recorder, anchors);
    if (findings) kept.services.set(service, findings);
  }
}

/**
 * Checks one service, reporting through `ctx`; returns its findings placed relative to their
 * pieces, or undefined when one cannot be placed later. Its own function: the closure over the
 * findings would otherwise be allocated for every service of the loop, checked or not.
 */
function checkService(
  ctx: ComposeRuleContext,
  check: ServiceCheck,
  service: PairNode,
  recorder: ComposeProject,
  anchors: readonly object[],
): KeptFinding[] | undefined {
  const { doc, file } = ctx;
  const findings: KeptFinding[] = [];
  let keepable = true;
  const own = pieceAt(doc, service.start);
  check(
    {
      project: recorder,
      file,
      doc,
      report(finding) {
        ctx.report(finding);
        const piece = pieceAt(doc, finding.span.start);
        // A span in a piece whose moves the key does not follow cannot be placed later. The pair
        // is the same object only while every piece of the service is, so each of them follows it.
        const followed = piece && (piece === own || ownPiece(service, piece) || anchors.includes(piece));
        if (!piece || !followed || finding.span.end > piece.start + lengthOf(piece)) {
          keepable = false;
          return;
        }
        findings.push({ finding, piece, from: finding.span.start - piece.start, to: finding.span.end - piece.start });
      },
    },
    service,
  );
  return keepable ? findings : undefined;
}

/** Whether what a file's kept findings were worked out from, besides each service's pair, is still so. */
function stillTrue(kept: KeptFile, anchors: readonly object[], others: readonly ComposeDocument[], project: ComposeProject): boolean {
  if (!sameList(kept.anchors, anchors) || !sameList(kept.others, others) || kept.questions.size > MAX_QUESTIONS) return false;
  for (const question of kept.questions.values()) if (!sameAnswer(project, question)) return false;
  return true;
}

/** Whether a piece is one of the service's own: its key pieces start inside it. */
function ownPiece(service: PairNode, piece: { readonly start: number }): boolean {
  return piece.start >= service.start && piece.start < service.end;
}

function lengthOf(piece: object): number {
  return (piece as ComposeDocument['chunks'][number]).text.length;
}

/** The project, with every question the checks ask of the world recorded, under a key that is the same for the same question. */
function recordingProject(project: ComposeProject, record: (key: string, question: Question) => void): ComposeProject {
  return {
    ...project,
    host: {
      ...project.host,
      stat(path) {
        const answer = project.host.stat(path);
        record(`stat\0${path}`, { ask: 'stat', path, answer });
        return answer;
      },
    },
    variable(name) {
      const answer = project.variable(name);
      record(`variable\0${name}`, { ask: 'variable', name, answer });
      return answer;
    },
    dockerfileStages(path) {
      const answer = project.dockerfileStages(path);
      record(`stages\0${path}`, { ask: 'stages', path, answer });
      return answer;
    },
    inlineStages(text) {
      const answer = project.inlineStages(text);
      record(`inline\0${text}`, { ask: 'inline', text, answer });
      return answer;
    },
  };
}

/** Whether asking again gets the same answer; stage lists are the same list while the Dockerfile's text is. */
function sameAnswer(project: ComposeProject, q: Question): boolean {
  switch (q.ask) {
    case 'stat':
      return project.host.stat(q.path) === q.answer;
    case 'variable':
      return project.variable(q.name) === q.answer;
    case 'stages':
      return project.dockerfileStages(q.path) === q.answer;
    case 'inline':
      return project.inlineStages(q.text) === q.answer;
  }
}
