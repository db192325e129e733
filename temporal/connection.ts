import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';

/**
 * How to reach Temporal. The embedded default is the local dev server; the same code runs
 * against a Temporal cluster or Temporal Cloud by setting the SDK's own variables
 * (@temporalio/envconfig: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS,
 * TEMPORAL_TLS_CLIENT_CERT_PATH/…_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/…_DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH/…_DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_PROFILE and
 * TEMPORAL_CONFIG_FILE for a TOML profile). Our earlier names TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY
 * and TEMPORAL_TLS_CA keep working as aliases.
 */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: ClientConnectConfig['connectionOptions']['tls'];
  apiKey?: string;
}

export const TASK_QUEUE = 'baomi-procedures';
/** Without TEMPORAL_ADDRESS (demo mode only): the embedded dev server on loopback, on BM_TEMPORAL_PORT (default 7233). */
const embeddedAddress = (vars: Record<string, string>) => `127.0.0.1:${vars.BM_TEMPORAL_PORT ?? '7233'}`;

/** Our earlier names → the SDK's (envconfig) names; the SDK's name wins when both are set. */
export const TEMPORAL_ALIASES = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

export function temporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const vars: Record<string, string> = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  for (const [ours, sdk] of Object.entries(TEMPORAL_ALIASES)) if (vars[ours] && !vars[sdk]) vars[sdk] = vars[ours];
  const hasCert = !!(vars.TEMPORAL_TLS_CLIENT_CERT_PATH || vars.TEMPORAL_TLS_CLIENT_CERT_DATA);
  const hasKey = !!(vars.TEMPORAL_TLS_CLIENT_KEY_PATH || vars.TEMPORAL_TLS_CLIENT_KEY_DATA);
  if (hasCert !== hasKey)
    throw new Error(
      'TEMPORAL_TLS_CLIENT_CERT_PATH (alias TEMPORAL_TLS_CERT) and TEMPORAL_TLS_CLIENT_KEY_PATH (alias TEMPORAL_TLS_KEY): set both, or neither',
    );
  if (vars.TEMPORAL_TLS !== undefined && !/^(true|false|1|0)$/i.test(vars.TEMPORAL_TLS))
    throw new Error(`TEMPORAL_TLS: "${vars.TEMPORAL_TLS}" is not allowed; expected true or false`);
  let connect;
  try {
    // A TOML profile only when one is named: an operator's ~/.config/temporalio/temporal.toml does not silently redirect the service.
    connect = loadClientConnectConfig({ overrideEnvVars: vars, disableFile: !vars.TEMPORAL_CONFIG_FILE && !vars.TEMPORAL_PROFILE });
  } catch (e) {
    throw new Error(`Temporal connection settings (TEMPORAL_*): ${(e as Error).message}`, { cause: e });
  }
  const { address = embeddedAddress(vars), tls, apiKey } = connect.connectionOptions;
  // Whoever reaches the Temporal port can start, signal, update and terminate workflows: in
  // production the connection proves who we are (mTLS or an API key), except on the host itself.
  const mtls = typeof tls === 'object' && !!tls?.clientCertPair;
  if (isProduction(env) && !mtls && !apiKey && !isLoopback(address)) {
    throw new Error(
      `BM_MODE=production: refusing a connection to Temporal at ${address} without client authentication; set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY) for mTLS, or TEMPORAL_API_KEY (TEMPORAL_TLS alone encrypts but does not authenticate)`,
    );
  }
  // envconfig reads certificate files as Uint8Array; the native connection takes Buffers.
  const pair =
    typeof tls === 'object' && tls?.clientCertPair
      ? { clientCertPair: { crt: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) } }
      : {};
  const ca =
    typeof tls === 'object' && tls?.serverRootCACertificate ? { serverRootCACertificate: Buffer.from(tls.serverRootCACertificate) } : {};
  return {
    address,
    namespace: connect.namespace ?? 'default',
    taskQueue: vars.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
    ...(typeof tls === 'object' && tls ? { tls: { ...tls, ...pair, ...ca } } : tls === true ? { tls } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

/** The Temporal address an operator gave (TEMPORAL_ADDRESS), if any: without it `npm start` runs the embedded dev server. */
export const givenTemporalAddress = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.TEMPORAL_ADDRESS || undefined;

/** A loopback host (127.0.0.0/8, ::1, localhost): a plaintext connection never leaves the machine. */
export function isLoopback(address: string): boolean {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Options for Connection.connect / NativeConnection.connect from the configuration. */
export function connectionOptions(config: TemporalConfig) {
  return { address: config.address, ...(config.tls ? { tls: config.tls } : {}), ...(config.apiKey ? { apiKey: config.apiKey } : {}) };
}

/**
 * BM_MODE=production: no demo identities or registry, strong secrets required, no embedded dev
 * server, authenticated connections to Temporal. The default is the one-command demonstration.
 */
export const isProduction = (env: NodeJS.ProcessEnv = process.env): boolean => env.BM_MODE === 'production';
