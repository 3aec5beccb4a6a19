/**
 * Names and street addresses in customer text: the ones a customer states ("my name is …",
 * "me llamo …", "我叫…", "mani sauc …"), street addresses in the usual forms of the five
 * countries, and values the bot already knows belong to this customer (the channel's profile
 * name, what they stated earlier in the conversation). NOTE: every quantifier is bounded: this
 * runs on every log line, where an unbounded one could take quadratic time on a long input.
 */

/** Values known to be this customer's, redacted wherever they appear again. */
export interface KnownPii {
  names?: readonly string[];
  addresses?: readonly string[];
}

/** A capitalised word of a Latin-script name ("María", "O'Neill", "Bērziņa", "Jean-Luc"). */
const NAME_WORD = String.raw`\p{Lu}[\p{Ll}\p{Lu}'’-]{1,30}`;
/** Small words inside names: "María de la Fuente", "Ludwig van Beethoven". */
const NAME_PARTICLE = String.raw`(?:de|del|la|las|los|y|van|von|der|da|di)`;
const LATIN_NAME = String.raw`${NAME_WORD}(?:\s{1,3}(?:${NAME_PARTICLE}\s{1,3}){0,2}${NAME_WORD}){0,3}`;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A phrase as a pattern that ignores case, for patterns that cannot take the `i` flag: with it,
 * `\p{Lu}` matches lower case too, and "i am waiting" would hold a name.
 */
const anyCase = (phrase: string): string =>
  [...phrase]
    .map((char) =>
      /\p{L}/u.test(char)
        ? `[${char.toLowerCase()}${char.toUpperCase()}]`
        : /\s/u.test(char)
          ? String.raw`\s{1,3}`
          : escape(char),
    )
    .join('');

/** Phrases after which a customer gives their name, per language; matched case-insensitively. */
const NAME_LEADS = [
  // en
  'my name is',
  "my name's",
  'name is',
  'name:',
  "i'm",
  'i am',
  'this is',
  'call me',
  'in the name of',
  // es
  'me llamo',
  'mi nombre es',
  'soy',
  'a nombre de',
  'nombre:',
  // lv
  'mani sauc',
  'mans vārds ir',
  'vārds:',
  'es esmu',
  'uz vārda',
];
const STATED_LATIN_NAME = new RegExp(
  String.raw`(?<![\p{L}\p{N}])((?:${NAME_LEADS.map(anyCase).join('|')})\s{0,3})(${LATIN_NAME})`,
  'gu',
);
/** Chinese: 我叫王小明, 我的名字是…, 姓名：…, 收件人是… (names are two to four characters). */
const STATED_HAN_NAME =
  /((?:我叫|我的名字是|我的名字叫|名字叫|名字是|姓名是|姓名[:：]\s?|收件人是|收件人[:：]\s?|联系人[:：]\s?|聯絡人[:：]\s?|聯繫人[:：]\s?))(\p{Script=Han}{2,4})/gu;

const EN_STREET_TYPES =
  'Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Boulevard|Blvd|Court|Ct|Place|Pl|Square|Sq|Terrace|Close|Crescent|Gardens|Row|Parkway|Highway';
/** "221B Baker Street", "10 Downing St., Apt 4". */
const EN_ADDRESS = new RegExp(
  String.raw`\b\d{1,5}[A-Za-z]?\s{1,3}(?:${NAME_WORD}\s{1,3}){1,4}(?:${EN_STREET_TYPES})\b\.?(?:,?\s{1,3}(?:Apt|Apartment|Flat|Unit|Suite)\.?\s{0,3}\w{1,6})?`,
  'gu',
);
const ES_STREET_TYPES = [
  'calle',
  'c/',
  'avenida',
  'avda.',
  'avda',
  'av.',
  'paseo',
  'pº',
  'plaza',
  'pza.',
  'camino',
  'carretera',
  'ctra.',
  'ronda',
  'travesía',
  'glorieta',
  'rúa',
]
  .map(anyCase)
  .join('|');
