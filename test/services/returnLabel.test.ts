import assert from 'node:assert/strict';
import * as fontkit from 'fontkit';
import { createI18n, translator } from '../../bot/i18n';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { fontRuns, labelFontPaths, type LabelFont } from '../../services/labelFonts';
import { labelTexts, renderReturnLabel, type ReturnLabel } from '../../services/returnLabel';
import { assertOpens, boxesOverlap, drawnText, embeddedFonts, pageContents } from './pdfInspection';
import type { ReturnAuthorization } from '../../services/types';

const authorization: ReturnAuthorization = {
  rma: 'RMA-JKKSHQD3',
  orderNumber: 'SB-10002',
  skus: ['RJK-M'],
  reason: 'wrongSize',
  refundMethod: 'storeCredit',
  createdAt: '2025-06-11T08:00:00.000Z',
};
const i18n = createI18n();
const textsIn = (locale: string): ReturnType<typeof labelTexts> => labelTexts(translator(i18n, locale));

function label(overrides: Partial<ReturnLabel> = {}): ReturnLabel {
  return {
    authorization,
    itemNames: ['Rain jacket, M'],
    returnTo: { name: 'Outdoor Shop Returns', lines: ['Calle de Fuencarral 45', '28004 Madrid', 'Spain'] },
    sender: { name: 'Ana García', lines: ['28013'] },
    ...overrides,
  };
}

/** Text without its spaces and line breaks: a paragraph wraps into lines wherever the width says. */
function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** The characters of `text` that the font file at `path` has no glyph for. */
function missingGlyphs(path: string, text: string): string[] {
  const font = fontkit.openSync(path);
  return [...new Set(text)].filter(
    (char) => !/\s/.test(char) && !font.hasGlyphForCodePoint(char.codePointAt(0) ?? 0),
  );
}

const SUBSET_NOTO = /^[A-Z]{6}\+NotoSans(SC)?-(Regular|Bold)$/;

describe('renderReturnLabel()', () => {
  it('renders a PDF that opens, with the RMA number, the order, the items and a QR code', async () => {
    const pdf = await renderReturnLabel(label(), textsIn('es'));
    assertOpens(pdf);
    const lines = drawnText(pdf);
    assert.ok(lines.includes('RMA-JKKSHQD3'), JSON.stringify(lines));
    assert.ok(lines.includes('Etiqueta de devolución'), JSON.stringify(lines));
    assert.ok(lines.includes('Pedido: SB-10002'), JSON.stringify(lines));
    assert.ok(lines.includes('- Rain jacket, M'), JSON.stringify(lines));
    assert.equal(pageContents(pdf).images.length, 1, 'the QR code image');
  });

  it("names the shop's return address and the sender under their captions", async () => {
    const lines = drawnText(await renderReturnLabel(label(), textsIn('en')));
    const at = (text: string): number => lines.indexOf(text);
    for (const text of [
      'Return to',
      'Outdoor Shop Returns',
      'Calle de Fuencarral 45',
      '28004 Madrid',
      'Spain',
      'From',
      'Ana García',
      '28013',
    ])
      assert.ok(at(text) >= 0, `${text} in ${JSON.stringify(lines)}`);
    assert.ok(at('Return to') < at('Outdoor Shop Returns') && at('Outdoor Shop Returns') < at('Spain'));
    assert.ok(at('From') < at('Ana García'));
  });

  it('leaves the sender out when the order does not name one', async () => {
    const { sender: _sender, ...withoutSender } = label();
    const lines = drawnText(await renderReturnLabel(withoutSender, textsIn('en')));
    assert.ok(!lines.includes('From'), JSON.stringify(lines));
    assert.ok(lines.includes('Outdoor Shop Returns'));
  });

  for (const locale of SUPPORTED_LOCALES) {
    it(`${locale}: the RMA's box and the QR code's box do not intersect, and no two texts overlap`, async () => {
      const pdf = await renderReturnLabel(
        label({
          // Long enough to wrap beside the QR code and to push the sender below it.
          returnTo: {
            name: 'Switchboard Outdoor Equipment and Repairs, Returns Department',
            lines: ['Polígono Industrial Las Mercedes, nave 12', '28022 Madrid', 'Spain'],
          },
          itemNames: ['Rain jacket, M', 'Trail running shoes, EU 42', 'Merino socks, 3 pairs'],
        }),
        textsIn(locale),
      );
      const { texts, images } = pageContents(pdf);
      const qr = images[0];
      assert.ok(qr, 'the QR code is drawn');
      const rma = texts.find((text) => text.text === 'RMA-JKKSHQD3');
      assert.ok(rma, `the RMA is one text: ${JSON.stringify(texts.map((text) => text.text))}`);
      assert.ok(rma.box.right - rma.box.left > 50, 'the RMA has a width');
      assert.ok(
        !boxesOverlap(rma.box, qr.box),
        `RMA ${JSON.stringify(rma.box)} vs QR ${JSON.stringify(qr.box)}`,
      );
      for (const text of texts) {
        assert.ok(!boxesOverlap(text.box, qr.box), `"${text.text}" overlaps the QR code`);
        assert.ok(
          text.box.left >= 0 && text.box.right <= 297.64 && text.box.bottom >= 0,
          `"${text.text}" is on the page`,
        );
      }
      for (const [index, a] of texts.entries())
        for (const b of texts.slice(index + 1))
          if (a.page === b.page)
            assert.ok(!boxesOverlap(a.box, b.box, 0.5), `"${a.text}" and "${b.text}" overlap`);
    });
  }

  it('a long RMA is set smaller to stay on one line left of nothing', async () => {
    const rma = 'RMA-WWWWWWWWWWWWWWWWWWWW';
    const { texts, images } = pageContents(
      await renderReturnLabel(label({ authorization: { ...authorization, rma } }), textsIn('en')),
    );
    const drawn = texts.find((text) => text.text === rma);
    assert.ok(drawn, 'on one line');
    assert.ok(drawn.box.right <= 297.64 - 20 + 0.01, 'inside the margin');
    assert.ok(images[0] && !boxesOverlap(drawn.box, images[0].box));
  });

  it('labels of different returns differ in their RMA', async () => {
    const other = await renderReturnLabel(
      label({ authorization: { ...authorization, rma: 'RMA-22222222' } }),
      textsIn('en'),
    );
    assert.ok(drawnText(other).includes('RMA-22222222'));
    assert.ok(!drawnText(other).includes('RMA-JKKSHQD3'));
  });
});

