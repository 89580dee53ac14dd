/**
 * What every instruction, flag and parser directive does, in our own words, for hover,
 * completion and signature help. Facts follow Docker's Dockerfile reference (BuildKit,
 * frontend 1.x); the wording is Berth's.
 */

const REFERENCE = 'https://docs.docker.com/reference/dockerfile/';

export interface InstructionDoc {
  /** One line: what the instruction is for. */
  summary: string;
  /** The ways it can be written; placeholders in `<>`, optional parts in `[]`. */
  syntax: string[];
  /** A few sentences on what trips people up. */
  details: string;
  url: string;
  /** The snippet completion inserts after the keyword (LSP snippet syntax). */
  snippet: string;
}

const doc = (anchor: string, summary: string, syntax: string[], details: string, snippet: string): InstructionDoc => ({
  summary,
  syntax,
  details,
  url: REFERENCE + '#' + anchor,
  snippet,
});

export const INSTRUCTION_DOCS: Record<string, InstructionDoc> = {
  ADD: doc(
    'add',
    'Adds files to the image from the build context, a URL or a Git repository.',
    ['ADD [--flags] <src>... <dest>', 'ADD [--flags] ["<src>", ... "<dest>"]'],
    'Unlike COPY, ADD also fetches remote URLs and Git repositories and unpacks local tar archives. Prefer COPY for plain files: its behaviour has no surprises. A destination ending in `/` is a directory.',
    '${1:src} ${2:dest}',
  ),
  ARG: doc(
    'arg',
    'Declares a build argument, optionally with a default, that `--build-arg` can set.',
    ['ARG <name>[=<default>] ...'],
    'An ARG before the first FROM is global: FROM lines can use it, but a stage must declare it again (`ARG NAME`, no value) to see it. Inside a stage it is visible from its declaration to the end of that stage, as an environment variable of RUN too, but it is not kept in the image. Build arguments are not secret: they show in `docker history`.',
    '${1:NAME}=${2:value}',
  ),
  CMD: doc(
    'cmd',
    'Sets the default command (or the default arguments to ENTRYPOINT) of a container.',
    ['CMD ["executable", "param", ...]', 'CMD ["param", ...]', 'CMD command param ...'],
    'Only the last CMD of the final stage counts. `docker run <image> <args>` replaces it. In shell form it runs under `/bin/sh -c`, so the process is not PID 1 and does not receive SIGTERM; the exec (JSON array) form avoids that.',
    '["${1:executable}", "${2:param}"]',
  ),
  COPY: doc(
    'copy',
    'Copies files from the build context, another stage or an image into the image.',
    ['COPY [--flags] <src>... <dest>', 'COPY [--flags] ["<src>", ... "<dest>"]'],
    'Sources are relative to the build context (or to the stage or image named by `--from`) and may use wildcards. A destination ending in `/` is a directory; a relative destination is relative to WORKDIR. Files are owned by root unless `--chown` says otherwise.',
    '${1:src} ${2:dest}',
  ),
  ENTRYPOINT: doc(
    'entrypoint',
    'Sets the executable a container runs; CMD then supplies its default arguments.',
    ['ENTRYPOINT ["executable", "param", ...]', 'ENTRYPOINT command param ...'],
    'Only the last ENTRYPOINT of the final stage counts; `docker run --entrypoint` replaces it. In shell form it runs under `/bin/sh -c` and ignores CMD and `docker run` arguments, and the process does not receive signals: use the exec (JSON array) form.',
    '["${1:executable}", "${2:param}"]',
  ),
  ENV: doc(
    'env',
    'Sets environment variables for the rest of the stage and for containers of the image.',
    ['ENV <key>=<value> ...', 'ENV <key> <value>   (legacy, one variable)'],
    'Values persist in the image and in stages built FROM this one. Every reference in one ENV line sees the values from before that line. For a value only the build needs, use ARG, or set it on the single RUN that needs it.',
    '${1:KEY}=${2:value}',
  ),
  EXPOSE: doc(
    'expose',
    'Documents the ports the container listens on.',
    ['EXPOSE <port>[/<protocol>] ...'],
    'It publishes nothing: `docker run -p` or `-P` does that. Protocol is `tcp` (the default), `udp` or `sctp`; a range is written `8000-8010`.',
    '${1:8080}',
  ),
  FROM: doc(
    'from',
    'Starts a build stage from a base image, an earlier stage, or `scratch`.',
    ['FROM [--platform=<platform>] <image>[:<tag>][@<digest>] [AS <name>]'],
    'Every Dockerfile starts with FROM (only ARG and comments may come before it). `AS <name>` names the stage for `COPY --from` and `--target`. Pin a tag, better a digest, so builds are reproducible. Global ARGs can be used in the image reference.',
    '${1:image}:${2:tag}',
  ),
  HEALTHCHECK: doc(
    'healthcheck',
    'Tells the engine how to check that a container still works.',
    ['HEALTHCHECK [--flags] CMD <command>', 'HEALTHCHECK NONE'],
    'The command exits 0 when healthy and 1 when not. Only the last HEALTHCHECK counts; `NONE` turns off one inherited from the base image. Defaults: every 30s, 30s timeout, 3 retries.',
    '--interval=${1:30s} --timeout=${2:5s} CMD ${3:command}',
  ),
  LABEL: doc(
    'label',
    'Adds metadata to the image as key/value pairs.',
    ['LABEL <key>=<value> ...'],
    'Quote values with spaces. Labels are inherited from the base image and a later one with the same key wins. The `org.opencontainers.image.*` keys are the common vocabulary (source, version, authors, licenses).',
    '${1:org.opencontainers.image.source}="${2:value}"',
  ),
  MAINTAINER: doc(
    'maintainer-deprecated',
    'Deprecated: sets the author field of the image.',
    ['MAINTAINER <name>'],
    'Use `LABEL org.opencontainers.image.authors="name"` instead; MAINTAINER cannot be read back with labels.',
    '${1:name}',
  ),
  ONBUILD: doc(
    'onbuild',
    'Registers an instruction to run later, when another build uses this image as its base.',
    ['ONBUILD <instruction>'],
    "The trigger runs right after the child's FROM, in the child's context. It cannot be FROM, MAINTAINER or another ONBUILD. Triggers are not inherited by grandchildren.",
    '${1:INSTRUCTION}',
  ),
  RUN: doc(
    'run',
    'Runs a command in a new layer on top of the current image.',
    ['RUN [--flags] <command>', 'RUN [--flags] ["executable", "param", ...]', 'RUN [--flags] <<EOF\n<script>\nEOF'],
    'Shell form runs under the SHELL (`/bin/sh -c` by default) and expands variables through it; exec form expands nothing. A RUN is cached by its text, so put commands that change less often first, and clean up in the same RUN that made the mess. Cache, secret and SSH mounts (`--mount`) keep what they hold out of the image.',
    '${1:command}',
  ),
  SHELL: doc(
    'shell',
    'Changes the shell that shell-form RUN, CMD and ENTRYPOINT use.',
    ['SHELL ["executable", "param", ...]'],
    'Must be a JSON array. It applies to the instructions after it in the same stage; `["/bin/bash", "-o", "pipefail", "-c"]` makes a failing pipe fail the RUN.',
    '["${1:/bin/bash}", "${2:-c}"]',
  ),
  STOPSIGNAL: doc(
    'stopsignal',
    'Sets the signal `docker stop` sends to ask the container to exit.',
    ['STOPSIGNAL <signal>'],
    'A name such as `SIGTERM` (the default) or `SIGQUIT`, or a number such as `9`.',
    '${1:SIGTERM}',
  ),
  USER: doc(
    'user',
    'Sets the user (and optionally the group) for the rest of the stage and for containers.',
    ['USER <user>[:<group>]', 'USER <UID>[:<GID>]'],
    "Applies to later RUN, CMD and ENTRYPOINT. The user must exist in the image (or be given as a number). Without any USER the container runs as the base image's user, usually root.",
    '${1:user}',
  ),
  VOLUME: doc(
    'volume',
    "Marks paths whose content lives in a volume rather than in the container's layer.",
    ['VOLUME ["/path", ...]', 'VOLUME /path ...'],
    'Changes made to a volume path by later instructions of the build are discarded. The host directory cannot be chosen here: `docker run -v` does that.',
    '${1:/data}',
  ),
  WORKDIR: doc(
    'workdir',
    'Sets the working directory for the instructions after it and for containers.',
    ['WORKDIR /path'],
    'Created if missing. A relative path is relative to the previous WORKDIR, which may come from the base image: use absolute paths. Prefer it over `RUN cd …`, which lasts one RUN only.',
    '${1:/app}',
  ),
};

