// Answers every request with a greeting; the Dockerfile beside it builds this into an image.
const http = require('node:http');

const port = Number(process.env.PORT ?? 3000);
http
  .createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(`Hello from the Berth demo (${request.method} ${request.url})\n`);
  })
  .listen(port, () => console.log(`listening on http://localhost:${port}`));
