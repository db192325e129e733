// `npm start` and `npm run cluster`: `exec node scripts/run.mjs scripts/<entry>.ts`, one Node process
// from npm on. It installs what is missing, then runs the TypeScript entry in itself, so the SIGINT
// or SIGTERM that npm forwards (a service manager signals npm alone) reaches the entry's handlers:
// sh forwards no signal, and the tsx CLI would be one more process in between.
// Plain Node: tsx is loaded only after ensure-installed has installed it.
import './ensure-installed.mjs';

const entry = process.argv[2];
if (!entry?.endsWith('.ts')) {
  console.error('usage: node scripts/run.mjs scripts/<entry>.ts');
  process.exit(2);
}
await import('tsx'); // what `node --import tsx` registers
await import(new URL(`../${entry}`, import.meta.url).href);