export interface FlagDoc {
  /** How the flag is written, e.g. `--platform=<platform>`. */
  syntax: string;
  summary: string;
  /** Values completion offers after `=`. */
  values?: string[];
}

export const FLAG_DOCS: Record<string, Record<string, FlagDoc>> = {
  FROM: {
    platform: {
      syntax: '--platform=<os>/<arch>[/<variant>]',
      summary: 'Pulls the base image for this platform instead of the target one, e.g. `$BUILDPLATFORM` for a stage that cross-compiles.',
      values: [
        '$BUILDPLATFORM',
        '$TARGETPLATFORM',
        'linux/amd64',
        'linux/arm64',
        'linux/arm/v7',
        'linux/386',
        'linux/ppc64le',
        'linux/s390x',
        'windows/amd64',
      ],
    },
  },
  RUN: {
    mount: {
      syntax: '--mount=type=<bind|cache|tmpfs|secret|ssh>[,<option>=<value>...]',
      summary:
        'Mounts something into the container for this RUN only; nothing mounted ends up in the layer. `cache` keeps a directory between builds (package caches), `secret` and `ssh` expose credentials without baking them in, `bind` reads from the context or another stage, `tmpfs` gives scratch space.',
      values: ['type=cache,target=', 'type=bind,source=,target=', 'type=secret,id=', 'type=ssh', 'type=tmpfs,target='],
    },
    network: {
      syntax: '--network=<default|none|host>',
      summary:
        'The network the command runs in: `none` cuts it off (useful for reproducibility checks), `host` needs the `network.host` entitlement.',
      values: ['default', 'none', 'host'],
    },
    security: {
      syntax: '--security=<sandbox|insecure>',
      summary: '`insecure` runs the command without the sandbox (privileged); it needs the `security.insecure` entitlement.',
      values: ['sandbox', 'insecure'],
    },
    device: {
      syntax: '--device=<name>[,required]',
      summary: 'Makes a CDI device available to the command (experimental in the Dockerfile frontend).',
    },
  },
  COPY: {
    from: {
      syntax: '--from=<stage|image|context>',
      summary: 'Copies from an earlier stage (by name or index), an image, or a named build context instead of the build context.',
    },
    chown: { syntax: '--chown=<user>[:<group>]', summary: 'Owner of the copied files (names or numbers); root otherwise.' },
    chmod: { syntax: '--chmod=<perms>', summary: 'Permissions of the copied files, in octal (`755`) or symbolic (`u+x`) form.' },
    link: {
      syntax: '--link[=<bool>]',
      summary: 'Copies into a layer of its own that does not depend on the layers before it, so it survives a rebase and caches better.',
      values: ['true', 'false'],
    },
    parents: {
      syntax: '--parents[=<bool>]',
      summary: "Keeps the source paths' parent directories under the destination.",
      values: ['true', 'false'],
    },
    exclude: { syntax: '--exclude=<pattern>', summary: 'Leaves out sources matching the pattern; may be given more than once.' },
  },
  ADD: {
    chown: { syntax: '--chown=<user>[:<group>]', summary: 'Owner of the added files (names or numbers); root otherwise.' },
    chmod: { syntax: '--chmod=<perms>', summary: 'Permissions of the added files, in octal (`755`) or symbolic (`u+x`) form.' },
    link: {
      syntax: '--link[=<bool>]',
      summary: 'Adds into a layer of its own that does not depend on the layers before it.',
      values: ['true', 'false'],
    },
    'keep-git-dir': {
      syntax: '--keep-git-dir[=<bool>]',
      summary: 'Keeps the `.git` directory when the source is a Git repository.',
      values: ['true', 'false'],
    },
    checksum: {
      syntax: '--checksum=<algorithm>:<hash>',
      summary: 'Verifies a remote source against this checksum, e.g. `sha256:…`.',
      values: ['sha256:'],
    },
    exclude: { syntax: '--exclude=<pattern>', summary: 'Leaves out sources matching the pattern; may be given more than once.' },
    unpack: {
      syntax: '--unpack[=<bool>]',
      summary: 'Whether a tar archive source is unpacked (local archives are by default, remote ones not).',
      values: ['true', 'false'],
    },
  },
  HEALTHCHECK: {
    interval: { syntax: '--interval=<duration>', summary: 'Time between checks (default 30s).', values: ['30s', '1m'] },
    timeout: {
      syntax: '--timeout=<duration>',
      summary: 'How long one check may take before it counts as failed (default 30s).',
      values: ['5s', '30s'],
    },
    'start-period': {
      syntax: '--start-period=<duration>',
      summary: 'Grace period after start during which failures do not count (default 0s).',
      values: ['30s'],
    },
    'start-interval': {
      syntax: '--start-interval=<duration>',
      summary: 'Time between checks during the start period (default 5s).',
      values: ['5s'],
    },
    retries: { syntax: '--retries=<n>', summary: 'Consecutive failures before the container is unhealthy (default 3).', values: ['3'] },
  },
};

