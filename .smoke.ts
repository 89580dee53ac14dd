import { lintText } from './test/fixtures/compose/helpers';
const text = `version: "3.8"
x-common: &common
  restart: alwayz
  logging:
    driver: json-file
services:
  web:
    <<: *common
    imag: nginx
    image: nginx:latest
    build:
      context: ./app
      target: prod
    ports:
      - 22:22
      - "8080:80"
    depends_on:
      - dbb
    networks: [front]
    volumes:
      - data:/data
      - ./src:/src
    environment:
      A: $UNSET_X
      B: \${SET_Y:-x}
  api:
    <<: *common
    image: redis
    ports:
      - target: 80
        published: 8080
    env_file: .env.local
    secrets: [token]
    healthcheck:
      test: 3
      retries: true
volumes:
  data:
`;
const files = { 'app/Dockerfile': 'FROM node:20 AS build\nFROM nginx:1 AS production\n' };
for (const d of lintText(text, files)) console.log(d.range.start.line + ':' + d.range.start.character, d.code, d.message);
