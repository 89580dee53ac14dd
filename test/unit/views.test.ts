import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import MarkdownIt from 'markdown-it';
import type { ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../../src/engine/types';
import { KeyedDebouncer } from '../../src/extension/views/debounce';
import {
  coarseAge,
  containerContextValue,
  containerIcon,
  containerNode,
  containerRoots,
  EventStates,
  formatSize,
  historyText,
  imageRoots,
  layerNodes,
  networkChildren,
  networkRoots,
  publishedUrls,
  stableStatus,
  stateFromEvent,
  viewsForEvent,
  volumeChildren,
  volumeRoots,
} from '../../src/extension/views/model';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);

/** A tooltip as VS Code would show it, rendered by a CommonMark renderer with GitHub-style autolinks: its text and its links. */
const md = new MarkdownIt({ linkify: true, html: false });
function rendered(markdown: string): { html: string; text: string; links: string[] } {
  const html = md.render(markdown);
  const text = html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return { html, text, links: [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!) };
}
const secondsAgo = (s: number): number => NOW / 1000 - s;

function container(partial: Partial<ContainerSummary> & { name: string }): ContainerSummary {
  return {
    id: `${partial.name.padEnd(12, 'x')}0123456789abcdef`,
    image: 'busybox:local',
    imageId: 'sha256:abc',
    command: 'sleep 1000',
    created: secondsAgo(3600),
    state: 'running',
    status: 'Up 3 minutes',
    ports: [],
    labels: {},
    mounts: [],
    networks: ['bridge'],
    ...partial,
  };
}

function image(partial: Partial<ImageSummary> & { id: string }): ImageSummary {
  return { repoTags: [], repoDigests: [], created: secondsAgo(86400 * 3), size: 1_234_567, dangling: false, labels: {}, ...partial };
}

describe('container status text', () => {
  it('drops the clock so the text does not change every second', () => {
    assert.equal(stableStatus({ state: 'running', status: 'Up 3 minutes' }), 'Up');
    assert.equal(stableStatus({ state: 'running', status: 'Up 4 minutes' }), 'Up');
    assert.equal(stableStatus({ state: 'running', status: 'Up 2 hours (healthy)', health: 'healthy' }), 'Up (healthy)');
    assert.equal(stableStatus({ state: 'exited', status: 'Exited (137) 2 hours ago' }), 'Exited (137)');
    assert.equal(stableStatus({ state: 'exited', status: '' }), 'Exited');
    assert.equal(stableStatus({ state: 'paused', status: 'Up 5 seconds (Paused)' }), 'Paused');
    assert.equal(stableStatus({ state: 'restarting', status: 'Restarting (1) 3 seconds ago' }), 'Restarting (1)');
    assert.equal(stableStatus({ state: 'created', status: 'Created' }), 'Created');
  });

  it('gives coarse ages', () => {
    assert.equal(coarseAge(secondsAgo(5), NOW), 'less than a minute');
    assert.equal(coarseAge(secondsAgo(61), NOW), '1 minute');
    assert.equal(coarseAge(secondsAgo(3 * 3600 + 59), NOW), '3 hours');
    assert.equal(coarseAge(secondsAgo(2 * 86400), NOW), '2 days');
    assert.equal(coarseAge(secondsAgo(400 * 86400), NOW), '1 year');
    assert.equal(coarseAge(secondsAgo(-50), NOW), 'less than a minute', 'clock skew is not negative');
  });

  it('formats sizes as the docker CLI does', () => {
    assert.equal(formatSize(0), '0 B');
    assert.equal(formatSize(999), '999 B');
    assert.equal(formatSize(1_234_567), '1.23 MB');
    assert.equal(formatSize(45_600_000), '45.6 MB');
    assert.equal(formatSize(2_000_000_000), '2 GB');
  });
});

