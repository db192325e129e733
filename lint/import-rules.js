// The repository's own lint rules on imports (docs/layers-and-install.md), as an ESLint plugin:
// - `imports/no-cycle`: no module reaches itself through its imports. `import type` counts too:
//   a type-only cycle still ties the layers together (eslint-plugin-import's no-cycle skips it).
// - `imports/layers`: a folder imports only from the folders its option allows (domain/ from
//   domain/ alone, machines/ from machines/ and domain/), so the layers point one way.
// Both follow the relative specifiers (`./x.js` is x.ts) of static import and export-from statements.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The repository: the folders the layers name are its top-level ones. */
const ROOT = resolve(import.meta.dirname, '..');
const shown = (file) => relative(ROOT, file).split(sep).join('/');

/** The file a relative specifier names (TypeScript's NodeNext: `./x.js` is `./x.ts`), if it is ours. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Each file's imports, parsed once per change (a lint run reads every file once). */
const parsed = new Map();
function importsOf(file) {
  const mtime = statSync(file).mtimeMs;
  const known = parsed.get(file);
  if (known?.mtime === mtime) return known.imports;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const imports = [];
  for (const s of source.statements) {
    if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      const target = resolveSpecifier(file, s.moduleSpecifier.text);
      if (target) imports.push(target);
    }
  }
  parsed.set(file, { mtime, imports });
  return imports;
}

/** The shortest import path from `start` to `goal` (both included), if there is one. */
function pathBetween(start, goal) {
  const parent = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift();
    if (file === goal) {
      const path = [];
      for (let f = file; f !== undefined; f = parent.get(f)) path.unshift(f);
      return path;
    }
    for (const next of importsOf(file)) {
      if (parent.has(next)) continue;
      parent.set(next, file);
      queue.push(next);
    }
  }
  return undefined;
}

/** Calls `check(node, target)` for each import or export-from of the linted file that names one of ours. */
function eachImport(context, check) {
  const file = context.physicalFilename;
  const visit = (node) => {
    const target = node.source && resolveSpecifier(file, String(node.source.value));
    if (target) check(node.source, target);
  };
  return { ImportDeclaration: visit, ExportNamedDeclaration: visit, ExportAllDeclaration: visit };
}

const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'No import cycles, type-only imports included.' },
    schema: [],
    messages: {
      cycle: 'Import cycle: {{cycle}}. Move what these modules share into a module below them (docs/layers-and-install.md).',
    },
  },
  create(context) {
    const file = context.physicalFilename;
    return eachImport(context, (node, target) => {
      const back = pathBetween(target, file);
      if (back) context.report({ node, messageId: 'cycle', data: { cycle: [file, ...back].map(shown).join(' → ') } });
    });
  },
};

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'A folder imports only from the folders below it.' },
    schema: [{ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } }],
    messages: {
      upward:
        '{{from}}/ may import only from {{allowed}}; {{target}} is above it. Move what both need down, or the code up (docs/layers-and-install.md).',
    },
  },
  create(context) {
    const allowedBy = context.options[0] ?? {};
    const folderOf = (f) => shown(f).split('/')[0];
    const from = folderOf(context.physicalFilename);
    const allowed = allowedBy[from];
    if (!allowed) return {};
    return eachImport(context, (node, target) => {
      if (allowed.includes(folderOf(target))) return;
      const data = { from, allowed: allowed.map((a) => `${a}/`).join(', '), target: shown(target) };
      context.report({ node, messageId: 'upward', data });
    });
  },
};

export default { meta: { name: 'imports' }, rules: { 'no-cycle': noCycle, layers } };
