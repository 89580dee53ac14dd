/**
 * Compose in the Containers view and its terminals, as data: a project's group lists the services
 * its files declare that have no container (dimmed, with Up), log lines keep their service's colour.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { servicesToShow } from '../../src/devenv/compose/project';
import { splitLogLine } from '../../src/devenv/compose/runner';
import type { ContainerSummary } from '../../src/engine/types';
import { logLine, serviceColour } from '../../src/extension/compose/logText';
import { containerRoots, type ComposeGroupNode } from '../../src/extension/views/model';

function container(name: string, service: string, state: ContainerSummary['state'] = 'running'): ContainerSummary {
  return {
    id: `${name}-id`.padEnd(64, '0'),
    name,
    image: 'busybox:local',
    imageId: 'sha256:x',
    command: 'sh',
    created: 0,
    state,
    status: state === 'running' ? 'Up 2 minutes' : 'Exited (0) 1 minute ago',
    ports: [],
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service },
    mounts: [],
    networks: [],
    composeProject: 'shop',
    composeService: service,
  };
}

describe('a Compose group in the Containers view', () => {
  it('lists the declared services without a container, dimmed, after its containers', () => {
    const [group] = containerRoots([container('shop-web-1', 'web')], 0, (project) =>
      project === 'shop' ? ['web', 'db', 'cache'] : undefined,
    ) as [ComposeGroupNode];
    assert.deepEqual(
      group.missing.map((n) => [n.label, n.description, n.contextValue, n.icon.color]),
      [
        ['db', 'not running', 'composeService.missing', 'disabledForeground'],
        ['cache', 'not running', 'composeService.missing', 'disabledForeground'],
      ],
    );
    assert.equal(group.missing[0].key, 'compose:shop:service:db');
    const [plain] = containerRoots([container('shop-web-1', 'web')], 0) as [ComposeGroupNode];
    assert.deepEqual(plain.missing, [], 'a project whose files are not in the workspace lists only its containers');
  });

  it('shows services behind profiles only when the profile is in use', () => {
    const declared = {
      files: [],
      profiles: ['debug'],
      services: [
        { name: 'web', profiles: [], builds: false, healthcheck: false },
        { name: 'shell', profiles: ['debug'], builds: false, healthcheck: false },
        { name: 'trace', profiles: ['debug'], builds: false, healthcheck: false },
      ],
    };
    assert.deepEqual(servicesToShow(declared, [{ composeService: 'web' }]), ['web']);
    assert.deepEqual(servicesToShow(declared, [{ composeService: 'web' }, { composeService: 'shell' }]), ['web', 'shell', 'trace']);
  });
});

describe('Compose logs in a terminal', () => {
  it("reads the service from either Compose's prefix", () => {
    assert.deepEqual(splitLogLine('worker_1  | tick 3'), { service: 'worker', text: 'tick 3' });
    assert.deepEqual(splitLogLine('my-api-1  | GET / 200'), { service: 'my-api', text: 'GET / 200' });
    assert.deepEqual(splitLogLine('db-1  |'), { service: 'db', text: '' });
    assert.deepEqual(splitLogLine('Attaching to a_1'), { service: '', text: 'Attaching to a_1' });
  });

  it('prefixes each line with its service, padded, in a colour that stays the same per project', () => {
    const services = ['web', 'worker'];
    assert.equal(logLine('web', 'hello', services, 6), `${serviceColour('web', services)}web    |\x1b[0m hello\r\n`);
    assert.notEqual(serviceColour('web', services), serviceColour('worker', services));
    assert.equal(serviceColour('other', services), serviceColour('other', ['x', 'y']), 'a service not listed keeps one colour by its name');
  });
});
