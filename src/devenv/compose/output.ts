/**
 * Reading what Compose prints, v2 (`docker compose`) and docker-compose 1.x alike: the progress of
 * each service (pull, build, create, start, …) line by line, and, when a command fails, which
 * service failed and why, in words that name the fix. Pure: unit-tested on recorded output.
 */

/** What a progress line is about. */
export type ComposeStep = 'pull' | 'build' | 'create' | 'recreate' | 'start' | 'stop' | 'remove' | 'restart' | 'kill' | 'wait' | 'ready';

export interface ComposeProgress {
  /** The service it is about, when the line names one (directly, or by its container's name). */
  service?: string;
  resource: 'container' | 'service' | 'network' | 'volume';
  /** The name as printed: a container, network, volume or service. */
  name: string;
  step: ComposeStep;
  state: 'working' | 'done' | 'error';
  /** The image, when the line names it (docker-compose 1.x's `Pulling web (nginx:1.27)...`). */
  image?: string;
}

/** What the lines are read with: the project's name and services make container names into services. */
export interface OutputContext {
  project?: string;
  services?: readonly string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The service a container of the project runs: `<project>_<service>_<n>` (1.x) or
 * `<project>-<service>-<n>` (v2). Undefined for names that follow neither (`container_name:`).
 */
export function serviceOfContainer(name: string, context: OutputContext): string | undefined {
  const services = [...(context.services ?? [])].sort((a, b) => b.length - a.length);
  const prefix = context.project ? `${escape(context.project)}[-_]` : '(?:.*[-_])?';
  for (const service of services) if (new RegExp(`^${prefix}${escape(service)}[-_]\\d+$`).test(name)) return service;
  if (services.length || !context.project) return undefined;
  return new RegExp(`^${prefix}(.+)[-_]\\d+$`).exec(name)?.[1];
}

/** v2's words for each step, as `<Resource> <name>  <Word>`. */
const V2_WORDS: Record<string, [ComposeStep, ComposeProgress['state']]> = {
  creating: ['create', 'working'],
  created: ['create', 'done'],
  recreate: ['recreate', 'working'],
  recreated: ['recreate', 'done'],
  starting: ['start', 'working'],
  started: ['start', 'done'],
  running: ['start', 'done'],
  stopping: ['stop', 'working'],
  stopped: ['stop', 'done'],
  removing: ['remove', 'working'],
  removed: ['remove', 'done'],
  restarting: ['restart', 'working'],
  restarted: ['restart', 'done'],
  killing: ['kill', 'working'],
  killed: ['kill', 'done'],
  waiting: ['wait', 'working'],
  healthy: ['ready', 'done'],
  exited: ['ready', 'done'],
  pulling: ['pull', 'working'],
  pulled: ['pull', 'done'],
  skipped: ['pull', 'done'],
  building: ['build', 'working'],
  built: ['build', 'done'],
  error: ['start', 'error'],
};

/** 1.x's verbs for `<Verb> <container> ... done`. */
const V1_VERBS: Record<string, ComposeStep> = {
  Creating: 'create',
  Recreating: 'recreate',
  Starting: 'start',
  Stopping: 'stop',
  Removing: 'remove',
  Restarting: 'restart',
  Killing: 'kill',
  Pulling: 'pull',
  Building: 'build',
};

/**
 * One line of Compose's plain output as progress, or undefined for anything else (build steps,
 * layer downloads, warnings). Status symbols (✔ ✘ ⠿) and v2's timings are ignored.
 */
export function parseProgressLine(raw: string, context: OutputContext = {}): ComposeProgress | undefined {
  const line = raw
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/^[\s✔✘⠿⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏!]+/, '')
    .replace(/\s+\d+(?:\.\d+)?s$/, '')
    .trimEnd();
  if (!line) return undefined;
  const service = (name: string) => serviceOfContainer(name, context);

