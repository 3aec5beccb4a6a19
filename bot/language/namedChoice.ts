import { toSimplified } from './chineseScript';
import { normalizeUtterance } from './features';

/**
 * A name counts as said when the message has more than this share of its words: "visit" alone
 * is not "Installation visit" (it is how customers say appointment), "installation visit" is.
 */
const MIN_SHARE = 0.5;
/** Words this short ("de", "or", "a") say nothing about which choice is meant. */
const MIN_WORD_LENGTH = 3;

const HAN = /\p{Script=Han}/u;

/** The part of a name before an explanation in brackets: "Installation visit (roof box …)". */
function core(name: string): string {
  return name.replace(/[(（].*$/u, '').trim() || name;
}

/**
 * How much of `name` the message names, 0..1. Latin scripts: the share of the name's words
 * found in the message, a word counting when a message word starts with its stem (so "botas"
 * finds "bota", "fittings" finds "fitting"); Chinese: 1 when the name is in the message.
 */
function share(message: { words: string[]; simplified: string }, name: string): number {
  if (HAN.test(name)) {
    const whole = toSimplified(name);
    return message.simplified.includes(toSimplified(core(name))) || message.simplified.includes(whole)
      ? 1
      : 0;
  }
  const words = normalizeUtterance(core(name))
    .split(' ')
    .filter((word) => word.length >= MIN_WORD_LENGTH);
  if (words.length === 0) return 0;
  const found = words.filter((word) => {
    const stem = word.slice(0, Math.max(4, word.length - 2));
    return message.words.some((said) => said.startsWith(stem));
  });
  return found.length / words.length;
}

/**
 * Which of several choices a free-text message names, each choice known by one or more names
 * (e.g. a service in every language the shop lists): the index of the choice whose best name
 * the message covers most, when more than half of it and no other choice covers as much; else
 * undefined. "book a boot fitting next Tuesday" names "Boot fitting", "下周二预约试鞋" names "试鞋".
 */
export function findNamedChoice(text: string, choices: readonly (readonly string[])[]): number | undefined {
  const message = {
    words: normalizeUtterance(text).split(' ').filter(Boolean),
    simplified: toSimplified(text).replace(/\s+/g, ''),
  };
  const scores = choices.map((names) => Math.max(0, ...names.map((name) => share(message, name))));
  const best = Math.max(0, ...scores);
  if (best <= MIN_SHARE) return undefined;
  const winners = scores.flatMap((score, index) => (score === best ? [index] : []));
  return winners.length === 1 ? winners[0] : undefined;
}
