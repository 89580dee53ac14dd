/** BuildKit's StageNameCasing, RedundantTargetPlatform, FromPlatformFlagConstDisallowed and ExposeProtoCasing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fix, lines } from '../fixtures/fixes/helpers';
import { df, HINT, INFO, none, of, one } from '../fixtures/rules/helpers';

describe('stage-name-casing (StageNameCasing)', () => {
  const CODE = 'stage-name-casing';
  it('flags a stage name with capitals, on the name', () => {
    const d = one(CODE, df('FROM golang:1.22 AS BuildStage', 'USER app'), 'BuildStage', HINT);
    assert.match(d.message, /'buildstage'/);
  });

  it('accepts lower-case names, unnamed stages, names from variables, and honours check=skip', () => {
    none(CODE, df('FROM golang:1.22 AS build-1.x', 'FROM build-1.x', 'USER app'));
    none(CODE, df('FROM golang:1.22', 'USER app'));
    none(CODE, df('ARG NAME=Base', 'FROM golang:1.22 AS ${NAME}', 'USER app'));
    none(CODE, df('# check=skip=StageNameCasing', 'FROM golang:1.22 AS Build', 'USER app'));
  });

  it('fixes the name and every reference by name, leaving references by index alone', () => {
    const text = lines(
      'FROM golang:1.22 AS Build',
      'RUN go build -o /out ./...',
      'FROM Build AS test',
      'FROM alpine:3.20',
      'COPY --from=BUILD /out /app',
      'COPY --from=0 /out /app2',
      'RUN --mount=type=bind,from=Build,target=/src ls /src',
      'USER app',
    );
    assert.equal(
      fix(text, CODE, 'Write the stage name in lower case'),
      lines(
        'FROM golang:1.22 AS build',
        'RUN go build -o /out ./...',
        'FROM build AS test',
        'FROM alpine:3.20',
        'COPY --from=build /out /app',
        'COPY --from=0 /out /app2',
        'RUN --mount=type=bind,from=build,target=/src ls /src',
        'USER app',
      ),
    );
  });
});

describe('from-platform-redundant (RedundantTargetPlatform)', () => {
  const CODE = 'from-platform-redundant';
  it('flags $TARGETPLATFORM in both spellings, on the flag', () => {
    one(CODE, df('FROM --platform=$TARGETPLATFORM alpine:3.20', 'USER app'), '--platform=$TARGETPLATFORM', INFO);
    one(CODE, df('FROM --platform=${TARGETPLATFORM} alpine:3.20 AS base', 'USER app'), '--platform=${TARGETPLATFORM}', INFO);
  });

  it('accepts $BUILDPLATFORM and other values', () => {
    none(CODE, df('FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'FROM alpine:3.20', 'USER app'));
    none(CODE, df('ARG P=linux/arm64', 'FROM --platform=$P alpine:3.20', 'USER app'));
    none(CODE, df('FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine:3.20', 'USER app'));
  });

  it('fixes by removing the flag', () => {
    assert.equal(
      fix(lines('FROM --platform=$TARGETPLATFORM alpine:3.20 AS base', 'USER app'), CODE, 'Remove --platform'),
      lines('FROM alpine:3.20 AS base', 'USER app'),
    );
  });
});

describe('from-platform-constant (FromPlatformFlagConstDisallowed)', () => {
  const CODE = 'from-platform-constant';
  it('flags a fixed platform, on its value', () => {
    const d = one(CODE, df('FROM --platform=linux/amd64 alpine:3.20', 'USER app'), 'linux/amd64', INFO);
    assert.match(d.message, /BUILDPLATFORM/);
    one(CODE, df('FROM --platform=linux/arm64 alpine:3.20 AS base', 'USER app'), 'linux/arm64', INFO);
  });

  it('accepts variables and stages named for their OS or architecture', () => {
    none(CODE, df('FROM --platform=$BUILDPLATFORM alpine:3.20', 'USER app'));
    none(CODE, df('FROM --platform=linux/amd64 alpine:3.20 AS build_amd64', 'USER app'));
    none(CODE, df('FROM --platform=linux/amd64 alpine:3.20 AS linux', 'USER app'));
    none(CODE, df('FROM --platform=linux/x86_64 alpine:3.20 AS base-amd64', 'USER app'));
    none(CODE, df('FROM --platform=linux/arm64/v8 alpine:3.20 AS Tools-ARM64', 'USER app'));
  });
});

describe('expose-protocol-casing (ExposeProtoCasing)', () => {
  const CODE = 'expose-protocol-casing';
  it('flags each port whose protocol has capitals', () => {
    const found = of(CODE, df('FROM alpine:3.20', 'EXPOSE 80/TcP 8080/TCP 8080/udp 53', 'USER app'));
    assert.deepEqual(
      found.map((d) => [d.text, d.severity]),
      [
        ['80/TcP', HINT],
        ['8080/TCP', HINT],
      ],
    );
  });

  it('leaves unknown protocols to expose-invalid', () => {
    none(CODE, df('FROM alpine:3.20', 'EXPOSE 80/HTTP', 'USER app'));
  });

  it('fixes the protocol only', () => {
    assert.equal(
      fix(lines('FROM alpine:3.20', 'EXPOSE ${PORT}/UDP 9000', 'USER app'), CODE, 'Write the protocol in lower case'),
      lines('FROM alpine:3.20', 'EXPOSE ${PORT}/udp 9000', 'USER app'),
    );
  });
});