describe('containers view', () => {
  const web = container({ name: 'shop-web-1', labels: { 'com.docker.compose.project': 'shop' }, composeProject: 'shop' });
  const db = container({
    name: 'shop-db-1',
    labels: { 'com.docker.compose.project': 'shop' },
    state: 'exited',
    status: 'Exited (0) 1 hour ago',
  });
  const other = container({ name: 'alpha', labels: { 'com.docker.compose.project': 'other' } });
  const loose = container({ name: 'zeta' });
  const loose2 = container({ name: 'beta', state: 'exited', status: 'Exited (1) 2 days ago' });

  it('groups by compose project (field or label), projects first, the rest apart and sorted', () => {
    const roots = containerRoots([loose, web, db, other, loose2], NOW);
    assert.deepEqual(
      roots.map((n) => `${n.kind}:${n.label}`),
      ['composeGroup:other', 'composeGroup:shop', 'container:beta', 'container:zeta'],
    );
    const shop = roots[1]!;
    assert.ok(shop.kind === 'composeGroup');
    assert.deepEqual(
      shop.containers.map((c) => c.name),
      ['shop-db-1', 'shop-web-1'],
    );
    assert.equal(shop.description, '1/2 running');
  });

  it('labels with the name, describes with image and stable status', () => {
    const node = containerNode(container({ name: 'api', image: 'node:20', status: 'Up 12 seconds (healthy)', health: 'healthy' }), NOW);
    assert.equal(node.label, 'api');
    assert.equal(node.description, 'node:20 · Up (healthy)');
    assert.equal(node.key, `container:${node.container.id}`);
  });

  it('chooses icons by state and health', () => {
    assert.deepEqual(containerIcon({ state: 'running', status: 'Up', health: 'unhealthy' }), { id: 'vm-running', color: 'charts.red' });
    assert.deepEqual(containerIcon({ state: 'running', status: 'Up' }), { id: 'vm-running', color: 'charts.green' });
    assert.deepEqual(containerIcon({ state: 'exited', status: 'Exited (2) 1 minute ago' }), { id: 'vm-outline', color: 'charts.red' });
    assert.deepEqual(containerIcon({ state: 'exited', status: 'Exited (0) 1 minute ago' }), { id: 'vm-outline' });
    assert.equal(containerIcon({ state: 'paused', status: '' }).id, 'debug-pause');
  });

  it('puts the state in contextValue, and marks running containers with published ports', () => {
    assert.equal(containerContextValue({ state: 'exited', ports: [] }), 'container.exited');
    assert.equal(containerContextValue({ state: 'running', ports: [] }), 'container.running');
    assert.equal(
      containerContextValue({ state: 'running', ports: [{ privatePort: 80, publicPort: 8080, type: 'tcp' }] }),
      'container.running.web',
    );
    assert.equal(
      containerContextValue({ state: 'paused', ports: [{ privatePort: 80, publicPort: 8080, type: 'tcp' }] }),
      'container.paused',
    );
  });

  it('links published TCP ports once each, on localhost unless bound elsewhere', () => {
    const c = container({
      name: 'web',
      ports: [
        { privatePort: 80, publicPort: 8080, hostIp: '0.0.0.0', type: 'tcp' },
        { privatePort: 80, publicPort: 8080, hostIp: '::', type: 'tcp' },
        { privatePort: 53, publicPort: 5353, hostIp: '0.0.0.0', type: 'udp' },
        { privatePort: 443, type: 'tcp' },
        { privatePort: 9000, publicPort: 9000, hostIp: '127.0.0.2', type: 'tcp' },
        { privatePort: 22, publicPort: 2222, hostIp: '127.0.0.1', type: 'tcp' },
      ],
      mounts: [{ type: 'volume', name: 'data', source: '/var/lib/docker/volumes/data/_data', destination: '/data', readOnly: false }],
      networks: ['shop_default'],
    });
    assert.deepEqual(publishedUrls(c), ['http://localhost:8080', 'http://127.0.0.2:9000', 'http://localhost:2222']);
    const tooltip = containerNode(c, NOW).tooltip!;
    assert.deepEqual(rendered(tooltip).links, ['http://localhost:8080', 'http://127.0.0.2:9000', 'http://localhost:2222']);
    const text = rendered(tooltip).text;
    assert.match(text, /http:\/\/localhost:8080/);
    assert.match(text, /5353 → 53\/udp/);
    assert.match(text, /443\/tcp \(not published\)/);
    assert.match(text, /data → \/data \(volume\)/);
    assert.match(text, /shop_default/);
  });

  it('escapes Markdown in names so a container cannot inject links', () => {
    const tooltip = containerNode(container({ name: '[click](http://evil)' }), NOW).tooltip!;
    assert.deepEqual(rendered(tooltip).links, []);
    assert.match(rendered(tooltip).text, /\[click\]\(http:\/\/evil\)/);
  });

  it('links no port the engine reports with a host that is not an address', () => {
    const c = container({ name: 'odd', ports: [{ privatePort: 80, publicPort: 8080, hostIp: 'x](http://evil) [y', type: 'tcp' }] });
    assert.deepEqual(publishedUrls(c), []);
    assert.deepEqual(rendered(containerNode(c, NOW).tooltip!).links, []);
  });
});

