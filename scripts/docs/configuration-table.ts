/**
 * The configuration table of docs/configuration.md, from ConfigSchema (activities/config.ts): each
 * variable with the schema's default (or its default in words) and its meaning (config-variables.ts);
 * secret-bearing settings (SECRET_SETTINGS) marked as such.
 */
import { ConfigSchema, SECRET_SETTINGS } from '../../activities/config.js';
import { CONFIG_VARIABLES, OTHER_VARIABLES } from './config-variables.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function schemaDefault(name: keyof typeof ConfigSchema.shape): string {
  const parsed = ConfigSchema.shape[name].safeParse(undefined);
  return parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : '—';
}

export function configurationTable(): string {
  const rows = (Object.keys(ConfigSchema.shape) as Array<keyof typeof ConfigSchema.shape>).map((name) => {
    const doc = CONFIG_VARIABLES[name];
    const secret = SECRET_SETTINGS.has(name) ? ' (secret: a refusal names the fault, never the value)' : '';
    return `| \`${name}\` | ${cell(doc.default ?? schemaDefault(name))} | ${cell(doc.meaning)}${secret} |`;
  });
  const others = OTHER_VARIABLES.map((v) => `| ${cell(v.names)} | ${cell(v.default)} | ${cell(v.meaning)} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows, ...others].join('\n');
}
