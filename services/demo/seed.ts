import { DateTime } from 'luxon';
import type { OpeningRange, Weekday } from '../schedule';
import type { BookableService, OrderStatus } from '../types';

/**
 * The demo shop: an outdoor-gear store with customers, orders in every status, and bookable
 * services. Dates are picked relative to the seeding time, so on any day the "delivered last
 * week" order is still inside the return window and the "delivered two months ago" one is not.
 * The README's "Demo store" section lists these orders; keep both in step.
 */

export interface SeedCustomer {
  id: string;
  name: string;
  email: string;
  phone: string;
  postcode: string;
}

export interface SeedItem {
  sku: string;
  name: string;
  /** The name in the other locales, as a shop with a multilingual catalogue has it. */
  names?: Record<string, string>;
  category: string;
  quantity: number;
}

export interface SeedOrder {
  number: string;
  customerId: string;
  status: OrderStatus;
  /** Days before seeding the order was placed. */
  placedDaysAgo: number;
  carrier?: string;
  trackingNumber?: string;
  /** Days after seeding the parcel is expected (negative: in the past). */
  expectedInDays?: number;
  /** Days before seeding the parcel was delivered. */
  deliveredDaysAgo?: number;
  items: SeedItem[];
}

export interface SeedService extends BookableService {
  capacity: number;
}

export interface SeedBooking {
  reference: string;
  serviceId: string;
  /** Days after seeding (moved forward to the next open day when the shop is closed). */
  inDays: number;
  /** Local start time in the shop's timezone. */
  at: string;
  email: string;
  phone: string;
}

export const CUSTOMERS: readonly SeedCustomer[] = [
  { id: 'c1', name: 'Ana García', email: 'ana.garcia@example.com', phone: '+34600111222', postcode: '28013' },
  {
    id: 'c2',
    name: 'James Miller',
    email: 'james.miller@example.com',
    phone: '+447700900123',
    postcode: 'SW1A 1AA',
  },
  {
    id: 'c3',
    name: 'Lucía Fernández',
    email: 'lucia.fernandez@example.com',
    phone: '+34611222333',
    postcode: '08001',
  },
  { id: 'c4', name: 'Wei Chen', email: 'wei.chen@example.com', phone: '+8613800138000', postcode: '100000' },
  {
    id: 'c5',
    name: 'Līga Ozola',
    email: 'liga.ozola@example.com',
    phone: '+37120000001',
    postcode: 'LV-1050',
  },
  {
    id: 'c6',
    name: 'Carlos Ruiz',
    email: 'carlos.ruiz@example.com',
    phone: '+34622333444',
    postcode: '41001',
  },
  {
    id: 'c7',
    name: 'Emma Johnson',
    email: 'emma.johnson@example.com',
    phone: '+12025550143',
    postcode: '10001',
  },
];

const item = (
  sku: string,
  name: string,
  category: string,
  quantity: number,
  names: Record<string, string>,
): SeedItem => ({ sku, name, names, category, quantity });

