/** One appointment as an iCalendar (RFC 5545) file, for "add to my calendar". */
export interface CalendarEvent {
  uid: string;
  summary: string;
  description: string;
  /** ISO instants. */
  start: string;
  end: string;
  /** When the file was produced. */
  stamp: Date;
  /** Set for a cancelled booking, so calendars that imported it remove it. */
  cancelled?: boolean;
  /** Where it takes place (the shop's address), one line. */
  location?: string;
  /** Who holds it: the shop, by name and email address. */
  organizer?: { name: string; email: string };
}

/** `20250612T080000Z`, the UTC form every calendar reads. */
function utc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Escapes TEXT values (RFC 5545 §3.3.11). */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Characters that make a parameter value need quotes (RFC 5545 §3.1: not SAFE-CHAR). */
const UNSAFE_PARAM = /[";:,]/;

/**
 * A parameter value such as `CN`: quoted when it holds `;`, `:` or `,`; a double quote, a caret
 * and a newline, which no parameter value can hold, are written as RFC 6868's `^'`, `^^`, `^n`.
 */
function paramValue(value: string): string {
  const encoded = value.replace(/\^/g, '^^').replace(/"/g, "^'").replace(/\r?\n/g, '^n');
  return UNSAFE_PARAM.test(value) ? `"${encoded}"` : encoded;
}

/** Folds lines longer than 75 octets (RFC 5545 §3.1). */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char, 'utf8') > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/**
 * The event as an iCalendar file: CRLF line ends, TEXT values escaped, lines folded at 75
 * octets (never inside a UTF-8 character), the shop as `LOCATION` and `ORGANIZER` when given.
 */
export function buildIcs(event: CalendarEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Switchboard//Appointments//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.cancelled ? 'CANCEL' : 'PUBLISH'}`,
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${utc(event.stamp)}`,
    `DTSTART:${utc(new Date(event.start))}`,
    `DTEND:${utc(new Date(event.end))}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(event.organizer
      ? [`ORGANIZER;CN=${paramValue(event.organizer.name)}:mailto:${event.organizer.email}`]
      : []),
    `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
