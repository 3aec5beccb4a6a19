import { createRequire } from 'node:module';

/** The part of opencc-js used here. */
interface OpenCCModule {
  Converter(options: { from: string; to: string }): (text: string) => string;
}

/**
 * NOTE: opencc-js ships a CommonJS build (its `require` export condition), but its own types are
 * declared as an ES module, which TypeScript refuses to `import` from our CommonJS output; so it
 * is required directly, typed by the interface above.
 */
const OpenCC = createRequire(__filename)('opencc-js') as OpenCCModule;

const HAN = /\p{Script=Han}/u;

/** OpenCC's Traditional (any region) → Simplified converter, built once: it loads dictionaries. */
let traditionalToSimplified: ((text: string) => string) | undefined;

/** The text with Traditional Chinese characters as Simplified; other scripts unchanged. */
export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text;
  traditionalToSimplified ??= OpenCC.Converter({ from: 'twp', to: 'cn' });
  return traditionalToSimplified(text);
}

/**
 * Which Chinese script the text is written in: `traditional` when converting it to Simplified
 * changes it, `simplified` when converting it to Traditional does, `either` when neither does
 * (characters both scripts share, such as 你好), undefined without Chinese characters.
 */
export function chineseScriptOf(text: string): 'traditional' | 'simplified' | 'either' | undefined {
  if (!HAN.test(text)) return undefined;
  if (toSimplified(text) !== text) return 'traditional';
  simplifiedToTraditional ??= OpenCC.Converter({ from: 'cn', to: 'tw' });
  return simplifiedToTraditional(text) !== text ? 'simplified' : 'either';
}
let simplifiedToTraditional: ((text: string) => string) | undefined;
