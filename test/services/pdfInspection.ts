import assert from 'node:assert/strict';

/**
 * Checks the structure a PDF reader relies on to open the file: header, end marker, and a
 * cross-reference table whose every offset points at the object it names.
 */
export function assertOpens(pdf: Buffer): void {
  const text = pdf.toString('latin1');
  assert.match(text.slice(0, 8), /^%PDF-1\.\d/);
  assert.match(text.slice(-32), /%%EOF\s*$/);
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  assert.ok(startxref?.[1], 'startxref');
  const xref = text.slice(Number(startxref[1]));
  assert.match(xref, /^xref\s/);
  const header = /^xref\s+0 (\d+)\s+/.exec(xref);
  const count = Number(header?.[1]);
  assert.ok(count > 3, 'objects in the xref table');
  const entries = [...xref.matchAll(/(\d{10}) (\d{5}) n/g)];
  assert.equal(entries.length, count - 1);
  entries.forEach((entry, index) => {
    const offset = Number(entry[1]);
    assert.equal(
      text.slice(offset, offset + `${index + 1} 0 obj`.length),
      `${index + 1} 0 obj`,
      `object ${index + 1}`,
    );
  });
  assert.match(xref, /trailer\s*<<[\s\S]*\/Root \d+ 0 R/);
}

/**
 * The lines of text drawn on the pages, in reading order: the text operations on one baseline
 * joined left to right (a line drawn in several fonts is several operations), decoded through
 * each font's `ToUnicode` map and NFC-normalized (a letter drawn as base and combining mark
 * reads as the letter).
 */
export function drawnText(pdf: Buffer): string[] {
  const lines = new Map<string, DrawnText[]>();
  for (const text of pageContents(pdf).texts) {
    const key = `${text.page}:${text.baseline.toFixed(1)}`;
    lines.set(key, [...(lines.get(key) ?? []), text]);
  }
  return [...lines.values()]
    .sort((a, b) => (a[0]?.page ?? 0) - (b[0]?.page ?? 0) || (b[0]?.baseline ?? 0) - (a[0]?.baseline ?? 0))
    .map((parts) =>
      parts
        .sort((a, b) => a.box.left - b.box.left)
        .map((part) => part.text)
        .join('')
        .normalize('NFC'),
    );
}

/** An axis-aligned box in PDF user space (points, origin at the bottom left of the page). */
export interface Box {
  left: number;
  bottom: number;
  right: number;
  top: number;
}

/** One text-showing operation (`TJ` or `Tj`) as a reader would place it. */
export interface DrawnText {
  page: number;
  /** The characters, through the font's `ToUnicode` map. */
  text: string;
  /** Glyph ids drawn (0 is the missing-glyph box). */
  glyphs: number[];
  /** `BaseFont` of the font, e.g. `ABCDEF+NotoSansSC-Regular` (subset tag first). */
  font: string;
  /** From the baseline less the font's descent to the baseline plus its ascent, over the advance widths. */
  box: Box;
  baseline: number;
}

export interface DrawnImage {
  page: number;
  name: string;
  box: Box;
}

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** `m1 × m2`, in PDF's row-vector convention (`cm` makes CTM' = M × CTM). */
function multiply(m1: Matrix, m2: Matrix): Matrix {
  const [a1, b1, c1, d1, e1, f1] = m1;
  const [a2, b2, c2, d2, e2, f2] = m2;
  return [
    a1 * a2 + b1 * c2,
    a1 * b2 + b1 * d2,
    c1 * a2 + d1 * c2,
    c1 * b2 + d1 * d2,
    e1 * a2 + f1 * c2 + e2,
    e1 * b2 + f1 * d2 + f2,
  ];
}

function boxOf(corners: [number, number][], m: Matrix): Box {
  const points = corners.map(([x, y]) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]] as const);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { left: Math.min(...xs), right: Math.max(...xs), bottom: Math.min(...ys), top: Math.max(...ys) };
}

/** Whether two boxes share more than `tolerance` points in both directions. */
export function boxesOverlap(a: Box, b: Box, tolerance = 0.01): boolean {
  const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const height = Math.min(a.top, b.top) - Math.max(a.bottom, b.bottom);
  return width > tolerance && height > tolerance;
}

/** The file's objects by number: the dictionary text and the raw stream bytes (pdfkit writes uncompressed). */
function objects(pdf: Buffer): Map<number, { dict: string; stream: Buffer | undefined }> {
  const text = pdf.toString('latin1');
  const result = new Map<number, { dict: string; stream: Buffer | undefined }>();
  for (const match of text.matchAll(/(?:^|[\r\n])(\d+) 0 obj\b/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const streamAt = text.indexOf('stream', start);
    const endAt = text.indexOf('endobj', start);
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = text.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
      const dataStart = streamAt + 'stream'.length + (text[streamAt + 6] === '\r' ? 2 : 1);
      result.set(Number(match[1]), { dict, stream: pdf.subarray(dataStart, dataStart + length) });
    } else {
      result.set(Number(match[1]), { dict: text.slice(start, endAt), stream: undefined });
    }
  }
  return result;
}

