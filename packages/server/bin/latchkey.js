#!/usr/bin/env node
// The `latchkey` command. A committed launcher, so npm links it at install time, before the
// TypeScript is compiled; it runs the compiled command line (npm run build, or npm start once).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('latchkey: the server is not built yet: run `npm run build` (or `npm start` once) first');
  process.exit(1);
}
if (process.argv[2] === 'serve') {
  // Before the server's modules load: loading them alone grows V8's young generation to its
  // largest. The server lets it grow to its cap once it listens (see young-generation.ts).
  const { holdYoungGeneration } = await import(new URL('../dist/src/runtime/young-generation.js', import.meta.url).href);
  holdYoungGeneration();
}
await import(main.href);
