/**
 * Export files of the report tables (api/report-tables.ts): CSV in UTF-8 with a BOM (so that Excel
 * opens Chinese correctly) and XLSX (exceljs). Each names what it holds and the filters applied first.
 */
import ExcelJS from 'exceljs';
import type { ReportTable } from './report-tables.js';

const BOM = '\uFEFF';
const field = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One table: the heading lines (title, filters, when exported), then the header row and the rows. */
export function csvOf(table: ReportTable, heading: string[]): Buffer {
  const lines = [...heading.map((h) => [h]), table.headers, ...table.rows].map((r) => r.map(field).join(','));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

/** Every table a sheet: the heading lines above its header row (bold). */
export async function xlsxOf(tables: ReportTable[], heading: string[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '保密法定程序';
  for (const t of tables) {
    const sheet = book.addWorksheet(t.name.slice(0, 31));
    for (const h of [t.name, ...heading]) sheet.addRow([h]);
    sheet.getRow(1).font = { bold: true, size: 13 };
    sheet.addRow(t.headers).font = { bold: true };
    for (const r of t.rows) sheet.addRow(r);
    t.headers.forEach((h, i) => (sheet.getColumn(i + 1).width = Math.max(10, Math.min(40, h.length * 2 + 2))));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
