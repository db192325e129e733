import { readFileSync } from 'node:fs';

/**
 * How to reach Temporal. The embedded default is the local dev server; the same code
 * runs against a Temporal cluster or Temporal Cloud by setting these variables.
 */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string } | true;
  apiKey?: string;
}

export const TASK_QUEUE = 'baomi-procedures';

export function temporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const cert = env.TEMPORAL_TLS_CERT;
  const key = env.TEMPORAL_TLS_KEY;
  if (!!cert !== !!key) throw new Error('set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or neither');
  const ca = env.TEMPORAL_TLS_CA;
  const mtls = cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : {};
  const tlsOptions = { ...mtls, ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}), ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}) };
  const wantTls = Object.keys(tlsOptions).length > 0 || env.TEMPORAL_TLS === 'true' || !!env.TEMPORAL_API_KEY;
  const address = env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  // Whoever reaches the Temporal port can start, signal, update and terminate workflows: in
  // production the connection proves who we are (mTLS or an API key), except on the host itself.
  if (isProduction(env) && !(cert && key) && !env.TEMPORAL_API_KEY && !isLoopback(address)) {
    throw new Error(
      `BM_MODE=production: refusing a connection to Temporal at ${address} without client authentication; set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (mTLS) or TEMPORAL_API_KEY (TEMPORAL_TLS alone encrypts but does not authenticate)`,
    );
  }
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
    ...(wantTls ? { tls: Object.keys(tlsOptions).length ? tlsOptions : true } : {}),
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}),
  };
}

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
