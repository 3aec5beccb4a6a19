import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Translate } from '../bot/i18n';
import { fontRuns, labelFontFiles, type LabelFont, type LabelFontFile } from './labelFonts';
import type { ReturnAuthorization } from './types';

/** The words printed on the label, already in the customer's language. */
export interface LabelTexts {
  title: string;
  order: string;
  items: string;
  instructions: string;
  /** Caption of the addressee block ("Return to"). */
  returnTo: string;
  /** Caption of the sender block ("From"). */
  sender: string;
}

/** The label's words from the locale bundle (`returns.label.*`) of `t`'s locale. */
export function labelTexts(t: Translate): LabelTexts {
  return {
    title: t('returns.label.title'),
    order: t('returns.label.order'),
    items: t('returns.label.items'),
    instructions: t('returns.label.instructions'),
    returnTo: t('returns.label.returnTo'),
    sender: t('returns.label.sender'),
  };
}

/** A party on the label: a name and the address lines under it. */
export interface LabelParty {
  name: string;
  lines: readonly string[];
}

/** What one label shows. */
export interface ReturnLabel {
  authorization: ReturnAuthorization;
  itemNames: readonly string[];
  /** Where the parcel goes: the shop and its return address. */
  returnTo: LabelParty;
  /** The customer sending it, when the order names them. */
  sender?: LabelParty;
}

const MARGIN = 20;
const QR_SIZE = 92;
const GAP = 12;
const RMA_MAX_SIZE = 24;

type Face = 'regular' | 'bold';
type Doc = PDFKit.PDFDocument;

/**
 * The glyph coverage of the font pdfkit just selected.
 * NOTE: pdfkit has no public API for it; its embedded font keeps the fontkit font as `font`.
 * fontkit is pdfkit's own dependency, not ours, so it is reached through pdfkit.
 */
function selectedFontCoverage(doc: Doc, name: string): LabelFont {
  const font = (doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: unknown } } })._font?.font;
  const has = font?.hasGlyphForCodePoint;
  if (typeof has !== 'function')
    throw new Error(`renderReturnLabel(): pdfkit gave no glyph table for font ${name}`);
  return { name, covers: (codePoint) => has.call(font, codePoint) as boolean };
}

function registerFonts(doc: Doc, files: readonly LabelFontFile[]): LabelFont[] {
  return files.map((file) => {
    doc.registerFont(file.name, file.bytes);
    doc.font(file.name);
    return selectedFontCoverage(doc, file.name);
  });
}

/** Writes one paragraph, switching fonts within it where a character needs another font. */
function write(
  doc: Doc,
  fonts: Record<Face, LabelFont[]>,
  face: Face,
  size: number,
  text: string,
  width: number,
): void {
  const runs = fontRuns(text, fonts[face]);
  doc.fontSize(size);
  runs.forEach((run, index) => {
    doc.font(run.font).text(run.text, { width, continued: index < runs.length - 1 });
  });
}

/** The largest size up to {@link RMA_MAX_SIZE} at which the RMA fits on one line. */
function rmaSize(doc: Doc, font: string, rma: string, width: number): number {
  doc.font(font);
  let size = RMA_MAX_SIZE;
  while (size > 8 && doc.fontSize(size).widthOfString(rma) > width) size -= 1;
  return size;
}

/**
 * Renders the return label: an A6 PDF with the title and the RMA number in large type across
 * the top, below them the shop's return address beside a QR code of the RMA for the warehouse
 * scanner, then the sender, the order, the items and what to do with the parcel. Every block is
 * placed below the previous one (pdfkit's flow), so nothing overlaps however long a text is.
 * Fonts come from {@link labelFontFiles}, subset by pdfkit to the glyphs used.
 */
export async function renderReturnLabel(label: ReturnLabel, texts: LabelTexts): Promise<Buffer> {
  const { authorization } = label;
  const qr = await QRCode.toBuffer(authorization.rma, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 1,
    width: 240,
  });
  const doc = new PDFDocument({
    size: 'A6',
    margin: MARGIN,
    // Uncompressed content keeps the label's text readable in the file (tests and search tools rely on it).
    compress: false,
    info: {
      Title: `${texts.title} ${authorization.rma}`,
      Subject: authorization.rma,
      Creator: 'Switchboard',
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const files = labelFontFiles();
  const fonts = { regular: registerFonts(doc, files.regular), bold: registerFonts(doc, files.bold) };
  const width = doc.page.width - 2 * MARGIN;

  write(doc, fonts, 'bold', 13, texts.title, width);
  doc.moveDown(0.3);
  const boldFont = fonts.bold[0]?.name ?? '';
  write(doc, fonts, 'bold', rmaSize(doc, boldFont, authorization.rma, width), authorization.rma, width);
  doc.moveDown(0.5);

  // The addressee beside the QR code: the column stops short of the code.
  const rowTop = doc.y;
  doc.image(qr, doc.page.width - MARGIN - QR_SIZE, rowTop, { width: QR_SIZE, height: QR_SIZE });
  doc.x = MARGIN;
  doc.y = rowTop;
  const column = width - QR_SIZE - GAP;
  write(doc, fonts, 'regular', 8, texts.returnTo, column);
  write(doc, fonts, 'bold', 11, label.returnTo.name, column);
  for (const line of label.returnTo.lines) write(doc, fonts, 'regular', 10, line, column);
  doc.y = Math.max(doc.y, rowTop + QR_SIZE) + GAP;

  if (label.sender) {
    write(doc, fonts, 'regular', 8, texts.sender, width);
    write(doc, fonts, 'regular', 9, label.sender.name, width);
    for (const line of label.sender.lines) write(doc, fonts, 'regular', 9, line, width);
    doc.moveDown(0.6);
  }
  write(doc, fonts, 'regular', 10, `${texts.order}: ${authorization.orderNumber}`, width);
  doc.moveDown(0.3);
  write(doc, fonts, 'regular', 10, `${texts.items}:`, width);
  for (const name of label.itemNames) write(doc, fonts, 'regular', 10, `- ${name}`, width);
  doc.moveDown(0.8);
  write(doc, fonts, 'regular', 8.5, texts.instructions, width);
  doc.end();
  return finished;
}
