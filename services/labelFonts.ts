import fs from 'node:fs';

/** A font the label draws with: its name in the PDF document and the characters it has glyphs for. */
export interface LabelFont {
  name: string;
  covers(codePoint: number): boolean;
}

/** A font file of the label. */
export interface LabelFontFile {
  /** Name the PDF document registers it under. */
  name: string;
  /** The file's bytes, read once per process. */
  bytes: Buffer;
}

/** The regular and bold faces, each a list of files tried in order for every character. */
export interface LabelFontFiles {
  regular: LabelFontFile[];
  bold: LabelFontFile[];
}

/** A stretch of text drawn with one font. */
export interface FontRun {
  font: string;
  text: string;
}

/**
 * Font files of the label, resolved inside node_modules (no machine paths), in the order they
 * are tried; pdfkit embeds only the glyphs a label uses. Noto Sans SC covers Latin-1,
 * Simplified and Traditional Chinese, and ā ē ī ū; Noto Sans after it draws what it lacks.
 * NOTE: Noto Sans SC has no glyph for č ģ ķ ļ ņ š ž (fontkit's hasGlyphForCodePoint, see the
 * label tests), so Latvian words mix the two; a letter neither has is drawn without its accent
 * (see {@link fontRuns}).
 */
const FONT_MODULES = {
  regular: [
    { name: 'NotoSansSC', module: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf' },
    { name: 'NotoSans', module: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf' },
  ],
  bold: [
    { name: 'NotoSansSC-Bold', module: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf' },
    { name: 'NotoSans-Bold', module: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf' },
  ],
} as const;

let loaded: LabelFontFiles | undefined;

/** The label's font files, read on first use (about 20 MB, kept for the life of the process). */
export function labelFontFiles(): LabelFontFiles {
  const read = (files: readonly { name: string; module: string }[]): LabelFontFile[] =>
    files.map((file) => ({ name: file.name, bytes: fs.readFileSync(require.resolve(file.module)) }));
  loaded ??= { regular: read(FONT_MODULES.regular), bold: read(FONT_MODULES.bold) };
  return loaded;
}

/** Where the label's font files are, for tests and tools that inspect them. */
export function labelFontPaths(): { regular: string[]; bold: string[] } {
  return {
    regular: FONT_MODULES.regular.map((file) => require.resolve(file.module)),
    bold: FONT_MODULES.bold.map((file) => require.resolve(file.module)),
  };
}

const COMBINING_MARK = /\p{M}/u;

/**
 * Splits `text` into runs, each drawn with the first font that has a glyph for its characters.
 * A letter no font has is drawn as its base letter (č → c), so it shows without its accent
 * rather than as a missing-glyph box. Anything else uncovered goes to the first font.
 * NOTE: not base + combining mark: pdfkit places a mark only where the font's GPOS has an anchor
 * for that base, and Noto Sans SC has none for Latin letters (the caron lands after the letter).
 */
export function fontRuns(text: string, fonts: readonly LabelFont[]): FontRun[] {
  const first = fonts[0];
  if (!first) throw new Error('fontRuns(): no font');
  const runs: FontRun[] = [];
  const push = (font: string, part: string): void => {
    const last = runs.at(-1);
    if (last?.font === font) last.text += part;
    else runs.push({ font, text: part });
  };
  const fontFor = (char: string): LabelFont | undefined =>
    fonts.find((font) => font.covers(char.codePointAt(0) ?? 0));
  for (const char of text) {
    const font = fontFor(char);
    if (font) {
      push(font.name, char);
      continue;
    }
    const parts = [...char.normalize('NFD')];
    if (parts.length === 1) {
      push(first.name, char);
      continue;
    }
    const base = parts.filter((part) => !COMBINING_MARK.test(part)).join('');
    push(fontFor(base)?.name ?? first.name, base);
  }
  return runs;
}
