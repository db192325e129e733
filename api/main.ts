import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../activities/config.js';
import { calendarSource, loadOrExit, loadPolicy, loadRegistry } from '../activities/deps.js';
import { connectionOptions, temporalConfig } from '../temporal/connection.js';
import { codecOf, sealedDataConverter } from '../temporal/codec.js';
import { refuseUnsafeStart } from '../worker/production.js';
import { signingKey, tokenRulesOf } from './auth.js';
import { buildServer } from './server.js';
import { idSecretOf } from './procedure-client.js';
import { DEMO_PEOPLE, isDemonstration } from './demo-people.js';
import { connectOidc, oidcSettingsOf } from './oidc.js';
import { openRecordStore } from '../records/open.js';

const settings = loadConfig('api');
refuseUnsafeStart('api');
const config = loadOrExit('api', () => temporalConfig());
const { port, publicUrl, sessionHours } = settings;
const registry = loadOrExit('api', () => loadRegistry(settings.registryFile));
const codec = loadOrExit('api', () => codecOf(settings));
const connection = await Connection.connect(connectionOptions(config));
const oidcSettings = loadOrExit('api', () => oidcSettingsOf(settings));
const oidc = oidcSettings
  ? await connectOidc(oidcSettings).catch((e: Error) => {
      console.error(`[api] BM_OIDC_ISSUER: discovery of ${oidcSettings.issuer} failed: ${e.message}`);
      process.exit(1);
    })
  : undefined;
const records = await openRecordStore(settings).catch((e: Error) => {
  console.error(`[api] cannot start: ${e.message}`);
  process.exit(1);
});
const client = new Client({ connection, namespace: config.namespace, dataConverter: sealedDataConverter(codec) });
const app = await buildServer({
  client,
  taskQueue: config.taskQueue,
  registry,
  calendar: calendarSource(settings.calendarFile),
  policy: loadOrExit('api', () => loadPolicy(settings.policyFile)),
  email: !!settings.smtpUrl,
  jwtKey: signingKey(settings),
  idSecret: idSecretOf(settings),
  tokenRules: tokenRulesOf(settings),
  denialRetentionDays: settings.denialRetentionDays,
  records,
  codec,
  ...(oidc ? { oidc } : {}),
  // The demonstration's one-click sign-in (演示): only in demo mode with the demo registry.
  ...(isDemonstration(registry, settings.production) ? { demoPeople: DEMO_PEOPLE } : {}),
  secureCookies: publicUrl.startsWith('https:'),
  ...(sessionHours ? { sessionHours } : {}),
  ...(settings.apiMetricsPort ? { metricsPort: settings.apiMetricsPort } : {}),
  ...(settings.uiOrigin ? { uiOrigin: settings.uiOrigin } : {}),
  ...(settings.rateLimitPerMinute ? { rateLimitPerMinute: settings.rateLimitPerMinute } : {}),
  ...(settings.anonymousRateLimitPerMinute ? { anonymousRateLimitPerMinute: settings.anonymousRateLimitPerMinute } : {}),
  ...(settings.trustProxy ? { trustProxy: settings.trustProxy } : {}),
  logLevel: settings.logLevel,
});
await app.listen({ port, host: settings.host });
console.error(`[api] listening on http://127.0.0.1:${port}`);
const stop = async () => {
  await app.close();
  await connection.close();
  await records.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
