import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import imports from '../../lint/import-rules.js';

// The repository's own import rules (lint/import-rules.js), as eslint runs them in `npm test`:
// each file is linted as if it had the import added, against the real files around it.
const ROOT = join(import.meta.dirname, '..', '..');
const linter = new Linter({ configType: 'flat' });
const config = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { imports },
    rules: {
      'imports/no-cycle': 'error',
      'imports/layers': ['error', { domain: ['domain'], machines: ['machines', 'domain'] }],
    },
  },
] as Linter.Config[];

/** The problems of `file` (a path in the repository) with `line` added to its text. */
const problemsWith = (file: string, line: string) => {
  const path = join(ROOT, file);
  const text = `${readFileSync(path, 'utf8')}\n${line}\n`;
  return linter.verify(text, config, { filename: path }).map((m) => `${m.ruleId}: ${m.message}`);
};

describe('the import rules of npm test (docs/layers-and-install.md)', () => {
  it('the files as they are: no cycle, no upward import', () => {
    expect(problemsWith('domain/labels.zh.ts', '')).toEqual([]);
    expect(problemsWith('machines/leak.ts', '')).toEqual([]);
    expect(problemsWith('workflows/state.ts', '')).toEqual([]);
    expect(problemsWith('api/routes/procedures.ts', '')).toEqual([]);
  });

  it('a cycle through a type-only import fails, naming the path', () => {
    expect(problemsWith('domain/parties.ts', "import type { Actor } from './procedure-view.js';")).toEqual([
      expect.stringContaining('imports/no-cycle: Import cycle: domain/parties.ts → domain/procedure-view.ts → domain/parties.ts.'),
    ]);
  });

  it('a route importing the server fails: the server imports the routes', () => {
    expect(problemsWith('api/routes/inbox.ts', "import type { ApiDeps } from '../server.js';")).toEqual([
      expect.stringContaining('Import cycle: api/routes/inbox.ts → api/server.ts → api/routes/inbox.ts.'),
    ]);
  });

  it('domain/ importing anything above it fails, as machines/ importing the workflows does', () => {
    expect(problemsWith('domain/policy.ts', "import type { ProcedureDefinition } from '../machines/procedure.js';")).toContainEqual(
      expect.stringContaining('imports/layers: domain/ may import only from domain/; machines/procedure.ts is above it.'),
    );
    expect(problemsWith('machines/graph.ts', "import type { Run } from '../workflows/state.js';")).toContainEqual(
      expect.stringContaining('imports/layers: machines/ may import only from machines/, domain/; workflows/state.ts is above it.'),
    );
  });

  it('machines/ importing domain/ is the way down', () => {
    expect(problemsWith('machines/graph.ts', "import type { Role } from '../domain/parties.js';")).toEqual([]);
  });
});