const SHOES = item('TRS-42', 'Trail running shoes, size 42', 'shoes', 1, {
  es: 'Zapatillas de trail, talla 42',
  'zh-CN': '越野跑鞋，42 码',
  'zh-TW': '越野跑鞋，42 號',
  lv: 'Taku skriešanas apavi, 42. izmērs',
});
const BOOTS = item('HKB-39', 'Waterproof hiking boots, size 39', 'shoes', 1, {
  es: 'Botas de montaña impermeables, talla 39',
  'zh-CN': '防水登山靴，39 码',
  'zh-TW': '防水登山靴，39 號',
  lv: 'Ūdensnecaurlaidīgi pārgājienu zābaki, 39. izmērs',
});
const JACKET = item('RJK-M', 'Rain jacket, M', 'clothing', 1, {
  es: 'Chaqueta impermeable, M',
  'zh-CN': '防雨夹克，M 码',
  'zh-TW': '防雨外套，M 號',
  lv: 'Lietus jaka, M',
});
const BASE_LAYER = item('MBL-M', 'Merino base-layer briefs, M', 'underwear', 2, {
  es: 'Calzoncillos térmicos de merino, M',
  'zh-CN': '美利奴羊毛保暖内裤，M 码',
  'zh-TW': '美麗諾羊毛保暖內褲，M 號',
  lv: 'Merino vilnas apakšbikses, M',
});
const SOCKS = item('HSK-3P', 'Hiking socks, 3-pack', 'clothing', 1, {
  es: 'Calcetines de senderismo, pack de 3',
  'zh-CN': '徒步袜，3 双装',
  'zh-TW': '健行襪，3 雙裝',
  lv: 'Pārgājienu zeķes, 3 pāri',
});
const GIFT_CARD = item('GC-50', 'Gift card, 50 EUR', 'giftCards', 1, {
  es: 'Tarjeta regalo, 50 EUR',
  'zh-CN': '礼品卡，50 欧元',
  'zh-TW': '禮物卡，50 歐元',
  lv: 'Dāvanu karte, 50 EUR',
});
const MAPS = item('MAP-EU', 'Route planner maps, Europe (opened)', 'openedSoftware', 1, {
  es: 'Mapas para planificar rutas, Europa (abierto)',
  'zh-CN': '路线规划地图，欧洲（已拆封）',
  'zh-TW': '路線規劃地圖，歐洲（已拆封）',
  lv: 'Maršrutu kartes, Eiropa (atvērtas)',
});
const MAPS_SEALED = item('MAP-ES', 'Route planner maps, Spain (sealed)', 'software', 1, {
  es: 'Mapas para planificar rutas, España (precintado)',
  'zh-CN': '路线规划地图，西班牙（未拆封）',
  'zh-TW': '路線規劃地圖，西班牙（未拆封）',
  lv: 'Maršrutu kartes, Spānija (neatvērtas)',
});
const WATCH = item('GPS-W1', 'GPS sports watch', 'electronics', 1, {
  es: 'Reloj deportivo con GPS',
  'zh-CN': 'GPS 运动手表',
  'zh-TW': 'GPS 運動手錶',
  lv: 'GPS sporta pulkstenis',
});
const HEADLAMP = item('HLP-400', 'Headlamp 400 lm', 'electronics', 1, {
  es: 'Linterna frontal 400 lm',
  'zh-CN': '头灯 400 流明',
  'zh-TW': '頭燈 400 流明',
  lv: 'Galvas lukturis 400 lm',
});
const TENT = item('TNT-2P', 'Two-person tent', 'camping', 1, {
  es: 'Tienda de campaña para dos',
  'zh-CN': '双人帐篷',
  'zh-TW': '雙人帳篷',
  lv: 'Divvietīga telts',
});
const BACKPACK = item('BPK-35', 'Backpack 35 L', 'bags', 1, {
  es: 'Mochila 35 L',
  'zh-CN': '背包 35 升',
  'zh-TW': '背包 35 公升',
  lv: 'Mugursoma 35 L',
});
const BOTTLE = item('BTL-1L', 'Insulated bottle 1 L', 'accessories', 2, {
  es: 'Botella térmica 1 L',
  'zh-CN': '保温瓶 1 升',
  'zh-TW': '保溫瓶 1 公升',
  lv: 'Termopudele 1 L',
});

