import { createI18n, translator } from '../bot/i18n';
import { CUSTOMERS, ORDERS } from '../services/demo/seed';
import type { ChannelTurn } from './channels';
import type { ConversationScript, ScriptedTurn } from './load';

/** Demo-store orders the customers ask about, and which contact detail each one verifies with. */
const ORDER_CHECKS: readonly { number: string; verifyWith: 'email' | 'phone' | 'postcode' }[] = [
  { number: 'SB-10001', verifyWith: 'email' },
  { number: 'SB-10004', verifyWith: 'phone' },
  { number: 'SB-10006', verifyWith: 'postcode' },
  { number: 'SB-10008', verifyWith: 'email' },
  { number: 'SB-10015', verifyWith: 'phone' },
  { number: 'SB-10010', verifyWith: 'postcode' },
];

/** The order number and the verification answer of each entry of {@link ORDER_CHECKS}, from the seed. */
const ORDER_CASES = ORDER_CHECKS.map(({ number, verifyWith }) => {
  const order = ORDERS.find((candidate) => candidate.number === number);
  const customer = CUSTOMERS.find((candidate) => candidate.id === order?.customerId);
  if (!customer) throw new Error(`bench: order ${number} is not in the demo store seed`);
  return { number, answer: customer[verifyWith] };
});

const t = translator(createI18n(['en']), 'en');

/** Checks that the replies are exactly `expected`, in order. */
function exactly(...expected: string[]): ScriptedTurn['check'] {
  return (replies) =>
    replies.length === expected.length && replies.every((reply, i) => reply === expected[i])
      ? undefined
      : `expected ${JSON.stringify(expected)}`;
}

/**
 * A customer of the full bot checking an order in English: greeting → "where is my order" →
 * the order number → the email, phone or postcode on it, which gets the order's status (it must
 * name the order) and the "anything else?" menu. With `turns` below 4 it stops early, as
 * customers who wander off do.
 */
export function orderStatusConversation(n: number, turns = 4): ScriptedTurn[] {
  const order = ORDER_CASES[n % ORDER_CASES.length] as (typeof ORDER_CASES)[number];
  const script: ScriptedTurn[] = [
    { text: 'hello', check: exactly(t('welcome.greeting'), t('menu.prompt')) },
    { text: 'where is my order', check: exactly(t('orders.askNumber')) },
    { text: order.number, check: exactly(t('verification.ask')) },
    {
      text: order.answer,
      check: (replies) =>
        replies.length === 3 && replies[0]?.includes(order.number) && replies[2] === t('menu.anythingElse')
          ? undefined
          : `expected the summary of ${order.number}, its status and the menu`,
    },
  ];
  return script.slice(0, turns);
}

/** Turns per conversation of {@link orderStatusConversation}. */
export const FULL_SCRIPT_TURNS = orderStatusConversation(0).length;

export const fullBotScript: ConversationScript = (n) => orderStatusConversation(n);

/** The echo bot gets the same messages, so both bots answer the same number of turns. */
export const echoBotScript: ConversationScript = (n) =>
  orderStatusConversation(n).map(({ text }) => ({ text, check: exactly(`Echo: ${text}`) }));

/**
 * The same order-status check for the channel drivers, which see replies as each channel shows
 * them (a WhatsApp menu is an interactive message, a Telegram one carries a keyboard): each turn
 * ends with the reply that contains its last text, and the status must name the order.
 */
export function channelConversation(n: number): ChannelTurn[] {
  const order = ORDER_CASES[n % ORDER_CASES.length] as (typeof ORDER_CASES)[number];
  const none = (): undefined => undefined;
  return [
    { text: 'hello', last: t('menu.prompt'), check: none },
    { text: 'where is my order', last: t('orders.askNumber'), check: none },
    { text: order.number, last: t('verification.ask'), check: none },
    {
      text: order.answer,
      last: t('menu.anythingElse'),
      check: (replies) =>
        replies.some((reply) => reply.includes(order.number))
          ? undefined
          : `expected the summary of ${order.number}`,
    },
  ];
}

/** Text of the last message of the bot's welcome to a conversation that just started (Direct Line). */
export const WELCOME_LAST = t('menu.prompt');
