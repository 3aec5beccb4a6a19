import assert from 'node:assert/strict';
import { renderReturnLabel } from '../../services/returnLabel';
import { assertOpens, drawnText } from './pdfInspection';
import type { ReturnAuthorization } from '../../services/types';

const authorization: ReturnAuthorization = {
  rma: 'RMA-7K3F9QXM',
  orderNumber: 'SB-10002',
  skus: ['RJK-M'],
  reason: 'wrongSize',
  refundMethod: 'storeCredit',
  createdAt: '2025-06-11T08:00:00.000Z',
};
const texts = {
  title: 'Etiqueta de devolución',
  order: 'Pedido',
  items: 'Artículos',
  instructions: 'Empaqueta los artículos.',
};

describe('renderReturnLabel()', () => {
  it('renders a PDF that opens, with the RMA number, the order, the items and a QR code', async () => {
    const pdf = await renderReturnLabel(authorization, ['Rain jacket, M'], texts);
    assertOpens(pdf);
    const lines = drawnText(pdf);
    assert.ok(lines.includes('RMA-7K3F9QXM'), JSON.stringify(lines));
    assert.ok(lines.includes('Etiqueta de devolución'), JSON.stringify(lines));
    assert.ok(lines.includes('Pedido: SB-10002'), JSON.stringify(lines));
    assert.ok(lines.includes('- Rain jacket, M'), JSON.stringify(lines));
    assert.match(pdf.toString('latin1'), /\/Subtype \/Image/, 'the QR code image');
  });

  it('labels of different returns differ in their RMA', async () => {
    const other = await renderReturnLabel(
      { ...authorization, rma: 'RMA-22222222' },
      ['Rain jacket, M'],
      texts,
    );
    assert.ok(drawnText(other).includes('RMA-22222222'));
    assert.ok(!drawnText(other).includes('RMA-7K3F9QXM'));
  });
});