describe('images view', () => {
  const busybox = image({ id: 'sha256:1111111111111111aaaa', repoTags: ['busybox:local', 'busybox:1.36'], created: secondsAgo(60) });
  const registry = image({ id: 'sha256:2222222222222222bbbb', repoTags: ['localhost:5000/team/app:v1'] });
  const dangling = image({ id: 'sha256:3333333333333333cccc', repoTags: ['<none>:<none>'], dangling: true });
  const byDigest = image({ id: 'sha256:4444444444444444dddd', repoDigests: ['alpine@sha256:0123456789abcdef0123'] });

  it('groups by repository with each tag as a child, dangling images hidden', () => {
    const roots = imageRoots([registry, dangling, busybox, byDigest], false, NOW);
    assert.deepEqual(
      roots.map((r) => r.label),
      ['alpine', 'busybox', 'localhost:5000/team/app'],
    );
    const bb = roots[1]!;
    assert.deepEqual(bb.tags.map((t) => t.label).sort(), ['1.36', 'local']);
    assert.equal(bb.description, '2 tags');
    assert.equal(bb.tags[0]!.contextValue, 'image.tag');
    assert.match(bb.tags[0]!.description!, /^1\.23 MB · 1 minute ago$/);
    assert.equal(roots[0]!.tags[0]!.reference, 'alpine@sha256:0123456789abcdef0123');
  });

  it("names a few of an image's other tags in each tag's tooltip, not all 2,000 of them", () => {
    const many = image({ id: 'sha256:5555555555555555eeee', repoTags: Array.from({ length: 2000 }, (_, i) => `ci-cache-${i}:build`) });
    const roots = imageRoots([many, busybox], false, NOW);
    const first = roots.find((r) => r.label === 'ci-cache-0')!.tags[0]!;
    const also = rendered(first.tooltip!).text.trim().split('\n').at(-1)!;
    assert.match(also, /^Also tagged: ci-cache-1:build, .*, and 1989 more$/);
    assert.equal(also.split('ci-cache-').length - 1, 10, also);
    const bb = roots.find((r) => r.label === 'busybox')!.tags.find((t) => t.label === 'local')!;
    assert.match(rendered(bb.tooltip!).text.trim(), /Also tagged: busybox:1\.36$/);
  });

  it('shows dangling images last under <none> when the toggle is on', () => {
    const roots = imageRoots([dangling, busybox], true, NOW);
    assert.deepEqual(
      roots.map((r) => r.label),
      ['busybox', '<none>'],
    );
    assert.equal(roots[1]!.tags[0]!.label, '333333333333');
    assert.equal(roots[1]!.tags[0]!.contextValue, 'image.dangling');
  });

  it('turns history into layer nodes with readable commands', () => {
    const layers = layerNodes(
      'image:x',
      [
        { id: 'a', created: secondsAgo(100), createdBy: '/bin/sh -c #(nop)  CMD ["sh"]', size: 0, tags: [], comment: '' },
        {
          id: 'b',
          created: secondsAgo(100),
          createdBy: '/bin/sh -c apt-get update &&     apt-get install -y curl',
          size: 5_000_000,
          tags: [],
          comment: '',
        },
      ],
      NOW,
    );
    assert.deepEqual(
      layers.map((l) => l.label),
      ['CMD ["sh"]', 'RUN apt-get update && apt-get install -y curl'],
    );
    assert.equal(layers[1]!.description, '5 MB · 1 minute ago');
  });

  it('writes history as docker history does, one layer a line', () => {
    const text = historyText(
      'app:v1',
      [
        {
          id: 'sha256:aaaaaaaaaaaaaaaaaaaa',
          created: secondsAgo(7200),
          createdBy: '/bin/sh -c echo  hi',
          size: 2_000,
          tags: ['app:v1'],
          comment: '',
        },
        { id: '<missing>', created: 0, createdBy: 'ADD file:abc in /', size: 0, tags: [], comment: '' },
      ],
      NOW,
    );
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], '# app:v1: 2 layers');
    assert.match(lines[2]!, /^aaaaaaaaaaaa +2 kB +2 hours ago +\/bin\/sh -c echo hi$/);
    assert.match(lines[3]!, /^-{12} +0 B +ADD file:abc in \/$/);
  });
});