describe('return label in Chinese and Latvian', () => {
  const paths = labelFontPaths();

  it('Noto Sans SC has a glyph for every character of the en, es, zh-CN and zh-TW label texts (fontkit)', () => {
    for (const locale of ['en', 'es', 'zh-CN', 'zh-TW']) {
      const all = Object.values(textsIn(locale)).join('') + 'ñáéíóúü¿¡€';
      for (const path of [paths.regular[0] ?? '', paths.bold[0] ?? ''])
        assert.deepEqual(missingGlyphs(path, all), [], `${locale} in ${path}`);
    }
    // Traditional forms that differ from the Simplified ones.
    assert.deepEqual(
      missingGlyphs(paths.regular[0] ?? '', '退貨標籤訂單請將顯眼處郵局據這裡預約編號為與'),
      [],
    );
  });

  for (const locale of ['zh-TW', 'zh-CN']) {
    it(`${locale}: the PDF's text is the localized label, drawn with the embedded subset of Noto Sans SC`, async () => {
      const texts = textsIn(locale);
      const pdf = await renderReturnLabel(label({ itemNames: ['防水外套 M'] }), texts);
      assertOpens(pdf);
      const page = compact(drawnText(pdf).join(''));
      for (const value of Object.values<string>({ ...texts }))
        assert.ok(page.includes(compact(value)), `${value} in ${page}`);
      assert.ok(page.includes('防水外套M'));
      const { texts: drawn } = pageContents(pdf);
      assert.ok(
        drawn.every((text) => !text.glyphs.includes(0)),
        'no missing-glyph boxes',
      );
      assert.ok(
        drawn.every((text) => SUBSET_NOTO.test(text.font)),
        JSON.stringify(drawn.map((t) => t.font)),
      );
      const fonts = embeddedFonts(pdf);
      assert.ok(fonts.length >= 1 && fonts.every((font) => SUBSET_NOTO.test(font)), JSON.stringify(fonts));
      // A subset: the 10 MB font files are not embedded whole.
      assert.ok(pdf.length < 400_000, `${pdf.length} bytes`);
    });
  }

  it('lv: the PDF has every Latvian label text with all its diacritics, and no missing glyphs', async () => {
    const texts = textsIn('lv');
    const pdf = await renderReturnLabel(
      label({ sender: { name: 'Līga Ozoliņa-Šķēle', lines: ['LV-1050'] } }),
      texts,
    );
    assertOpens(pdf);
    const drawnChars = drawnText(pdf).join('');
    // NOTE: runs in the second font are separate text objects, so the letters Noto Sans SC lacks
    // are checked as drawn, and the words around them in the order they read.
    const lacking = missingGlyphs(paths.regular[0] ?? '', 'āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ');
    const without = (text: string): string =>
      compact([...text].filter((char) => !lacking.includes(char)).join(''));
    const page = without(drawnChars);
    for (const value of Object.values<string>({ ...texts })) {
      assert.ok(page.includes(without(value)), `${value} in ${page}`);
      for (const char of value)
        if (lacking.includes(char)) assert.ok(drawnChars.includes(char), `${char} is drawn`);
    }
    for (const char of 'ņŠķ') assert.ok(drawnChars.includes(char), `${char} of the sender's name is drawn`);
    assert.ok(page.includes(without('Līga Ozoliņa-Šķēle')));
    assert.ok(page.includes('Sūtītājs'));
    const { texts: drawn } = pageContents(pdf);
    assert.ok(
      drawn.every((text) => !text.glyphs.includes(0)),
      'no missing-glyph boxes',
    );
    assert.ok(embeddedFonts(pdf).every((font) => SUBSET_NOTO.test(font)));
  });

  it('lv: every Latvian letter has a glyph in the label fonts (Noto Sans SC, then Noto Sans)', () => {
    const letters = 'āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ';
    const lacking = missingGlyphs(paths.regular[0] ?? '', letters);
    assert.ok(lacking.length > 0, 'Noto Sans SC alone lacks some (why the second font is there)');
    assert.deepEqual(missingGlyphs(paths.regular[1] ?? '', lacking.join('')), []);
  });
});

describe('fontRuns()', () => {
  const font = (name: string, chars: string): LabelFont => ({
    name,
    covers: (codePoint) => chars.includes(String.fromCodePoint(codePoint)),
  });
  const latin = font('latin', 'abcdeilnsz \u030C');
  const cjk = font('cjk', '退货标签 ');

  it('switches to the first font that has the character', () => {
    assert.deepEqual(fontRuns('label 退货', [latin, cjk]), [
      { font: 'latin', text: 'label ' },
      { font: 'cjk', text: '退货' },
    ]);
  });

  it('draws a letter no font has as its base letter, not as a missing glyph', () => {
    assert.deepEqual(fontRuns('šaļ 退', [cjk, latin]), [
      { font: 'latin', text: 'sal' },
      { font: 'cjk', text: ' 退' },
    ]);
  });
});
