/**
 * Toolchain presets for running a workspace in a container: a pinned image, the command
 * people usually run, the ports it serves and the caches that make a second run fast.
 */
import { DOCKERFILE_NAMES } from './dockerfileRun';

export type ToolchainId = 'go' | 'hugo' | 'node' | 'rust' | 'python' | 'ruby' | 'dockerfile';

export interface CacheVolume {
  /** Named volume, shared between workspaces (a module cache is not per project). */
  volume: string;
  /** Where it is mounted in the container. */
  target: string;
}

export interface Preset {
  id: ToolchainId;
  label: string;
  /** Pinned: a preset never pulls whatever `latest` is today. */
  image: string;
  command: string[];
  ports: number[];
  env: Record<string, string>;
  caches: CacheVolume[];
}

export const PRESETS: Record<ToolchainId, Preset> = {
  go: {
    id: 'go',
    label: 'Go',
    image: 'golang:1.23-bookworm',
    command: ['go', 'run', '.'],
    ports: [8080],
    env: { GOMODCACHE: '/cache/go-mod', GOCACHE: '/cache/go-build' },
    caches: [
      { volume: 'berth-cache-go-mod', target: '/cache/go-mod' },
      { volume: 'berth-cache-go-build', target: '/cache/go-build' },
    ],
  },
  hugo: {
    id: 'hugo',
    label: 'Hugo',
    image: 'hugomods/hugo:exts-0.139.4',
    command: ['hugo', 'server', '--bind', '0.0.0.0', '-w'],
    ports: [1313],
    env: { HUGO_CACHEDIR: '/cache/hugo' },
    caches: [{ volume: 'berth-cache-hugo', target: '/cache/hugo' }],
  },
  node: {
    id: 'node',
    label: 'Node.js',
    image: 'node:22-bookworm',
    command: ['npm', 'run', 'dev'],
    ports: [3000],
    env: { npm_config_cache: '/cache/npm' },
    caches: [{ volume: 'berth-cache-npm', target: '/cache/npm' }],
  },
  rust: {
    id: 'rust',
    label: 'Rust',
    image: 'rust:1.83-bookworm',
    command: ['cargo', 'run'],
    ports: [],
    env: { CARGO_HOME: '/cache/cargo', CARGO_TARGET_DIR: '/cache/cargo-target' },
    caches: [
      { volume: 'berth-cache-cargo', target: '/cache/cargo' },
      { volume: 'berth-cache-cargo-target', target: '/cache/cargo-target' },
    ],
  },
  python: {
    id: 'python',
    label: 'Python',
    image: 'python:3.13-bookworm',
    command: ['python', 'main.py'],
    ports: [8000],
    env: { PIP_CACHE_DIR: '/cache/pip' },
    caches: [{ volume: 'berth-cache-pip', target: '/cache/pip' }],
  },
  ruby: {
    id: 'ruby',
    label: 'Ruby',
    image: 'ruby:3.3-bookworm',
    command: ['bundle', 'exec', 'ruby', 'main.rb'],
    ports: [4567],
    env: { BUNDLE_PATH: '/cache/bundle' },
    caches: [{ volume: 'berth-cache-bundle', target: '/cache/bundle' }],
  },
  dockerfile: {
    id: 'dockerfile',
    label: 'Dockerfile in the workspace',
    image: '',
    command: [],
    ports: [],
    env: {},
    caches: [],
  },
};

/**
 * What a workspace's top-level entries say about its toolchain, most specific first:
 * a Hugo site often has a package.json too, and a Go module may ship a Dockerfile.
 */
export function detectToolchains(entries: readonly string[]): ToolchainId[] {
  const has = (name: string) => entries.includes(name);
  const found: ToolchainId[] = [];
  const hugoConfig = ['hugo.toml', 'hugo.yaml', 'hugo.yml', 'hugo.json'].some(has);
  const legacyHugo = ['config.toml', 'config.yaml', 'config.yml'].some(has) && has('content');
  if (hugoConfig || legacyHugo) found.push('hugo');
  if (has('go.mod')) found.push('go');
  if (has('Cargo.toml')) found.push('rust');
  if (has('package.json')) found.push('node');
  if (has('pyproject.toml') || has('requirements.txt')) found.push('python');
  if (has('Gemfile')) found.push('ruby');
  if (DOCKERFILE_NAMES.some(has)) found.push('dockerfile');
  return found;
}

/**
 * The preset's command adjusted to what the workspace has: a Node project runs `dev` when it
 * has that script, otherwise `start`. `read` returns a top-level file's text, or undefined.
 */
export function defaultCommand(id: ToolchainId, read: (name: string) => string | undefined): string[] {
  const preset = PRESETS[id];
  if (id === 'node') {
    const scripts = packageScripts(read('package.json'));
    if (scripts.has('dev')) return ['npm', 'run', 'dev'];
    if (scripts.has('start')) return ['npm', 'start'];
    return ['node', '.'];
  }
  if (id === 'python') {
    if (read('manage.py') !== undefined) return ['python', 'manage.py', 'runserver', '0.0.0.0:8000'];
    if (read('app.py') !== undefined) return ['python', 'app.py'];
  }
  return [...preset.command];
}

function packageScripts(text: string | undefined): Set<string> {
  if (!text) return new Set();
  try {
    const json = JSON.parse(text) as { scripts?: Record<string, unknown> };
    return new Set(Object.keys(json.scripts ?? {}));
  } catch {
    return new Set();
  }
}