/** "Calle Mayor 5, 3º B", "C/ de Alcalá, 45", "Avda. de la Constitución nº 12". */
const ES_ADDRESS = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${ES_STREET_TYPES})\s{0,3}(?:(?:de|del|de la|de los|de las)\s{1,3})?[\p{Lu}\p{N}][\p{L}'’-]{0,30}(?:\s{1,3}(?:(?:de|del|la|los|las|y)\s{1,3}){0,2}\p{Lu}[\p{L}'’-]{0,30}){0,4},?\s{0,3}(?:n[º°o]\.?\s{0,3})?\d{1,4}(?:\s{0,3},?\s{0,3}\d{1,2}\s{0,2}[º°ª]?\s{0,2}[A-Za-z](?![\p{L}]))?`,
  'gu',
);
/** "Brīvības iela 21-5", "Krišjāņa Barona ielā 12 k-2", "Rīgas gatve 3". */
const LV_ADDRESS = new RegExp(
  String.raw`(?:${NAME_WORD}\s{1,3}){1,3}(?:iela|ielā|ielu|bulvāris|bulvārī|gatve|gatvē|prospekts|prospektā|laukums|laukumā|šoseja|šosejā|ceļš|ceļā|krastmala|krastmalā)\s{1,3}\d{1,4}[A-Za-z]?(?:\s{0,2}[-–/]\s{0,2}\d{1,4}|\s{0,2}k[-.]\s{0,2}\d{1,3})?`,
  'gu',
);
const HAN_NUMBER = '[0-9０-９一二三四五六七八九十百]{1,6}';
/** "北京市朝阳区建国路88号", "台北市大安區忠孝東路四段100號5樓". */
const ZH_ADDRESS = new RegExp(
  String.raw`(?:\p{Script=Han}{1,4}[省市縣县])?(?:\p{Script=Han}{1,4}[区區县縣镇鎮乡鄉])?\p{Script=Han}{1,6}(?:路|街|大道|大街)(?:[一二三四五六七八九十]{1,2}段)?(?:${HAN_NUMBER}[巷弄]){0,2}${HAN_NUMBER}[号號](?:之${HAN_NUMBER})?(?:${HAN_NUMBER}[楼樓层層室])?(?:${HAN_NUMBER}室)?`,
  'gu',
);
/** Words customers put before an address that the greedy Chinese pattern would take for a place name. */
const ZH_ADDRESS_LEADS = /^(?:我住在|住在|地址是|地址|寄到|送到|发到|發到|在)/u;

/** Patterns of known values remembered at most; beyond, all are forgotten at once. */
const MAX_KNOWN_PATTERNS = 2_000;
const knownPatterns = new Map<string, RegExp>();

/**
 * The pattern of one known value, built once. NOTE: a customer's known values are matched in
 * every message they write; building a Unicode pattern costs more than running it. A global
 * pattern is safe to share with `String.prototype.replace`, which starts it from 0 every time.
 */
function knownPattern(value: string): RegExp {
  let pattern = knownPatterns.get(value);
  if (!pattern) {
    const han = /\p{Script=Han}/u.test(value);
    pattern = new RegExp(
      han ? escape(value) : `(?<![\\p{L}\\p{N}])${escape(value)}(?![\\p{L}\\p{N}])`,
      'giu',
    );
    if (knownPatterns.size >= MAX_KNOWN_PATTERNS) knownPatterns.clear();
    knownPatterns.set(value, pattern);
  }
  return pattern;
}

/** `text` with each known value replaced by `label`, longest first, as whole words (Latin script). */
function replaceKnown(text: string, values: readonly string[] | undefined, label: string): string {
  if (!values || values.length === 0) return text;
  const usable = [...new Set(values.map((value) => value.trim()).filter((value) => value.length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  let result = text;
  for (const value of usable) result = result.replace(knownPattern(value), label);
  return result;
}

/**
 * What a text must hold for the patterns to find anything, tested first because it is much
 * cheaper than they are: every Latin-script address pattern needs an ASCII digit (`\d`, with or
 * without the `u` flag), the Chinese one 号 or 號, and a stated Chinese name a Han character.
 */
const ASCII_DIGIT = /\d/;
const ZH_ADDRESS_MARK = /[号號]/u;
const HAN = /\p{Script=Han}/u;

/** Every match of `pattern` in `text`, unless `needs` says there can be none. */
function matchesOf(text: string, pattern: RegExp, needs: RegExp): RegExpExecArray[] {
  return needs.test(text) ? [...text.matchAll(pattern)] : [];
}

/**
 * `text` with stated and known names replaced by `[name]` and street addresses by `[address]`.
 * The words that lead to a name ("my name is") stay, so the agent still reads what was said.
 */
export function redactPersonalDetails(text: string, known: KnownPii = {}): string {
  let result = replaceKnown(replaceKnown(text, known.addresses, '[address]'), known.names, '[name]');
  if (ZH_ADDRESS_MARK.test(result))
    result = result.replace(ZH_ADDRESS, (match) => {
      const lead = ZH_ADDRESS_LEADS.exec(match)?.[0] ?? '';
      return `${lead}[address]`;
    });
  if (ASCII_DIGIT.test(result))
    result = result
      .replace(EN_ADDRESS, '[address]')
      .replace(ES_ADDRESS, '[address]')
      .replace(LV_ADDRESS, '[address]');
  result = result.replace(STATED_LATIN_NAME, (_match, lead: string) => `${lead}[name]`);
  return HAN.test(result)
    ? result.replace(STATED_HAN_NAME, (_match, lead: string) => `${lead}[name]`)
    : result;
}

/**
 * The names and addresses a customer stated in `text`, to be remembered for the rest of the
 * conversation: "my name is Ana Pérez" now, "Ana" later.
 */
export function statedPersonalDetails(text: string): Required<KnownPii> {
  const names = [
    ...[...text.matchAll(STATED_LATIN_NAME)].map((match) => match[2] ?? ''),
    ...matchesOf(text, STATED_HAN_NAME, HAN).map((match) => match[2] ?? ''),
  ].filter(Boolean);
  const addresses = (
    [
      [EN_ADDRESS, ASCII_DIGIT],
      [ES_ADDRESS, ASCII_DIGIT],
      [LV_ADDRESS, ASCII_DIGIT],
      [ZH_ADDRESS, ZH_ADDRESS_MARK],
    ] as const
  )
    .flatMap(([pattern, needs]) =>
      matchesOf(text, pattern, needs).map((match) => match[0].replace(ZH_ADDRESS_LEADS, '')),
    )
    .filter(Boolean);
  // Each word of a stated Latin name on its own too: "Ana" alone, after "Ana Pérez" was given.
  const parts = names.flatMap((name) =>
    /\p{Script=Han}/u.test(name)
      ? []
      : name.split(/\s+/).filter((part) => part.length >= 3 && /^\p{Lu}/u.test(part)),
  );
  return { names: [...new Set([...names, ...parts])], addresses: [...new Set(addresses)] };
}