describe('tooltips of untrusted text', () => {
  // What a label, a path, a name or a layer's command can hold: before the shared escaping, a
  // setext underline made a heading, a blank line and indent a code block, and URLs were linked.
  const HOSTILE = [
    '\n# heading\n```',
    '\nheading\n===',
    'x\n\n    indented code',
    'see https://evil.example/ and www.evil.example',
    '[link](command:workbench.action.terminal.new)',
    '\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    '<img src=x onerror=alert(1)>',
    '**bold** _it_ `code`',
    '\n- item\n1. item',
  ];
  const allowed = (html: string) => html.replace(/<\/?(p|strong|ul|li|br|code)>|<br \/>/g, '');

  it('show each as written: no heading, code block, table, list, image or link of its own', () => {
    for (const evil of HOSTILE) {
      const c = container({
        name: 'c',
        image: `img${evil}`,
        status: `Up${evil}`,
        composeProject: `shop${evil}`,
        composeService: `web${evil}`,
        mounts: [{ type: 'bind', source: `/src${evil}`, destination: `/dst${evil}`, readOnly: false }],
        networks: [`net${evil}`],
      });
      const tagged = image({ id: 'sha256:1111', repoTags: [`app:v1`, `app:v2${evil.replace(/\s/g, '')}`] });
      const volume: VolumeSummary = { name: `vol${evil}`, driver: `local${evil}`, mountpoint: `/m${evil}`, scope: 'local', labels: {} };
      const network: NetworkSummary = {
        id: `id${evil}`,
        name: `net${evil}`,
        driver: `bridge${evil}`,
        scope: `local${evil}`,
        subnets: [`10.0.0.0/8${evil}`],
        internal: false,
        builtIn: false,
        labels: {},
      };
      const tooltips = [
        ...containerRoots([c], NOW).map((n) => n.tooltip!),
        containerNode(c, NOW).tooltip!,
        imageRoots([tagged], false, NOW)[0]!.tags[0]!.tooltip!,
        volumeRoots([volume], [])[0]!.tooltip!,
        networkRoots([network], [c])[0]!.tooltip!,
      ];
      for (const tooltip of tooltips) {
        const { html, text, links } = rendered(tooltip);
        assert.deepEqual(links, [], `${JSON.stringify(evil)} made a link: ${html}`);
        assert.doesNotMatch(allowed(html), /</, `${JSON.stringify(evil)} made structure: ${html}`);
        assert.ok(text.includes(evil.replace(/\n/g, ' ').trim().split(' ')[0]!), `${JSON.stringify(evil)} is shown: ${text}`);
      }
    }
  });

  it("show a layer's command whole, in one code block, whatever fences it holds", () => {
    for (const command of ['RUN echo ```\n# not a heading\n```', 'RUN cat <<EOF\n````\n`````\nEOF', ...HOSTILE]) {
      const [layer] = layerNodes('image:x', [{ id: 'sha256:l', created: 0, createdBy: command, size: 10, tags: [], comment: '' }], NOW);
      const { html } = rendered(layer!.tooltip!);
      assert.equal((html.match(/<pre>/g) ?? []).length, 1, html);
      const code = /<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html)![1]!;
      assert.equal(
        code
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&'),
        `${command}\n`,
      );
      assert.doesNotMatch(html.replace(/<pre>[\s\S]*<\/pre>/, ''), /<h\d|<a |<table/);
    }
  });
});

