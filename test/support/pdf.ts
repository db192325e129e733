/** A PDF read back as a reader would: each page's text (pdf.js), and a page rendered to PNG to look at. */
import { writeFileSync } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const open = (pdf: Uint8Array) => getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;

/** Each page's text, its pieces joined without the line breaks the layout made. */
export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  const doc = await open(pdf);
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
  }
  await doc.destroy();
  return pages;
}

/** Page `n` (1-based; negative from the end) rendered at 2× to a PNG file. */
export async function renderPdfPage(pdf: Uint8Array, n: number, file: string): Promise<void> {
  const doc = await open(pdf);
  const page = await doc.getPage(n > 0 ? n : doc.numPages + 1 + n);
  const viewport = page.getViewport({ scale: 2 });
  const canvas = createCanvas(viewport.width, viewport.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, viewport.width, viewport.height);
  await page.render({ canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
  writeFileSync(file, canvas.toBuffer('image/png'));
  await doc.destroy();
}
