/**
 * Citations as the statute writes them. The machines cite in a machine-readable form
 * (`Regs 61 para 1`, `Law 25`, `Regs 26 para 2(2)`, `Regs 61 para 1; Regs 39`); people read
 * 《实施条例》第六十一条第一款、第三十九条. 条 and 款 in Chinese numerals, 项 as the statute
 * numbers it: 第（二）项.
 */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–9999 in Chinese numerals, as articles are numbered: 十, 二十一, 一百一十, 二百零三. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999) throw new RangeError(`chineseNumeral: ${n} is not a whole number from 1 to 9999`);
  const units = ['', '十', '百', '千'];
  const digits = String(n).split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    const unit = units[digits.length - 1 - i]!;
    if (d === 0) {
      zero = out !== '';
      return;
    }
    if (zero) out += '零';
    zero = false;
    out += DIGITS[d]! + unit;
  });
  // 十一, not 一十一, when the number starts with the tens.
  return n >= 10 && n < 20 ? out.slice(1) : out;
}

const STATUTES: Record<string, string> = {
  Law: '《保密法》',
  Regs: '《实施条例》',
  民法典: '《民法典》',
};

/** The system's own rules (SPEC.md), by section: where no statute speaks. */
const SPEC_SECTIONS: Record<string, string> = {
  '1': '当事方与层级',
  '2': '期限计算规则',
  '3': '五项程序',
  '4': '提醒与督办、通知送达',
  '5': '系统不得存储的内容',
};

/** One article reference without its statute: `61 para 1(2)` → 第六十一条第一款第（二）项. */
function articleText(ref: string): string | undefined {
  const m = /^(\d{1,4})(?: para (\d{1,2}))?(?:\((\d{1,2})\))?$/.exec(ref.trim());
  if (!m) return undefined;
  const [, article, para, item] = m;
  return `第${chineseNumeral(Number(article))}条${para ? `第${chineseNumeral(Number(para))}款` : ''}${item ? `第（${chineseNumeral(Number(item))}）项` : ''}`;
}

/** One citation of one statute, e.g. `Regs 39, 67 para 1(8), 71` or `民法典 203`; undefined if not one. */
function statuteText(part: string): { statute: string; text: string } | undefined {
  const m = /^(Law|Regs|民法典)\s*(.+)$/.exec(part.trim());
  if (!m) return undefined;
  const refs = m[2]!.split(/\s*[,，、]\s*/).map(articleText);
  if (refs.some((r) => r === undefined)) return undefined;
  return { statute: m[1]!, text: refs.join('、') };
}

/**
 * A basis in the statute's words; throws on a basis it cannot read, so that a test over every
 * basis the machines cite fails on a new form. Consecutive citations of one statute share its
 * title: `Regs 61 para 1; Regs 39` → 《实施条例》第六十一条第一款、第三十九条.
 */
export function formatCitation(basis: string): string {
  const parts = basis.split(/\s*[;；]\s*/).filter(Boolean);
  if (!parts.length) throw new Error(`formatCitation: empty basis "${basis}"`);
  const out: Array<{ statute?: string; text: string }> = [];
  for (const part of parts) {
    const cited = statuteText(part);
    if (cited) {
      const last = out[out.length - 1];
      if (last?.statute === cited.statute) last.text += `、${cited.text}`;
      else out.push(cited);
      continue;
    }
    out.push({ text: otherText(part, basis) });
  }
  return out.map((p) => (p.statute ? `${STATUTES[p.statute]}${p.text}` : p.text)).join('；');
}

/** Local policy and the system's own rules: not statute, said so. */
function otherText(part: string, basis: string): string {
  // 本地策略, 本地策略（国家秘密鉴定工作规定）, 本地策略 (local policy)
  const policy = /^本地策略\s*(?:\(local policy\))?(（[^（）]+）)?$/.exec(part);
  if (policy) return `本地策略${policy[1] ?? ''}`;
  const spec = /^SPEC §(\d)(?:\.\d)*$/.exec(part);
  if (spec && SPEC_SECTIONS[spec[1]!]) return `本系统规则第${chineseNumeral(Number(spec[1]))}节（${SPEC_SECTIONS[spec[1]!]}）`;
  throw new Error(
    `formatCitation: cannot read "${part}" in basis "${basis}": expected "Law N", "Regs N para M(k)", "民法典 N", "本地策略（…）" or "SPEC §N"`,
  );
}

/** For display: the statute form, or the basis as written when it is not a citation (never throws). */
export function basisText(basis: string | undefined): string | undefined {
  if (basis === undefined) return undefined;
  try {
    return formatCitation(basis);
  } catch {
    return basis;
  }
}
