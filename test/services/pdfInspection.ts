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

/** The text drawn on the pages: pdfkit writes it as hex strings inside TJ arrays. */
export function drawnText(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)].map((match) =>
    [...(match[1] ?? '').matchAll(/<([0-9a-f]*)>/g)]
      .map((hex) => Buffer.from(hex[1] ?? '', 'hex').toString('latin1'))
      .join(''),
  );
}
