/** The statute texts kept in docs/law/ and the articles a procedure cites, quoted from them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chineseNumeral } from '../../domain/citation.js';

export const LAW_FILES = { Law: 'baomifa-2024.txt', Regs: 'shishi-tiaoli-2024.txt' } as const;
export type Statute = keyof typeof LAW_FILES;
export const STATUTE_TITLES: Record<Statute, string> = {
  Law: '《中华人民共和国保守国家秘密法》（2024年修订）',
  Regs: '《中华人民共和国保守国家秘密法实施条例》（2024年）',
};

/** The articles a basis cites, by statute: `Regs 60, 67 para 1(8); Law 34` → Regs 60, Regs 67, Law 34. */
export function citedArticles(basis: string): Array<{ statute: Statute; article: number }> {
  const out: Array<{ statute: Statute; article: number }> = [];
  for (const part of basis.split(/\s*[;；]\s*/)) {
    const m = /^(Law|Regs)\s+(.+)$/.exec(part.trim());
    if (!m) continue;
    for (const ref of m[2]!.split(/\s*,\s*/)) {
      const n = /^(\d+)/.exec(ref);
      if (n) out.push({ statute: m[1] as Statute, article: Number(n[1]) });
    }
  }
  return out;
}

/** An article's text as the statute file has it: its first line 第N条… and the paragraphs up to the next article or chapter. */
export function articleText(root: string, statute: Statute, article: number): string {
  const lines = readFileSync(join(root, 'docs/law', LAW_FILES[statute]), 'utf8').split('\n');
  const head = `第${chineseNumeral(article)}条`;
  const start = lines.findIndex((l) => l.startsWith(head));
  if (start < 0) throw new Error(`docs/law/${LAW_FILES[statute]} has no ${head}`);
  const end = lines.findIndex((l, i) => i > start && /^(第[一二三四五六七八九十百零]+[条章]|附\s*则)/.test(l));
  return lines
    .slice(start, end < 0 ? undefined : end)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n\n');
}