export const ORDERS: readonly SeedOrder[] = [
  {
    number: 'SB-10001',
    customerId: 'c1',
    status: 'shipped',
    placedDaysAgo: 2,
    carrier: 'SEUR',
    trackingNumber: 'SEUR8834120567',
    expectedInDays: 2,
    items: [SHOES, SOCKS],
  },
  {
    number: 'SB-10002',
    customerId: 'c1',
    status: 'delivered',
    placedDaysAgo: 9,
    carrier: 'Correos Express',
    trackingNumber: 'CEX3302119845',
    deliveredDaysAgo: 5,
    items: [JACKET, BASE_LAYER, BOTTLE],
  },
  {
    number: 'SB-10003',
    customerId: 'c1',
    status: 'delivered',
    placedDaysAgo: 70,
    carrier: 'SEUR',
    trackingNumber: 'SEUR7712093345',
    deliveredDaysAgo: 65,
    items: [BOOTS],
  },
  {
    number: 'SB-10004',
    customerId: 'c2',
    status: 'processing',
    placedDaysAgo: 0,
    expectedInDays: 4,
    items: [TENT, BACKPACK],
  },
  {
    number: 'SB-10005',
    customerId: 'c2',
    status: 'delivered',
    placedDaysAgo: 12,
    carrier: 'DHL',
    trackingNumber: 'JD014600006281234567',
    deliveredDaysAgo: 8,
    items: [GIFT_CARD, MAPS],
  },
  {
    number: 'SB-10006',
    customerId: 'c3',
    status: 'delayed',
    placedDaysAgo: 8,
    carrier: 'GLS',
    trackingNumber: 'GLS55120089',
    expectedInDays: 3,
    items: [WATCH],
  },
  { number: 'SB-10007', customerId: 'c3', status: 'cancelled', placedDaysAgo: 6, items: [HEADLAMP] },
  {
    number: 'SB-10008',
    customerId: 'c4',
    status: 'outForDelivery',
    placedDaysAgo: 3,
    carrier: 'DHL',
    trackingNumber: 'JD014600006289876543',
    expectedInDays: 0,
    items: [BACKPACK, BOTTLE],
  },
  {
    number: 'SB-10009',
    customerId: 'c4',
    status: 'delivered',
    placedDaysAgo: 20,
    carrier: 'DHL',
    trackingNumber: 'JD014600006281112223',
    deliveredDaysAgo: 16,
    items: [TENT],
  },
  {
    number: 'SB-10010',
    customerId: 'c5',
    status: 'shipped',
    placedDaysAgo: 4,
    carrier: 'DPD',
    trackingNumber: '15501234567890',
    expectedInDays: 3,
    items: [JACKET],
  },
  {
    number: 'SB-10011',
    customerId: 'c5',
    status: 'delivered',
    placedDaysAgo: 26,
    carrier: 'DPD',
    trackingNumber: '15509876543210',
    deliveredDaysAgo: 22,
    items: [MAPS_SEALED, HEADLAMP],
  },
  {
    number: 'SB-10012',
    customerId: 'c6',
    status: 'processing',
    placedDaysAgo: 1,
    expectedInDays: 5,
    items: [BOOTS, SOCKS],
  },
  {
    number: 'SB-10013',
    customerId: 'c6',
    status: 'delivered',
    placedDaysAgo: 40,
    carrier: 'Correos',
    trackingNumber: 'PQ4F1A0001234560128001V',
    deliveredDaysAgo: 34,
    items: [BACKPACK],
  },
  {
    number: 'SB-10014',
    customerId: 'c7',
    status: 'shipped',
    placedDaysAgo: 3,
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    expectedInDays: 1,
    items: [WATCH, BOTTLE],
  },
  {
    number: 'SB-10015',
    customerId: 'c7',
    status: 'delivered',
    placedDaysAgo: 15,
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456791',
    deliveredDaysAgo: 11,
    items: [SHOES],
  },
  {
    number: 'SB-10016',
    customerId: 'c2',
    status: 'delayed',
    placedDaysAgo: 10,
    carrier: 'DHL',
    trackingNumber: 'JD014600006284445556',
    expectedInDays: 2,
    items: [HEADLAMP, SOCKS],
  },
  {
    number: 'SB-10017',
    customerId: 'c3',
    status: 'delivered',
    placedDaysAgo: 6,
    carrier: 'GLS',
    trackingNumber: 'GLS55120777',
    deliveredDaysAgo: 2,
    items: [BASE_LAYER],
  },
  { number: 'SB-10018', customerId: 'c4', status: 'cancelled', placedDaysAgo: 14, items: [GIFT_CARD] },
  {
    number: 'SB-10019',
    customerId: 'c5',
    status: 'outForDelivery',
    placedDaysAgo: 2,
    carrier: 'DPD',
    trackingNumber: '15501112223334',
    expectedInDays: 0,
    items: [SOCKS, BOTTLE],
  },
  {
    number: 'SB-10020',
    customerId: 'c6',
    status: 'delivered',
    placedDaysAgo: 5,
    carrier: 'SEUR',
    trackingNumber: 'SEUR8834129999',
    deliveredDaysAgo: 1,
    items: [TENT, BACKPACK, HEADLAMP],
  },
  {
    number: 'SB-10021',
    customerId: 'c7',
    status: 'processing',
    placedDaysAgo: 0,
    expectedInDays: 6,
    items: [MAPS_SEALED],
  },
  {
    number: 'SB-10022',
    customerId: 'c1',
    status: 'processing',
    placedDaysAgo: 1,
    expectedInDays: 3,
    items: [HEADLAMP],
  },
];

