/**
 * Every relative link in README.md and docs/**\/*.md points at a file or folder of the repository
 * (a clone has nothing beside it, so no link may leave it), and every docs page is reachable from the README.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../activities/config.js';

const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown links and images `[text](target)`, outside code spans and blocks. */
function links(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('documentation links', () => {
  it('every relative link resolves to a file in the repository', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const target of links(readFileSync(join(ROOT, page), 'utf8'))) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = resolve(dirname(join(ROOT, page)), decodeURIComponent(target.split('#')[0]!));
        if (relative(ROOT, path).startsWith('..') || !existsSync(path)) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every docs page is reachable from the README', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length) {
      const page = queue.shift()!;
      for (const target of links(readFileSync(join(ROOT, page), 'utf8'))) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = relative(ROOT, resolve(dirname(join(ROOT, page)), decodeURIComponent(target.split('#')[0]!)));
        const targets = path.endsWith('.md')
          ? [path]
          : existsSync(join(ROOT, path)) && !path.includes('.')
            ? pages.filter((p) => dirname(p) === path)
            : [];
        for (const t of targets.filter((t) => pages.includes(t) && !reached.has(t))) {
          reached.add(t);
          queue.push(t);
        }
      }
    }
    // The readings are included in the procedure pages, not read on their own.
    expect(pages.filter((p) => !reached.has(p) && !p.startsWith('docs/readings/'))).toEqual([]);
  });
});