function ref(dict: string, key: string): number | undefined {
  const found = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict)?.[1];
  return found === undefined ? undefined : Number(found);
}

/** `<src> <dst>` and `<lo> <hi> <dst>|[…]` entries of a ToUnicode CMap. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string): string => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const entry of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set(parseInt(entry[1] ?? '', 16), utf16(entry[2] ?? ''));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const entry of (block[1] ?? '').matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g,
    )) {
      const low = parseInt(entry[1] ?? '', 16);
      const high = parseInt(entry[2] ?? '', 16);
      const target = entry[3] ?? '';
      if (target.startsWith('[')) {
        [...target.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((hex, index) =>
          map.set(low + index, utf16(hex[1] ?? '')),
        );
      } else {
        const first = parseInt(target.slice(1, -1), 16);
        for (let code = low; code <= high; code += 1) map.set(code, String.fromCodePoint(first + code - low));
      }
    }
  }
  return map;
}

interface FontInfo {
  baseFont: string;
  toUnicode: Map<number, string>;
  widths: Map<number, number>;
  defaultWidth: number;
  ascent: number;
  descent: number;
}

/** A Type0 (Identity-H) font as pdfkit embeds a TrueType file. */
function fontInfo(all: ReturnType<typeof objects>, id: number): FontInfo {
  const font = all.get(id)?.dict ?? '';
  const baseFont = /\/BaseFont \/(\S+)/.exec(font)?.[1] ?? '';
  assert.match(font, /\/Subtype \/Type0/, `font ${baseFont} is an embedded Type0 font`);
  const toUnicodeId = ref(font, 'ToUnicode');
  const toUnicode = parseToUnicode(
    toUnicodeId === undefined ? '' : (all.get(toUnicodeId)?.stream?.toString('latin1') ?? ''),
  );
  const descendant = Number(/\/DescendantFonts \[(\d+) 0 R\]/.exec(font)?.[1]);
  const cid = all.get(descendant)?.dict ?? '';
  const widths = new Map<number, number>();
  const w = /\/W \[([\s\S]*)\]\s*\/CIDToGIDMap|\/W \[([\s\S]*?\])\s*\]/.exec(cid);
  const wText = w?.[1] ?? w?.[2] ?? '';
  for (const group of wText.matchAll(/(\d+)\s*\[([^\]]*)\]|(\d+)\s+(\d+)\s+(-?[\d.]+)/g)) {
    if (group[1] !== undefined) {
      (group[2] ?? '')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .forEach((width, index) => widths.set(Number(group[1]) + index, Number(width)));
    } else {
      for (let code = Number(group[3]); code <= Number(group[4]); code += 1)
        widths.set(code, Number(group[5]));
    }
  }
  const descriptor = all.get(ref(cid, 'FontDescriptor') ?? -1)?.dict ?? '';
  return {
    baseFont,
    toUnicode,
    widths,
    defaultWidth: Number(/\/DW (\d+)/.exec(cid)?.[1] ?? 1000),
    ascent: Number(/\/Ascent (-?[\d.]+)/.exec(descriptor)?.[1] ?? 1000),
    descent: Number(/\/Descent (-?[\d.]+)/.exec(descriptor)?.[1] ?? 0),
  };
}

type Token = number | string | { name: string } | { hex: string } | Token[];