/** Ids of the bookable services. */
export const SERVICE_IDS = {
  repairDropOff: 'repair-drop-off',
  bootFitting: 'boot-fitting',
  installation: 'installation-visit',
} as const;

export const SERVICES: readonly SeedService[] = [
  {
    id: SERVICE_IDS.repairDropOff,
    name: 'Repair drop-off',
    names: {
      en: 'Repair drop-off',
      es: 'Entrega para reparación',
      'zh-CN': '送修',
      'zh-TW': '送修',
      lv: 'Nodošana remontā',
    },
    durationMinutes: 15,
    capacity: 1,
  },
  {
    id: SERVICE_IDS.bootFitting,
    name: 'Boot fitting',
    names: {
      en: 'Boot fitting',
      es: 'Prueba de botas',
      'zh-CN': '试鞋',
      'zh-TW': '試鞋',
      lv: 'Zābaku pielaikošana',
    },
    durationMinutes: 45,
    capacity: 1,
  },
  {
    id: SERVICE_IDS.installation,
    name: 'Installation visit',
    names: {
      en: 'Installation visit (roof box or bike rack)',
      es: 'Visita de instalación (cofre o portabicis)',
      'zh-CN': '上门安装（车顶箱或自行车架）',
      'zh-TW': '到府安裝（車頂箱或自行車架）',
      lv: 'Uzstādīšanas vizīte (jumta bagāžnieks vai velosipēdu turētājs)',
    },
    durationMinutes: 120,
    capacity: 1,
  },
];

/** Opening hours: split days Monday to Friday, mornings on Saturday, closed on Sunday. */
export const OPENING_HOURS: Partial<Record<Weekday, OpeningRange[]>> = {
  1: [
    { open: '09:30', close: '13:30' },
    { open: '16:00', close: '20:00' },
  ],
  2: [
    { open: '09:30', close: '13:30' },
    { open: '16:00', close: '20:00' },
  ],
  3: [
    { open: '09:30', close: '13:30' },
    { open: '16:00', close: '20:00' },
  ],
  4: [
    { open: '09:30', close: '13:30' },
    { open: '16:00', close: '20:00' },
  ],
  5: [
    { open: '09:30', close: '13:30' },
    { open: '16:00', close: '20:00' },
  ],
  6: [{ open: '10:00', close: '14:00' }],
};

/** Public holidays (month-day), repeated for the seeding year and the next. */
const HOLIDAYS: readonly [monthDay: string, name: string][] = [
  ['01-01', "New Year's Day"],
  ['01-06', 'Epiphany'],
  ['05-01', 'Labour Day'],
  ['08-15', 'Assumption Day'],
  ['10-12', 'National Day'],
  ['11-01', "All Saints' Day"],
  ['12-06', 'Constitution Day'],
  ['12-08', 'Immaculate Conception'],
  ['12-25', 'Christmas Day'],
];

export function holidaysAround(seededAt: Date, timezone: string): { date: string; name: string }[] {
  const year = DateTime.fromJSDate(seededAt, { zone: timezone }).year;
  return [year, year + 1].flatMap((y) =>
    HOLIDAYS.map(([monthDay, name]) => ({ date: `${y}-${monthDay}`, name })),
  );
}

/** Two existing bookings, for trying reschedule and cancel. */
export const BOOKINGS: readonly SeedBooking[] = [
  {
    reference: 'BK-7Q4M2X',
    serviceId: SERVICE_IDS.repairDropOff,
    inDays: 2,
    at: '10:00',
    email: 'ana.garcia@example.com',
    phone: '+34600111222',
  },
  {
    reference: 'BK-9H3T6W',
    serviceId: SERVICE_IDS.bootFitting,
    inDays: 3,
    at: '17:30',
    email: 'james.miller@example.com',
    phone: '+447700900123',
  },
];
