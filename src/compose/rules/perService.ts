/**
 * Checks that look at one service at a time, with each service's findings kept between lints.
 *
 * An edit re-parses only the piece it touched, and the pieces it left keep their nodes (moved in
 * place), so a service's pair is the same object until its text changes. A service's findings are
 * then a function of its pair, the pieces anchors live in (aliases and merge keys reach into them),
 * the project's other files and what the check asked the world: files' existence, variables,
 * Dockerfile stages. Each kept answer records those questions with the answers it got; it is
 * reused when the pair and pieces are the same and asking again gets the same answers (cheap: the
 * host keeps its own answers), and computed again otherwise. An edit in one service so re-checks
 * that service, and a changed `.env` or a new Dockerfile re-checks the services that read them.
 */
import { anchorPieces, pieceAt, type ComposeDocument, type PairNode } from '../document';
import { servicePairs } from '../model';
import type { ComposeProject } from '../project';
import type { ComposeRuleContext, Finding } from './context';
import { sameList } from './sameList';

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

interface Kept {
  file: string;
  anchors: readonly object[];
  others: readonly ComposeDocument[];
  questions: Question[];
  findings: KeptFinding[];
}

const keptBy = new WeakMap<ServiceCheck, WeakMap<PairNode, Kept>>();

/** Runs `check` on every service of the file (or those given), reusing the findings of services nothing changed for. */
export function checkEachService(
  ctx: ComposeRuleContext,
  check: ServiceCheck,
  services: readonly PairNode[] = servicePairs(ctx.doc),
): void {
  const { doc, file, project } = ctx;
  let kept = keptBy.get(check);
  if (!kept) keptBy.set(check, (kept = new WeakMap()));
  const anchors = anchorPieces(doc);
  const others = project.files.filter((f) => f !== file).map((f) => f.doc);
  let recording: Question[] = [];
  const recorder = recordingProject(project, (question) => recording.push(question));
  for (const service of services) {
    const before = kept.get(service);
    if (
      before &&
      before.file === file.path &&
      sameList(before.anchors, anchors) &&
      sameList(before.others, others) &&
      before.questions.every((q) => sameAnswer(project, q))
    ) {
      for (const f of before.findings) ctx.report({ ...f.finding, span: { start: f.piece.start + f.from, end: f.piece.start + f.to } });
      continue;
    }
    recording = [];
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
          // A span in a piece whose moves the key does not follow cannot be placed later.
          if (!piece || (piece !== own && !anchors.includes(piece)) || finding.span.end > piece.start + lengthOf(piece)) {
            keepable = false;
            return;
          }
          findings.push({ finding, piece, from: finding.span.start - piece.start, to: finding.span.end - piece.start });
        },
      },
      service,
    );
    if (keepable) kept.set(service, { file: file.path, anchors, others, questions: recording, findings });
    else kept.delete(service);
  }
}

function lengthOf(piece: object): number {
  return (piece as ComposeDocument['chunks'][number]).text.length;
}

/** The project, with every question the checks ask of the world recorded. */
function recordingProject(project: ComposeProject, record: (question: Question) => void): ComposeProject {
  return {
    ...project,
    host: {
      ...project.host,
      stat(path) {
        const answer = project.host.stat(path);
        record({ ask: 'stat', path, answer });
        return answer;
      },
    },
    variable(name) {
      const answer = project.variable(name);
      record({ ask: 'variable', name, answer });
      return answer;
    },
    dockerfileStages(path) {
      const answer = project.dockerfileStages(path);
      record({ ask: 'stages', path, answer });
      return answer;
    },
    inlineStages(text) {
      const answer = project.inlineStages(text);
      record({ ask: 'inline', text, answer });
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