describe('volumes and networks views', () => {
  const volumes: VolumeSummary[] = [
    { name: 'data', driver: 'local', mountpoint: '/var/lib/docker/volumes/data/_data', scope: 'local', labels: {} },
    { name: 'a'.repeat(64), driver: 'local', mountpoint: '/x', scope: 'local', labels: {} },
  ];
  const user = container({
    name: 'db',
    mounts: [{ type: 'volume', name: 'data', source: '/x', destination: '/data', readOnly: false }],
    networks: ['bridge', 'backend'],
  });
  const networks: NetworkSummary[] = [
    {
      id: 'n2',
      name: 'backend',
      driver: 'bridge',
      scope: 'local',
      subnets: ['172.20.0.0/16'],
      internal: false,
      builtIn: false,
      labels: {},
    },
    { id: 'n1', name: 'host', driver: 'host', scope: 'local', subnets: [], internal: false, builtIn: true, labels: {} },
  ];

  it('says which containers use each volume', () => {
    const roots = volumeRoots(volumes, [user, container({ name: 'idle' })]);
    assert.deepEqual(
      roots.map((v) => [v.label, v.description, v.contextValue]),
      [
        ['aaaaaaaaaaaa', 'local · unused', 'volume.unused'],
        ['data', 'local · 1 container', 'volume.used'],
      ],
    );
    assert.deepEqual(
      volumeChildren(roots[1]!).map((c) => [c.label, c.contextValue]),
      [['db', 'volume.container']],
    );
    assert.match(rendered(roots[1]!.tooltip!).text, /Mountpoint: \/var\/lib\/docker\/volumes\/data\/_data/);
  });

  it('marks built-in networks and lists attached containers', () => {
    const roots = networkRoots(networks, [user]);
    assert.deepEqual(
      roots.map((n) => [n.label, n.description, n.contextValue]),
      [
        ['host', 'host · built-in', 'network.builtin'],
        ['backend', 'bridge · 172.20.0.0/16', 'network.user'],
      ],
    );
    assert.deepEqual(
      networkChildren(roots[1]!).map((c) => c.label),
      ['db'],
    );
    assert.equal(roots[0]!.collapsible, 'none');
  });
});

