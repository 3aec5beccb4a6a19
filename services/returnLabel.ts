import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { ReturnAuthorization } from './types';

/** The words printed on the label, already in the customer's language. */
export interface LabelTexts {
  title: string;
  order: string;
  items: string;
  instructions: string;
}

/**
 * Renders the return label: an A6 PDF with the RMA number in large type, a QR code of it for the
 * warehouse scanner, the order, the items and what to do with the parcel.
 * NOTE: pdfkit's built-in Helvetica covers Latin-1 only; locales in other scripts need a font
 * file registered here.
 */
export async function renderReturnLabel(
  authorization: ReturnAuthorization,
  itemNames: readonly string[],
  texts: LabelTexts,
): Promise<Buffer> {
  const qr = await QRCode.toBuffer(authorization.rma, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 1,
    width: 240,
  });
  const doc = new PDFDocument({
    size: 'A6',
    margin: 24,
    // Uncompressed content keeps the RMA findable as text in the file (tests and search tools rely on it).
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
  doc.font('Helvetica-Bold').fontSize(14).text(texts.title);
  doc.moveDown(0.5);
  doc.fontSize(22).text(authorization.rma);
  doc.image(qr, doc.page.width - 24 - 96, 24, { width: 96 });
  doc.moveDown(0.5);
  doc.font('Helvetica').fontSize(10).text(`${texts.order}: ${authorization.orderNumber}`);
  doc.moveDown(0.3);
  doc.text(`${texts.items}:`);
  for (const name of itemNames) doc.text(`- ${name}`, { indent: 8 });
  doc.moveDown(0.8);
  doc.fontSize(9).text(texts.instructions);
  doc.end();
  return finished;
}