/** The tokens of a content stream as pdfkit writes it: numbers, names, hex strings, arrays, operators. */
function tokens(content: string): Token[] {
  const stack: Token[][] = [[]];
  const top = (): Token[] => stack[stack.length - 1] ?? [];
  const pattern =
    /\s*(?:(\[)|(\])|<([0-9a-fA-F\s]*)>|\/([^\s/[\]<>()]+)|(-?\d*\.?\d+)|([A-Za-z'"*]+)|\(((?:\\.|[^\\)])*)\))/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(content)) !== null && match[0] !== '') {
    if (match[1]) stack.push([]);
    else if (match[2]) {
      const array = stack.pop() ?? [];
      top().push(array);
    } else if (match[3] !== undefined) top().push({ hex: match[3].replace(/\s/g, '') });
    else if (match[4] !== undefined) top().push({ name: match[4] });
    else if (match[5] !== undefined) top().push(Number(match[5]));
    else if (match[6] !== undefined) top().push(match[6]);
    else throw new Error('pdfInspection: literal strings are not expected from embedded fonts');
  }
  return stack[0] ?? [];
}

/**
 * Runs each page's content stream the way a reader does (q/Q, cm, BT, Tm, Tf, TJ, Tj, Do) and
 * returns where every text and image lands: measured from the PDF's own bytes (font widths,
 * ascent and descent, transformation matrices), not from what the renderer meant to draw.
 */
export function pageContents(pdf: Buffer): { texts: DrawnText[]; images: DrawnImage[] } {
  const all = objects(pdf);
  const texts: DrawnText[] = [];
  const images: DrawnImage[] = [];
  const fonts = new Map<number, FontInfo>();
  const pages = [...all.values()].filter((object) => /\/Type \/Page\b/.test(object.dict));
  pages.forEach((page, pageIndex) => {
    const resources = all.get(ref(page.dict, 'Resources') ?? -1)?.dict ?? '';
    const fontRefs = new Map(
      [...(/\/Font <<([\s\S]*?)>>/.exec(resources)?.[1] ?? '').matchAll(/\/(\S+) (\d+) 0 R/g)].map((m) => [
        m[1] ?? '',
        Number(m[2]),
      ]),
    );
    const content = all.get(ref(page.dict, 'Contents') ?? -1)?.stream?.toString('latin1') ?? '';
    let ctm: Matrix = IDENTITY;
    const saved: Matrix[] = [];
    let tm: Matrix = IDENTITY;
    let font: FontInfo | undefined;
    let size = 0;
    let operands: Token[] = [];
    const show = (parts: Token[]): void => {
      assert.ok(font, 'a font is selected before text is shown');
      let advance = 0;
      let text = '';
      const glyphs: number[] = [];
      for (const part of parts) {
        if (typeof part === 'number') advance -= (part / 1000) * size;
        else if (typeof part === 'object' && 'hex' in part) {
          for (let at = 0; at < part.hex.length; at += 4) {
            const glyph = parseInt(part.hex.slice(at, at + 4), 16);
            glyphs.push(glyph);
            text += font.toUnicode.get(glyph) ?? '\uFFFD';
            advance += ((font.widths.get(glyph) ?? font.defaultWidth) / 1000) * size;
          }
        }
      }
      const m = multiply(tm, ctm);
      const descent = (font.descent / 1000) * size;
      const ascent = (font.ascent / 1000) * size;
      texts.push({
        page: pageIndex,
        text,
        glyphs,
        font: font.baseFont,
        box: boxOf(
          [
            [0, descent],
            [advance, descent],
            [0, ascent],
            [advance, ascent],
          ],
          m,
        ),
        baseline: m[1] * 0 + m[5],
      });
      tm = multiply([1, 0, 0, 1, advance, 0], tm);
    };
    for (const token of tokens(content)) {
      if (typeof token !== 'string') {
        operands.push(token);
        continue;
      }
      const numbers = operands.filter((operand): operand is number => typeof operand === 'number');
      switch (token) {
        case 'q':
          saved.push(ctm);
          break;
        case 'Q':
          ctm = saved.pop() ?? IDENTITY;
          break;
        case 'cm':
          ctm = multiply(numbers as Matrix, ctm);
          break;
        case 'BT':
          tm = IDENTITY;
          break;
        case 'Tm':
          tm = numbers as Matrix;
          break;
        case 'Tf': {
          const name = (operands[0] as { name: string }).name;
          const id = fontRefs.get(name);
          assert.ok(id !== undefined, `font ${name} is in the page's resources`);
          font = fonts.get(id) ?? fontInfo(all, id);
          fonts.set(id, font);
          size = numbers[0] ?? 0;
          break;
        }
        case 'TJ':
          show((operands[0] as Token[]) ?? []);
          break;
        case 'Tj':
          show([operands[0] ?? []]);
          break;
        case 'Do':
          images.push({
            page: pageIndex,
            name: (operands[0] as { name: string }).name,
            box: boxOf(
              [
                [0, 0],
                [1, 0],
                [0, 1],
                [1, 1],
              ],
              ctm,
            ),
          });
          break;
        default:
          break;
      }
      operands = [];
    }
  });
  return { texts, images };
}

/** The `BaseFont` names of the fonts the file embeds (`/FontFile2`), e.g. `ABCDEF+NotoSansSC-Regular`. */
export function embeddedFonts(pdf: Buffer): string[] {
  return [...objects(pdf).values()]
    .filter((object) => /\/FontFile2 \d+ 0 R/.test(object.dict))
    .map((object) => /\/FontName \/(\S+)/.exec(object.dict)?.[1] ?? '');
}