  // v2: `Container p-web-1  Started`, `Network p_default  Created`, `Volume "p_data"  Creating`.
  let m = /^(Container|Network|Volume)\s+"?([^\s"]+)"?\s+(\w+)$/.exec(line);
  if (m) {
    const word = V2_WORDS[m[3].toLowerCase()];
    if (!word) return undefined;
    const resource = m[1].toLowerCase() as ComposeProgress['resource'];
    const [step, state] = word;
    return { resource, name: m[2], step, state, ...(resource === 'container' ? withService(service(m[2])) : {}) };
  }
  // v2: `web Pulling`, `web Pulled`, `web Error`, `Image busybox Building`.
  m = /^(?:Service\s+|Image\s+)?([A-Za-z0-9][A-Za-z0-9._-]*)\s+(Pulling|Pulled|Skipped|Building|Built|Error)$/.exec(line);
  if (m && (!context.services || context.services.includes(m[1]))) {
    const [step, state] = V2_WORDS[m[2].toLowerCase()];
    return { resource: 'service', name: m[1], service: m[1], step: m[2] === 'Error' ? 'pull' : step, state };
  }
  // 1.x: `Creating network "p_default" with the default driver`, `Removing network p_default`.
  m = /^(Creating|Removing) (network|volume) "?([^\s"]+)"?/.exec(line);
  if (m) return { resource: m[2] as 'network' | 'volume', name: m[3], step: m[1] === 'Creating' ? 'create' : 'remove', state: 'working' };
  // 1.x: `Pulling web (nginx:1.27)...` (in up) and `Building web`.
  m = /^(Pulling|Building) ([A-Za-z0-9][A-Za-z0-9._-]*)(?: \(([^)]+)\)\.\.\.)?$/.exec(line);
  if (m) {
    return {
      resource: 'service',
      name: m[2],
      service: m[2],
      step: V1_VERBS[m[1]],
      state: 'working',
      ...(m[3] ? { image: m[3] } : {}),
    };
  }
  // 1.x: `Creating p_web_1 ... done`, `Pulling web ... error` (pull), `Starting p_web_1 ... `.
  m = /^(Creating|Recreating|Starting|Stopping|Removing|Restarting|Killing|Pulling) (\S+)\s+\.\.\.\s*(done|error)?$/.exec(line);
  if (m) {
    const step = V1_VERBS[m[1]];
    const state = m[3] === 'done' ? 'done' : m[3] === 'error' ? 'error' : 'working';
    if (step === 'pull') return { resource: 'service', name: m[2], service: m[2], step, state };
    return { resource: 'container', name: m[2], step, state, ...withService(service(m[2])) };
  }
  // 1.x: `p_db_1 is up-to-date`.
  m = /^(\S+) is up-to-date$/.exec(line);
  if (m) return { resource: 'container', name: m[1], step: 'start', state: 'done', ...withService(service(m[1])) };
  return undefined;
}

function withService(service: string | undefined): { service?: string } {
  return service ? { service } : {};
}

/** Why a Compose command failed, as far as its output tells. */
export type FailureKind = 'invalid-file' | 'env-file' | 'port-in-use' | 'pull' | 'build' | 'start' | 'no-such-service' | 'engine' | 'other';

export interface ComposeFailure {
  kind: FailureKind;
  /** The service that failed, when the output names it. */
  service?: string;
  /** The image that could not be pulled. */
  image?: string;
  /** A port that is taken: `127.0.0.1:8080`. */
  port?: string;
  /** A missing env file's path. */
  file?: string;
  /** Compose's own words for the cause (one or a few lines). */
  reason: string;
}

/** Lines that are Compose's progress or noise, not its reason. */
function isNoise(line: string): boolean {
  return parseProgressLine(line) !== undefined || /^Encountered errors while bringing up the project\.?$/.test(line.trim());
}

/**
 * Reads a failed command's output (stderr and stdout together): what went wrong, for which
 * service, and the details a message needs. `progress` is what the lines said before the end.
 */
