/**
 * The printed record (办理记录): a procedure's case file as a PDF a supervisor can sign and file —
 * what the case is, every entry of the record with who (name and stable id) and when (entered and
 * occurred) and its article, the computation of every deadline (期限计算说明), and on the last
 * page the record's chain head (hash and MAC) to check a printed copy against the record
 * (`npm run verify-records -- --id … --hash …`). pdfkit lays it out and embeds only the glyphs
 * used of Noto Sans SC (SIL OFL 1.1, from the @fontsource/noto-sans-sc package).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { basisText } from '../../domain/citation.js';
import { explainDeadline, makeupDaysCounted } from '../../domain/deadline/explain.js';
import { AUDIT_KIND_LABELS, beijingTime, LOCAL_POLICY_LABEL, textInWords } from '../../domain/labels.zh.js';
import type { RecordedProcedure } from '../../records/store.js';
import type { DeadlineRecord, ProcedureView } from '../../domain/procedure-view.js';
import { dueText } from '../../domain/due-text.js';
import type { CaseHeadline } from '../case-headlines.js';
import { caseFacts } from './case-facts.js';
import { woffToSfnt } from './woff.js';

const require = createRequire(import.meta.url);
const fonts = new Map<number, Buffer>();
/** Noto Sans SC's simplified-Chinese cut at a weight, decoded once per process. */
function font(weight: 400 | 700): Buffer {
  let f = fonts.get(weight);
  if (!f) {
    f = woffToSfnt(readFileSync(require.resolve(`@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-${weight}-normal.woff`)));
    fonts.set(weight, f);
  }
  return f;
}

const DEADLINE_STATUS: Record<DeadlineRecord['status'], string> = {
  running: '进行中',
  suspended: '中止',
  met: '按期完成',
  met_late: '逾期完成',
  lapsed: '期满未办',
  superseded: '已被重新计算的期限取代',
};
/** Signs the font has no glyph for, in words. */
const GLYPHS: Record<string, string> = { '→': '至', '≤': '不超过', '≥': '不少于' };
const printable = (s: string) => s.replace(/[→≤≥]/g, (c) => GLYPHS[c]!);

export interface PrintRequest {
  /** The record as the caller may see it (redacted). */
  view: ProcedureView & { archived?: boolean };
  head: RecordedProcedure['head'];
  headline: CaseHeadline;
  calendar: WorkCalendar;
  /** Who printed it ("广东省国家保密局 张某（负责人）") and when. */
  printedBy: string;
  printedAt: Date;
}

