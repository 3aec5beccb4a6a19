import { IBANS, spaced } from './plantedPii';

/** The kinds of personal data planted, as the redactors label them. */
export const PII_KINDS = ['email', 'phone', 'card', 'iban', 'name', 'address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** One planted item: the message a customer writes around it, and what must never survive. */
export interface PlantedItem {
  kind: PiiKind;
  locale: string;
  /** The item as the customer typed it. */
  value: string;
  /** The whole message, in the customer's language. */
  message: string;
  /** Pieces of the item that must not appear where only redacted text belongs. */
  fragments: string[];
}

type Locale = 'en' | 'es' | 'zh-CN' | 'zh-TW' | 'lv';

/** How a customer of each language introduces each kind of item. */
const SENTENCES: Record<Locale, Record<PiiKind, (value: string) => string>> = {
  en: {
    email: (v) => `you can write to me at ${v} if needed`,
    phone: (v) => `please call me back on ${v} after 5pm`,
    card: (v) => `I paid with the card ${v} yesterday`,
    iban: (v) => `please refund the money to ${v} thanks`,
    name: (v) => `Hi, my name is ${v} and I ordered a jacket`,
    address: (v) => `the parcel should go to ${v}, London`,
  },
  es: {
    email: (v) => `mi correo es ${v} por si acaso`,
    phone: (v) => `llámame al ${v} por la tarde`,
    card: (v) => `pagué con la tarjeta ${v} ayer`,
    iban: (v) => `devolvedme el dinero a la cuenta ${v} gracias`,
    name: (v) => `Hola, me llamo ${v} y quiero devolver un pedido`,
    address: (v) => `vivo en ${v}, Madrid`,
  },
  'zh-CN': {
    email: (v) => `我的邮箱是 ${v} 谢谢`,
    phone: (v) => `我的电话是${v}，请回电`,
    card: (v) => `我昨天用卡${v}付的款`,
    iban: (v) => `请把钱退到账户 ${v} 谢谢`,
    name: (v) => `你好，我叫${v}，我想查订单`,
    address: (v) => `我住在${v}，请送到这里`,
  },
  'zh-TW': {
    email: (v) => `我的信箱是 ${v} 謝謝`,
    phone: (v) => `我的電話是${v}，請回電`,
    card: (v) => `我昨天用卡${v}付款`,
    iban: (v) => `請把錢退到帳戶 ${v} 謝謝`,
    name: (v) => `你好，我叫${v}，我想查訂單`,
    address: (v) => `我住在${v}，請寄到這裡`,
  },
  lv: {
    email: (v) => `mans e-pasts ir ${v}, ja vajag`,
    phone: (v) => `lūdzu, piezvaniet man uz ${v} pēc pieciem`,
    card: (v) => `es vakar maksāju ar karti ${v}`,
    iban: (v) => `lūdzu, atmaksājiet naudu uz kontu ${v} paldies`,
    name: (v) => `Labdien, mani sauc ${v} un es gribu atgriezt preci`,
    address: (v) => `es dzīvoju ${v}, Rīgā`,
  },
};

const VALUES: Record<Locale, Record<PiiKind, string[]>> = {
  en: {
    email: [
      'john.smith@example.com',
      'emily_clarke77@mail.co.uk',
      'o.bennett+orders@shop-mail.net',
      'hannah.w@outlook.example',
      'mike.obrien@company.ie',
      'sophie.turner.hall@gmail.example',
    ],
    phone: [
      '+44 20 7946 0958',
      '020 7946 0123',
      '07700 900123',
      '(555) 123-4567',
      '+1 415 555 0132',
      '555-867-5309',
    ],
    name: [
      'John Smith',
      'Emily Clarke',
      'Oliver Bennett',
      'Sophie Turner-Hall',
      "Michael O'Brien",
      'Hannah Whitfield',
    ],
    address: [
      '221B Baker Street',
      '10 Downing Street',
      '42 Elm Road',
      '7 Kensington Gardens',
      '15 Queen Victoria Street',
      '3 Maple Avenue',
    ],
    card: [],
    iban: [],
  },
  es: {
    email: [
      'maria.fernandez@correo.es',
      'joseluis.garcia@example.es',
      'lucia.delafuente@mail.example',
      'javi_morales@empresa.com',
      'carmen.ruiz.ortega@gmail.example',
      'a.navarro@tienda-mail.es',
    ],
    phone: [
      '+34 612 345 678',
      '612 34 56 78',
      '91 123 45 67',
      '+34 915 555 123',
      '699-123-456',
      '0034 678 901 234',
    ],
    name: [
      'María Fernández',
      'José Luis García',
      'Lucía de la Fuente',
      'Javier Morales',
      'Carmen Ruiz Ortega',
      'Alejandro Navarro',
    ],
    address: [
      'Calle Mayor 5',
      'Calle de Alcalá 45',
      'Avenida de la Constitución 12',
      'Paseo de Gracia 92',
      'Plaza Mayor 3',
      'C/ Serrano 28',
    ],
    card: [],
    iban: [],
  },
  'zh-CN': {
    email: [
      'wangxiaoming@example.cn',
      'lina1988@mail.example.cn',
      'zhang.wei@company.com.cn',
      'liuyang_sh@example.net',
      'chenjing@qq.example',
      'zhaolei2020@163.example',
    ],
    phone: [
      '13800138000',
      '138 0013 8000',
      '+86 139 1234 5678',
      '010-6552 9988',
      '(021) 6437 1234',
      '１３９１２３４５６７８',
    ],
    name: ['王小明', '李娜', '张伟', '刘洋', '陈静', '赵磊'],
    address: [
      '北京市朝阳区建国路88号',
      '上海市浦东新区世纪大道100号',
      '广州市天河区天河路385号',
      '深圳市南山区科技园路1号',
      '杭州市西湖区文三路90号',
      '成都市武侯区人民南路四段11号',
    ],
    card: [],
    iban: [],
  },
  'zh-TW': {
    email: [
      'lin.chiming@example.tw',
      'meiling.huang@mail.example.tw',
      'chen_jh@company.com.tw',
      'shufen.chang@example.net',
      'jiahao.li@gmail.example',
      'peijun.wu@hinet.example',
    ],
    phone: [
      '0912-345-678',
      '0912 345 678',
      '+886 912 345 678',
      '(02) 2345-6789',
      '02-2700-1234',
      '+886-2-2345-6789',
    ],
    name: ['林志明', '黃美玲', '陳建宏', '張淑芬', '李家豪', '吳佩君'],
    address: [
      '台北市大安區忠孝東路四段100號',
      '台北市信義區松仁路58號',
      '新北市板橋區文化路一段188號',
      '台中市西屯區台灣大道三段99號',
      '高雄市前鎮區中山二路2號',
      '台南市東區大學路1號',
    ],
    card: [],
    iban: [],
  },
  lv: {
    email: [
      'janis.berzins@inbox.example.lv',
      'anna.kalnina@mail.example.lv',
      'peteris.ozols@company.lv',
      'liga_liepina@example.com',
      'martins.krumins@gmail.example',
      'ilze.zarina@apollo.example',
    ],
    phone: ['+371 2612 3456', '2612 3456', '29 876 543', '+371 67 123 456', '67 654 321', '00371 2000 1234'],
    name: [
      'Jānis Bērziņš',
      'Anna Kalniņa',
      'Pēteris Ozols',
      'Līga Liepiņa',
      'Mārtiņš Krūmiņš',
      'Ilze Zariņa',
    ],
    address: [
      'Brīvības iela 21',
      'Krišjāņa Barona iela 12',
      'Elizabetes iela 45-3',
      'Tērbatas iela 8',
      'Rīgas gatve 3',
      'Daugavpils iela 14',
    ],
    card: [],
    iban: [],
  },
};

/** A number of `length` digits ending in its Luhn check digit. */
function luhnNumber(prefix: string, length: number, seed: number): string {
  let digits = prefix;
  let state = seed;
  while (digits.length < length - 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    digits += String(state % 10);
  }
  for (let check = 0; check <= 9; check += 1) {
    const candidate = digits + String(check);
    let sum = 0;
    for (let i = 0; i < candidate.length; i += 1) {
      let digit = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('luhnNumber(): unreachable');
}

/** Thirty payment card numbers (Visa, Mastercard, Amex, Discover, JCB test ranges), written as people write them. */
function plantedCards(): string[] {
  const brands: [prefix: string, length: number][] = [
    ['4111', 16],
    ['5555', 16],
    ['3782', 15],
    ['6011', 16],
    ['3530', 16],
    ['4012', 16],
  ];
  return Array.from({ length: 30 }, (_, index) => {
    const [prefix, length] = brands[index % brands.length]!;
    const number = luhnNumber(prefix, length, index + 7);
    return index % 3 === 0
      ? number
      : index % 3 === 1
        ? number.replace(/(\d{4})(?=\d)/g, '$1 ')
        : number.replace(/(\d{4})(?=\d)/g, '$1-');
  });
}

/** An IBAN of `country` around `bban`, with correct ISO 7064 check digits. */
function ibanOf(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}

/** Thirty IBANs of eleven countries: the registry's examples and generated ones with valid checksums. */
function plantedIbans(): string[] {
  const lengths: [country: string, bbanDigits: number][] = [
    ['ES', 20],
    ['DE', 18],
    ['FR', 23],
    ['PT', 21],
    ['BE', 12],
    ['AT', 16],
    ['PL', 24],
    ['FI', 14],
    ['DK', 14],
  ];
  const generated = Array.from({ length: 25 }, (_, index) => {
    const [country, digits] = lengths[index % lengths.length]!;
    return ibanOf(country, luhnNumber('', digits + 1, index + 101).slice(0, digits));
  });
  return [...Object.values(IBANS), ...generated].map((iban, index) =>
    index % 2 === 0 ? iban : spaced(iban),
  );
}

const digitsOf = (text: string): string =>
  text.replace(/[０-９]/g, (digit) => String(digit.charCodeAt(0) - 0xff10)).replace(/\D/g, '');

function fragmentsOf(kind: PiiKind, value: string): string[] {
  switch (kind) {
    case 'phone':
    case 'card':
      return [value, digitsOf(value)];
    case 'iban':
      return [value, value.replace(/\s/g, '').slice(4)];
    case 'email':
      return [value, value.split('@')[0]!];
    case 'name':
      return [value, ...value.split(/\s+/).filter((part) => part.length >= 4 && /^\p{Lu}/u.test(part))];
    case 'address': {
      // The street with its number, without the city or district before it.
      const street = value.replace(/^.*[市區区縣县]/u, '');
      return [...new Set([value, street])];
    }
  }
}

const LOCALES: Locale[] = ['en', 'es', 'zh-CN', 'zh-TW', 'lv'];

/**
 * The planted set: thirty items of each kind (e-mail, phone, card, IBAN, name, street address),
 * six per locale, each inside a message in that locale's language.
 */
export function plantedPersonalData(): PlantedItem[] {
  const cards = plantedCards();
  const ibans = plantedIbans();
  return LOCALES.flatMap((locale, localeIndex) =>
    PII_KINDS.flatMap((kind) => {
      const values =
        kind === 'card'
          ? cards.slice(localeIndex * 6, localeIndex * 6 + 6)
          : kind === 'iban'
            ? ibans.slice(localeIndex * 6, localeIndex * 6 + 6)
            : VALUES[locale][kind];
      return values.map((value) => ({
        kind,
        locale,
        value,
        message: SENTENCES[locale][kind](value),
        fragments: fragmentsOf(kind, value),
      }));
    }),
  );
}

/** The planted fragments found in `text`, so a failure names what leaked. */
export function plantedLeaks(items: readonly PlantedItem[], text: string): string[] {
  return items.flatMap((item) =>
    item.fragments
      .filter((fragment) => text.includes(fragment))
      .map((fragment) => `${item.kind} ${fragment}`),
  );
}