export function parseFailure(output: string, context: OutputContext = {}): ComposeFailure {
  const lines = output
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const text = lines.join('\n');
  const meaningful = lines.filter((l) => !isNoise(l));
  // 1.x repeats the cause per container and per service: `ERROR: for web  Cannot start service web: …`.
  const forLines = meaningful.map((l) => /^(?:ERROR: )?for (\S+)\s{2,}(.*)$/.exec(l.trim())).filter((m): m is RegExpExecArray => !!m);
  const serviceFromFor = forLines.map((m) => (context.services?.includes(m[1]) ? m[1] : (serviceOfContainer(m[1], context) ?? m[1])))[0];
  const cannotStart = /Cannot start service ([A-Za-z0-9._-]+):/.exec(text)?.[1];
  // v2: the container whose line says Error.
  let v2Service: string | undefined;
  let pulledService: string | undefined;
  let pulledImage: string | undefined;
  for (const line of lines) {
    const p = parseProgressLine(line, context);
    if (p?.state === 'error' && p.service) v2Service = p.service;
    if (p?.step === 'pull' && p.service) {
      pulledService = p.service;
      pulledImage = p.image ?? pulledImage;
    }
  }
  const endpoint = /on endpoint (\S+)/.exec(text)?.[1];
  const service = cannotStart ?? serviceFromFor ?? v2Service ?? (endpoint ? serviceOfContainer(endpoint, context) : undefined);
  const reason = (
    forLines[0]?.[2] ??
    meaningful.find((l) => /error|invalid|cannot|can't|couldn't|failed|not found|no such/i.test(l)) ??
    meaningful.at(-1) ??
    text
  )
    .replace(/^ERROR:\s*/, '')
    .trim();

  const envFile = /Couldn't find env file: (.+)$/m.exec(text)?.[1] ?? /env file (\S+) not found/.exec(text)?.[1];
  if (envFile) return { kind: 'env-file', file: envFile.trim(), reason, ...withService(service) };

  if (
    /is invalid because|yaml\.(?:scanner|parser|constructor)\.|^yaml: |yaml: line \d+|validating .+?: |Additional property .+ is not allowed|additional properties? .+ not allowed|Unsupported config option|mapping values are not allowed|did not find expected|Top-level object must be a mapping|services must be a mapping|contains an invalid type|is not a valid Compose file|Invalid interpolation format/im.test(
      text,
    )
  ) {
    const at = meaningful.findIndex((l) =>
      /is invalid because|yaml|validating|Unsupported|properties|property|Invalid interpolation/i.test(l),
    );
    return {
      kind: 'invalid-file',
      reason:
        meaningful
          .slice(Math.max(0, at), Math.max(0, at) + 3)
          .join(' ')
          .trim() || reason,
    };
  }
  const noService = /no such service:? (\S+)/i.exec(text);
  if (noService) return { kind: 'no-such-service', service: noService[1].replace(/[.:]$/, ''), reason };
  if (
    /Couldn't connect to Docker daemon|Cannot connect to the Docker daemon|Is the docker daemon running|permission denied while trying to connect to the Docker daemon|Error while fetching server API version/i.test(
      text,
    )
  )
    return { kind: 'engine', reason };

  const port =
    /(?:Bind for|listen tcp[46]?) ((?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]|[0-9a-f:]+)?:\d+)(?:: (?:bind|listen))?:? (?:failed: )?(?:port is already allocated|address already in use)/i.exec(
      text,
    )?.[1] ?? (/port is already allocated|address already in use/i.test(text) ? '' : undefined);
  if (port !== undefined) {
    // The container whose start failed names the service, in 1.x's `for p_web_1` or v2's `Container p-web-1  Error`.
    return { kind: 'port-in-use', ...(port ? { port } : {}), reason, ...withService(service) };
  }
  if (/failed to build|failed to solve|Build failed|returned a non-zero code|executor failed running/i.test(text)) {
    const built = /Service '([^']+)' failed to build/.exec(text)?.[1] ?? /target ([A-Za-z0-9._-]+): failed to solve/.exec(text)?.[1];
    return { kind: 'build', reason, ...withService(built ?? service) };
  }
  if (
    /pull access denied|manifest unknown|manifest for .+ not found|not found: manifest|repository does not exist|no such host|dial tcp|i\/o timeout|TLS handshake timeout|connection refused|toomanyrequests|unauthorized: /i.test(
      text,
    ) &&
    (pulledService !== undefined || /pull|manifest|repository|registry|https?:\/\//i.test(text))
  ) {
    const image = pulledImage ?? /pull access denied for ([^\s,]+)/.exec(text)?.[1] ?? /manifest for (\S+) not found/.exec(text)?.[1];
    return { kind: 'pull', reason, ...withService(pulledService ?? service), ...(image ? { image } : {}) };
  }
  if (service) return { kind: 'start', service, reason };
  return { kind: 'other', reason };
}

/**
 * One message for a failure, naming the fix. `logTail` is the failed service's last log lines,
 * when the caller has them.
 */
export function describeFailure(failure: ComposeFailure, verb: string, logTail?: string): string {
  const who = failure.service ? ` (service ${failure.service})` : '';
  const tail = logTail?.trim() ? `\nIts last log lines:\n${logTail.trim()}` : '';
  switch (failure.kind) {
    case 'invalid-file':
      return `The Compose file is invalid: ${failure.reason} Fix the file (its problems are underlined in the editor), then run ${verb} again.`;
    case 'env-file':
      return `The env file ${failure.file} is missing${who}. Create it, or remove it from env_file, then run ${verb} again.`;
    case 'port-in-use':
      return `Port ${failure.port ?? ''}${failure.port ? ' ' : ''}is already in use${who}. Stop what uses it, or publish the service's port on another host port (ports: in the Compose file).`;
    case 'pull':
      return `The image${failure.image ? ` ${failure.image}` : ''}${who} could not be pulled: ${failure.reason} Check the registry connection and your docker login, or use an image this engine has (build it, or pull it while online).`;
    case 'build':
      return `Building${failure.service ? ` service ${failure.service}` : ''} failed: ${failure.reason}${tail}`;
    case 'start':
      return `Service ${failure.service} failed to start: ${failure.reason}${tail}`;
    case 'no-such-service':
      return `There is no service ${failure.service} in this project. Choose one of its services (Compose: config --services lists them).`;
    case 'engine':
      return `Compose could not reach the engine: ${failure.reason} Check that the engine runs and the Docker views connect.`;
    case 'other':
      return `Compose ${verb} failed: ${failure.reason}${tail}`;
  }
}
