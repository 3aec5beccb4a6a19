/**
 * What a WhatsApp message is made of, in either mode: the text, the choices (suggested actions
 * and card buttons) and the files of an outgoing activity. Pure; each mode's mapper renders the
 * parts its own way (interactive buttons on the Cloud API, a numbered list on WhatsApp Web).
 * Only `type`, `text`, `suggestedActions` and `attachments` are read: nothing of `channelData`
 * leaves Switchboard.
 */
import { ActivityTypes, type Activity } from 'botbuilder';
import { actionText, activityParts, type OutgoingDocument } from '../messageParts';

export type { OutgoingDocument } from '../messageParts';

/** One choice the customer can make: what it shows and the text it stands for. */
export interface Choice {
  title: string;
  value: string;
}

/** An outgoing message activity taken apart. */
export interface MessageParts {
  text: string;
  choices: Choice[];
  documents: OutgoingDocument[];
}

/**
 * The parts of a message activity, or undefined for activities WhatsApp does not show (typing,
 * events). A link button becomes its URL in the text, since WhatsApp has no link buttons outside
 * templates.
 * @throws naming the attachment or button kind WhatsApp cannot show (an adaptive card, a call button).
 */
export function messageParts(activity: Partial<Activity>): MessageParts | undefined {
  if (activity.type !== undefined && activity.type !== ActivityTypes.Message) return undefined;
  const { texts, actions, documents } = activityParts(activity, 'messageParts()', 'WhatsApp');
  const choices: Choice[] = [];
  for (const action of actions) {
    if (action.type === 'openUrl' && typeof action.value === 'string') {
      texts.push(action.title ? `${action.title}: ${action.value}` : action.value);
      continue;
    }
    const value = actionText(action);
    if (value === undefined || value === '')
      throw new Error(`a "${action.type}" button has no WhatsApp equivalent`);
    choices.push({ title: action.title || value, value });
  }
  return { text: texts.join('\n\n'), choices, documents };
}

/** The choices as a numbered list under the text, for when they cannot be buttons. */
export function numberedText(text: string, choices: readonly Choice[]): string {
  if (choices.length === 0) return text;
  const list = choices.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n');
  return text ? `${text}\n\n${list}` : list;
}

/**
 * The value of the choice a customer's reply picks, from the choices last offered as a numbered
 * list: its number (`2`, `2.`, ` 2 `) or its title, ignoring case and accents; undefined when the
 * reply picks none (then it stays the customer's own text).
 */
export function pickChoice(reply: string, offered: readonly Choice[]): string | undefined {
  const trimmed = reply.trim();
  const number = /^(\d{1,2})[.)]?$/.exec(trimmed)?.[1];
  if (number !== undefined) return offered[Number(number) - 1]?.value;
  const fold = (text: string): string =>
    text.normalize('NFD').replace(/\p{M}/gu, '').trim().toLocaleLowerCase();
  const wanted = fold(trimmed);
  return offered.find((choice) => fold(choice.title) === wanted || fold(choice.value) === wanted)?.value;
}

/**
 * Cuts `text` into messages of at most `max` characters, preferring a paragraph break, then a
 * line break, then a space; never inside a surrogate pair.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = Math.max(window.lastIndexOf('\n\n'), -1);
    if (cut <= 0) cut = window.lastIndexOf('\n');
    if (cut <= 0) cut = window.lastIndexOf(' ');
    if (cut <= 0) {
      const code = rest.charCodeAt(max - 1);
      cut = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() !== '' || parts.length === 0) parts.push(rest);
  return parts;
}
