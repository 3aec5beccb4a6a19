/** fontkit (pdfkit's font engine) ships no types; the label tests only ask a font what it covers. */
declare module 'fontkit' {
  export interface Font {
    postscriptName: string;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function openSync(path: string): Font;
}
