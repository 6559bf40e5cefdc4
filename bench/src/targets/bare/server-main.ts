// The ceiling of any HTTP server on this machine: node:http answering a small JSON body.
// Input: BENCH_BARE_PORT. Prints `listening on http://...` when ready.
import { createServer } from 'node:http';

const body = JSON.stringify({ issuer: 'http://127.0.0.1/', ok: true });
const port = Number(process.env['BENCH_BARE_PORT'] ?? 0);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(port, '127.0.0.1', () => console.log(`bare node:http listening on http://127.0.0.1:${port}/`));
process.once('SIGTERM', () => process.exit(0));