/** The options each `--mount` type takes, with the values completion offers for them. */
export const MOUNT_OPTIONS: Record<string, Record<string, string[]>> = {
  bind: { target: [], source: [], from: [], rw: ['true', 'false'] },
  cache: {
    target: [],
    id: [],
    sharing: ['shared', 'private', 'locked'],
    from: [],
    source: [],
    mode: ['0755'],
    uid: ['0'],
    gid: ['0'],
    ro: ['true', 'false'],
  },
  tmpfs: { target: [], size: [] },
  secret: { id: [], target: [], env: [], required: ['true', 'false'], mode: ['0400'], uid: ['0'], gid: ['0'] },
  ssh: { id: ['default'], target: [], required: ['true', 'false'], mode: ['0600'], uid: ['0'], gid: ['0'] },
};

export const MOUNT_TYPE_DOCS: Record<string, string> = {
  bind: 'Mounts files from the build context, or from a stage or image (`from=`), read-only unless `rw`.',
  cache: 'A directory kept between builds, for package manager and compiler caches; `sharing` decides what parallel builds do.',
  tmpfs: 'An empty in-memory directory for this RUN.',
  secret: 'A secret from `docker build --secret`, as a file (default /run/secrets/<id>) or an environment variable (`env=`).',
  ssh: 'The SSH agent socket from `docker build --ssh`, for cloning private repositories.',
};