describe('live refresh', () => {
  it('maps engine events to the views they change, ignoring exec noise', () => {
    assert.deepEqual(viewsForEvent({ type: 'container', action: 'exec_start: sh -c true' }), []);
    assert.deepEqual(viewsForEvent({ type: 'container', action: 'health_status: healthy' }), ['containers']);
    assert.deepEqual(viewsForEvent({ type: 'container', action: 'die' }), ['containers']);
    assert.deepEqual(viewsForEvent({ type: 'container', action: 'destroy' }), ['containers', 'volumes', 'networks']);
    assert.deepEqual(viewsForEvent({ type: 'image', action: 'tag' }), ['images']);
    assert.deepEqual(viewsForEvent({ type: 'container', action: 'commit' }), ['images'], 'docker commit sends only a container event');
    assert.deepEqual(viewsForEvent({ type: 'network', action: 'connect' }), ['networks', 'containers']);
    assert.deepEqual(viewsForEvent({ type: 'volume', action: 'mount' }), []);
    assert.deepEqual(viewsForEvent({ type: 'plugin', action: 'enable' }), []);
  });

  it('coalesces a burst into one run per key', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const runs: string[] = [];
      const debouncer = new KeyedDebouncer<string>(50, (key) => runs.push(key));
      for (let i = 0; i < 10; i++) debouncer.request('containers');
      debouncer.request('images');
      assert.deepEqual(runs, []);
      mock.timers.tick(49);
      assert.deepEqual(runs, []);
      mock.timers.tick(1);
      assert.deepEqual(runs.sort(), ['containers', 'images']);
      debouncer.request('containers');
      debouncer.dispose();
      mock.timers.tick(100);
      assert.equal(runs.length, 2, 'a disposed debouncer runs nothing');
    } finally {
      mock.timers.reset();
    }
  });
  it('spaces the runs of a key by what the key asks, so a storm of requests runs a few times', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const runs: number[] = [];
      const start = Date.now();
      const debouncer = new KeyedDebouncer<string>(50, () => runs.push(Date.now() - start), { spacing: () => 1000 });
      // A request every 10 ms for 5 s, as an event storm sends them.
      for (let t = 0; t < 5000; t += 10) {
        debouncer.request('containers');
        mock.timers.tick(10);
      }
      // Small steps: the mock's Date reads the end of a long tick inside its callbacks.
      for (let t = 0; t < 2000; t += 10) mock.timers.tick(10);
      assert.deepEqual(runs, [50, 1050, 2050, 3050, 4050, 5050]);
      // After a quiet spell the first request runs after the debounce alone.
      for (let t = 0; t < 5000; t += 10) mock.timers.tick(10);
      debouncer.request('containers');
      mock.timers.tick(49);
      assert.equal(runs.length, 6);
      mock.timers.tick(1);
      assert.equal(runs.length, 7);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('event states: the list lags the events', () => {
  const listed = (id: string, state: ContainerSummary['state'], status: string): ContainerSummary => ({
    ...container({ name: id, state, status }),
    id,
  });

  it('reads a state from die, start, pause and unpause, nothing from others', () => {
    assert.deepEqual(stateFromEvent({ type: 'container', action: 'die', attributes: { exitCode: '137' } }), {
      state: 'exited',
      status: 'Exited (137)',
    });
    assert.equal(stateFromEvent({ type: 'container', action: 'start', attributes: {} })?.state, 'running');
    assert.equal(stateFromEvent({ type: 'container', action: 'pause', attributes: {} })?.state, 'paused');
    assert.equal(stateFromEvent({ type: 'container', action: 'kill', attributes: {} }), undefined);
    assert.equal(stateFromEvent({ type: 'image', action: 'die', attributes: {} }), undefined);
  });

  it('keeps what the event said over a lagging list, then lets the list win', () => {
    const states = new EventStates(2000);
    states.record('a', { state: 'exited', status: 'Exited (0)' }, 1000);
    // 50 ms later the engine still lists it running: the event wins.
    assert.equal(states.apply([listed('a', 'running', 'Up 3 seconds'), listed('b', 'running', 'Up')], 1050)[0].state, 'exited');
    // Once the list agrees, the fact is dropped and the list's own text shows.
    assert.equal(states.apply([listed('a', 'exited', 'Exited (0) 1 second ago')], 1100)[0].status, 'Exited (0) 1 second ago');
    // A later start is the list's to tell.
    assert.equal(states.apply([listed('a', 'running', 'Up 1 second')], 1200)[0].state, 'running');
  });

  it('judges a listing by when it was asked for: one answered after the hold does not undo the event', () => {
    const states = new EventStates(2000);
    states.record('a', { state: 'exited', status: 'Exited (0)' }, 1000);
    // Asked for 300 ms after the event, answered 3 s later by a loaded engine that still lagged.
    assert.equal(states.apply([listed('a', 'running', 'Up 4 seconds')], 1300)[0].state, 'exited');
    // Asked for after the hold: the list is the truth.
    assert.equal(states.apply([listed('a', 'running', 'Up 1 second')], 3100)[0].state, 'running');
  });

  it("keeps a fact applied to the view's own rows for the engine's next listing", () => {
    const states = new EventStates(2000);
    states.record('a', { state: 'exited', status: 'Exited (0)' }, 1000);
    const shown = states.overlay([listed('a', 'running', 'Up'), listed('b', 'running', 'Up')], 1010);
    assert.equal(shown[0]!.state, 'exited');
    // Another container's event overlays the rows again: they agree with the fact because of it.
    assert.equal(states.overlay(shown, 1020)[0]!.state, 'exited');
    // The engine's listing, asked for right after, still lags: the event still wins.
    assert.equal(states.apply([listed('a', 'running', 'Up 2 seconds')], 1300)[0]!.state, 'exited');
    // An old fact is dropped from the rows too.
    states.record('b', { state: 'paused', status: 'Up (Paused)' }, 1000);
    assert.equal(states.overlay([listed('b', 'running', 'Up')], 3500)[0]!.state, 'running');
  });

  it('forgets an old fact: after the hold the list is the truth', () => {
    const states = new EventStates(2000);
    states.record('a', { state: 'exited', status: 'Exited (0)' }, 1000);
    assert.equal(states.apply([listed('a', 'running', 'Up')], 3500)[0].state, 'running');
  });
});