export function recordPdf(r: PrintRequest): Promise<Buffer> {
  const { view, head } = r;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true,
    info: { Title: `办理记录 ${view.id}`, Subject: `${view.label} 案卷 记录${head.seq}笔`, Creator: '保密法定程序编排' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((ok, fail) => {
    doc.on('end', () => ok(Buffer.concat(chunks)));
    doc.on('error', fail);
  });
  doc.registerFont('body', font(400));
  doc.registerFont('bold', font(700));
  const text = (s: string, o: { size?: number; bold?: boolean; indent?: number; gap?: number } = {}) => {
    doc
      .font(o.bold ? 'bold' : 'body')
      .fontSize(o.size ?? 10)
      .text(printable(s), doc.page.margins.left + (o.indent ?? 0), undefined, { lineGap: 2 });
    if (o.gap) doc.moveDown(o.gap);
  };
  const heading = (s: string) => {
    doc.moveDown(0.6);
    text(s, { size: 13, bold: true, gap: 0.3 });
  };
  const cite = (basis: string | undefined) => (basis ? (basisText(basis) ?? basis) : undefined);
  const facts = caseFacts(view);

  // Title and what this copy is.
  const name = [r.headline.reference, r.headline.title && `「${r.headline.title}」`].filter(Boolean).join(' ');
  text(`办理记录：${view.label}${name ? ` ${name}` : ''}`, { size: 16, bold: true, gap: 0.3 });
  text(`程序编号 ${view.id} · 依据 ${cite(view.basis) ?? view.basis}`);
  text(`当前状态：${view.stateLabel}${view.closed ? '（已办结）' : '（办理中）'}${view.archived ? ' · 本程序已办结，内容取自案卷' : ''}`);
  text(`本记录取自案卷（共 ${head.seq} 笔记录）· 打印：${r.printedBy} · ${beijingTime(r.printedAt.toISOString())}`, { gap: 0.2 });

  heading('一、案件信息');
  text(`程序：${view.label}`);
  for (const [label, value] of facts.start) text(`${label}：${value}`);
  if (view.responsible && !view.closed) text(`当前责任方：${view.responsible.name}（${view.responsible.id}）`);
  const lateFlags = ((view.context as { lateFlags?: Array<Record<string, unknown>> }).lateFlags ?? []) as Array<{
    obligation: string;
    dueAt?: string;
    reportedAt?: string;
    consequences: Array<{ consequence: string; basis: string }>;
  }>;
  for (const f of lateFlags) {
    text(
      `${f.obligation}：${f.reportedAt ? `逾期报告（${beijingTime(f.reportedAt)}报告）` : '逾期未报告'}${f.dueAt ? `，期限 ${dueText(f.dueAt)}` : ''}`,
      {
        bold: true,
      },
    );
    for (const x of f.consequences) text(`${x.consequence}（${cite(x.basis) ?? x.basis}）`, { indent: 14 });
  }

  heading('二、办理过程');
  for (const a of view.audit) {
    const entered = facts.fieldsOf(a);
    const person = a.actor.person ? ` / ${a.actor.person.sub}` : '';
    // viewInWords' summary: the event by its label and the states it moved between, subjects without codes.
    const summary = (a as { summaryText?: string }).summaryText ?? textInWords(a.summary);
    text(`记录 ${a.seq}\u3000${AUDIT_KIND_LABELS[a.kind]}：${summary}`, { bold: true });
    text(`办理人：${a.by ?? a.actor.name ?? a.actor.id}（标识 ${a.actor.id}${person}）`, { indent: 14 });
    text(`录入时间：${beijingTime(a.at)}${a.occurredAt ? `；发生时间：${beijingTime(a.occurredAt)}` : ''}`, { indent: 14 });
    if (a.basis) text(`依据：${cite(a.basis)}`, { indent: 14 });
    for (const [label, value] of entered?.fields ?? []) text(`${label}：${value}`, { indent: 14 });
  }

  heading('三、期限计算说明');
  if (!view.deadlines.length) text('本程序尚无期限。');
  for (const d of view.deadlines) {
    const { lines, skipped } = explainDeadline(r.calendar, d);
    text(`${d.label}（${DEADLINE_STATUS[d.status]}）`, { bold: true });
    text(
      `责任方：${d.responsible.name}（${d.responsible.id}）；期限届满：${dueText(d.dueAt)}${d.metAt ? `；完成：${beijingTime(d.metAt)}` : ''}`,
      {
        indent: 14,
      },
    );
    text(
      `依据：${d.policy ? `${LOCAL_POLICY_LABEL}（期间由本地策略确定${d.basis ? `，程序依据 ${cite(d.basis)}` : ''}）` : (cite(d.basis) ?? '—')}`,
      {
        indent: 14,
      },
    );
    // The explanation's lines in the statute's words, every skipped day on a line of its own (the page's list stops at 12),
    // the weekend days worked by the notice (调休上班) among them in date order.
    for (const line of lines.filter((l) => !l.startsWith('跳过 '))) text(textInWords(line), { indent: 14 });
    const days = [...skipped, ...makeupDaysCounted(r.calendar, d)].sort((a, b) => a.date.localeCompare(b.date));
    if (skipped.length) text(`不计入或顺延的日期（${skipped.length} 日）：`, { indent: 14 });
    else if (d.rule !== 'hours') text('期间内无不计入的休息日或法定节假日。', { indent: 14 });
    for (const s of days) text(`${s.date}\u3000${s.reason}`, { indent: 28 });
    doc.moveDown(0.3);
  }

  // The last page: what ties this copy to the record.
  doc.addPage();
  text('案卷校验信息', { size: 13, bold: true, gap: 0.5 });
  text(`程序编号：${view.id}`);
  text(`记录条数：${head.seq}（本打印件包含第 1 至 ${head.seq} 条）`);
  text('链哈希（第 ' + head.seq + ' 条记录的 SHA-256 链哈希）：', { gap: 0 });
  text(head.hash, { indent: 14 });
  text(`消息认证码（HMAC-SHA256，密钥 ${head.keyId}）：`);
  text(head.mac, { indent: 14, gap: 0.5 });
  text(
    '核对方法：由系统管理员在服务器上运行下列命令。退出码为 0 表示本打印件的链哈希属于该程序的案卷，且案卷的哈希链与消息认证码完整；否则说明打印件与案卷不符，或案卷已被改动。',
  );
  text(`npm run verify-records -- --id ${view.id} --hash ${head.hash}`, { indent: 14 });

  // 第 x 页 共 y 页 on every page.
  const { count } = doc.bufferedPageRange();
  for (let i = 0; i < count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(8)
      .text(`${view.id} · 第 ${i + 1} 页 共 ${count} 页`, doc.page.margins.left, doc.page.height - 40, {
        width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
        align: 'center',
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
