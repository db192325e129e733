import { Client, Connection } from '@temporalio/client';
import { calendarSource, loadOrExit, loadRegistry } from '../activities/deps.js';
import { connectionOptions, isProduction, temporalConfig } from '../worker/config.js';
import { codecFromEnv, sealedDataConverter } from '../worker/codec.js';
import { refuseUnsafeProduction } from '../worker/production.js';
import { signingKey, tokenRulesFromEnv } from './auth.js';
import { buildServer } from './server.js';
import { denialLog } from './denials.js';
import { DEMO_PEOPLE } from './demo-people.js';
import { connectOidc, oidcSettingsFromEnv } from './oidc.js';
import { metricsPort } from './metrics.js';

refuseUnsafeProduction('api');
const config = temporalConfig();
const dataDir = process.env.BM_DATA_DIR ?? '.data';
const registry = loadOrExit('api', () => loadRegistry(process.env.BM_REGISTRY_FILE));
const connection = await Connection.connect(connectionOptions(config));
const codec = codecFromEnv();
const port = Number(process.env.PORT ?? 3000);
// The address browsers use (the OIDC redirect URI derives from it; https marks cookies Secure).
const publicUrl = process.env.BM_PUBLIC_URL ?? `http://127.0.0.1:${port}`;
const oidcSettings = loadOrExit('api', () => oidcSettingsFromEnv(process.env, publicUrl));
const oidc = oidcSettings
  ? await connectOidc(oidcSettings).catch((e: Error) => {
      console.error(`[api] BM_OIDC_ISSUER: discovery of ${oidcSettings.issuer} failed: ${e.message}`);
      process.exit(1);
    })
  : undefined;
const sessionHours = process.env.BM_SESSION_HOURS ? Number(process.env.BM_SESSION_HOURS) : undefined;
if (sessionHours !== undefined && !(sessionHours > 0 && sessionHours <= 24)) {
  console.error(`[api] BM_SESSION_HOURS: "${process.env.BM_SESSION_HOURS}" is not a number of hours between 0 and 24`);
  process.exit(1);
}
const client = new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codec) });
const app = await buildServer({
  client,
  taskQueue: config.taskQueue,
  registry,
  calendar: calendarSource(process.env.BM_CALENDAR_FILE),
  jwtKey: signingKey(process.env, dataDir),
  tokenRules: loadOrExit('api', () => tokenRulesFromEnv(process.env, dataDir)),
  denials: denialLog(dataDir),
  codec,
  ...(oidc ? { oidc } : {}),
  // The demonstration's one-click sign-in (演示): never in production mode.
  ...(isProduction() ? {} : { demoPeople: DEMO_PEOPLE }),
  secureCookies: publicUrl.startsWith('https:'),
  ...(sessionHours ? { sessionHours } : {}),
  ...((p) => (p ? { metricsPort: p } : {}))(loadOrExit('api', () => metricsPort(process.env, 'BM_API_METRICS_PORT', 9463))),
  ...(process.env.BM_UI_ORIGIN ? { uiOrigin: process.env.BM_UI_ORIGIN } : {}),
  ...(process.env.BM_RATE_LIMIT_PER_MINUTE ? { rateLimitPerMinute: Number(process.env.BM_RATE_LIMIT_PER_MINUTE) } : {}),
  ...(process.env.BM_ANON_RATE_LIMIT_PER_MINUTE ? { anonymousRateLimitPerMinute: Number(process.env.BM_ANON_RATE_LIMIT_PER_MINUTE) } : {}),
});
await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
console.error(`[api] listening on http://127.0.0.1:${port}`);
const stop = async () => {
  await app.close();
  await connection.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