export interface DirectiveDoc {
  syntax: string;
  summary: string;
  /** The text completion inserts after `# `. */
  snippet: string;
}

export const DIRECTIVE_DOCS: Record<string, DirectiveDoc> = {
  syntax: {
    syntax: '# syntax=<frontend image>',
    summary:
      'Chooses the Dockerfile frontend (parser and builder) BuildKit uses, e.g. `docker/dockerfile:1` for the latest stable 1.x. It must be on the first lines, before any instruction, blank line or other comment.',
    snippet: 'syntax=${1:docker/dockerfile:1}',
  },
  escape: {
    syntax: '# escape=<\\ or `>',
    summary:
      'Sets the character that escapes and continues lines: `\\` (the default) or `` ` ``, handy on Windows where `\\` separates paths. Must come before any instruction.',
    snippet: 'escape=${1|`,\\\\|}',
  },
  check: {
    syntax: '# check=skip=<checks>[;error=true]',
    summary:
      "Configures BuildKit's build checks: `skip=` a comma-separated list of checks (or `all`), `error=true` to fail the build on a check's warning.",
    snippet: 'check=${1:skip=}',
  },
};

/** BuildKit's automatic platform ARGs: usable in FROM, and in a stage once declared there without a value. */
export const PLATFORM_ARGS: Record<string, string> = {
  TARGETPLATFORM: 'the platform being built for, e.g. `linux/amd64`',
  TARGETOS: 'the OS of the target platform, e.g. `linux`',
  TARGETARCH: 'the architecture of the target platform, e.g. `amd64`',
  TARGETVARIANT: 'the variant of the target platform, e.g. `v7`',
  BUILDPLATFORM: 'the platform of the machine running the build',
  BUILDOS: 'the OS of the build platform',
  BUILDARCH: 'the architecture of the build platform',
  BUILDVARIANT: 'the variant of the build platform',
};

/** Proxy ARGs every build accepts without a declaration; kept out of `docker history`. */
export const PROXY_ARGS = [
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
];

/** Markdown for an instruction's hover. */
export function instructionMarkdown(keyword: string): string | undefined {
  const d = INSTRUCTION_DOCS[keyword];
  if (!d) return undefined;
  return [
    `**${keyword}** — ${d.summary}`,
    '```dockerfile\n' + d.syntax.join('\n') + '\n```',
    d.details,
    `[Dockerfile reference](${d.url})`,
  ].join('\n\n');
}

/** Markdown for a flag's hover. */
export function flagMarkdown(keyword: string, name: string): string | undefined {
  const d = FLAG_DOCS[keyword]?.[name];
  if (!d) return undefined;
  return [`**${keyword} --${name}** — ${d.summary}`, '```dockerfile\n' + `${keyword} ${d.syntax}` + '\n```'].join('\n\n');
}

export function directiveMarkdown(name: string): string | undefined {
  const d = DIRECTIVE_DOCS[name];
  if (!d) return undefined;
  return [
    `**Parser directive \`${name}\`** — ${d.summary}`,
    '```dockerfile\n' + d.syntax + '\n```',
    `[Parser directives](${REFERENCE}#parser-directives)`,
  ].join('\n\n');
}
