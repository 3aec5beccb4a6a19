import assert from 'node:assert/strict';
import { buildIcs } from '../../services/calendar';
import { DownloadLinks } from '../../services/downloadLinks';
import { TestClock } from '../dialogs/commerceFixtures';

describe('DownloadLinks', () => {
  const clock = new TestClock();
  const links = new DownloadLinks('secret', 'https://bot.example', clock, 3600);
  const query = (link: string): URLSearchParams => new URL(link).searchParams;

  it('sign() makes an absolute link with the locale, an expiry and a signature that check() accepts', () => {
    const link = links.sign('/api/returns/RMA-1/label', 'es');
    assert.match(
      link,
      /^https:\/\/bot\.example\/api\/returns\/RMA-1\/label\?locale=es&expires=\d+&signature=[\w-]+$/,
    );
    assert.equal(query(link).get('expires'), String(Date.parse('2025-06-11T09:00:00Z') / 1000));
    assert.equal(links.check('/api/returns/RMA-1/label', query(link)), 'valid');
  });

  it('check() refuses another path, another locale, a changed expiry, another secret or no signature', () => {
    const link = links.sign('/api/returns/RMA-1/label', 'es');
    assert.equal(links.check('/api/returns/RMA-2/label', query(link)), 'invalid');
    const otherLocale = query(link);
    otherLocale.set('locale', 'en');
    assert.equal(links.check('/api/returns/RMA-1/label', otherLocale), 'invalid');
    const later = query(link);
    later.set('expires', String(Number(later.get('expires')) + 3600));
    assert.equal(links.check('/api/returns/RMA-1/label', later), 'invalid');
    const forged = new DownloadLinks('other', 'https://bot.example', clock, 3600).sign(
      '/api/returns/RMA-1/label',
      'es',
    );
    assert.equal(links.check('/api/returns/RMA-1/label', query(forged)), 'invalid');
    assert.equal(links.check('/api/returns/RMA-1/label', new URLSearchParams({ locale: 'es' })), 'invalid');
  });

  it('check() reports a link past its expiry as expired', () => {
    const clockAfter = new TestClock();
    const expiring = new DownloadLinks('secret', 'https://bot.example', clockAfter, 3600);
    const link = expiring.sign('/x', 'en');
    clockAfter.advanceMinutes(59);
    assert.equal(expiring.check('/x', query(link)), 'valid');
    clockAfter.advanceMinutes(2);
    assert.equal(expiring.check('/x', query(link)), 'expired');
  });
});

describe('buildIcs()', () => {
  const event = {
    uid: 'BK-7Q4M2X@switchboard',
    summary: 'Entrega para reparación',
    description: 'Referencia de la reserva: BK-7Q4M2X. Para cambiarla, escríbenos; gracias',
    start: '2025-06-13T08:00:00.000Z',
    end: '2025-06-13T08:15:00.000Z',
    stamp: new Date('2025-06-11T08:00:00Z'),
  };

  it('writes one event in UTC with escaped text and CRLF line ends', () => {
    const ics = buildIcs(event);
    const lines = ics.split('\r\n');
    assert.equal(lines[0], 'BEGIN:VCALENDAR');
    assert.ok(lines.includes('DTSTART:20250613T080000Z'));
    assert.ok(lines.includes('DTEND:20250613T081500Z'));
    assert.ok(lines.includes('DTSTAMP:20250611T080000Z'));
    assert.ok(lines.includes('UID:BK-7Q4M2X@switchboard'));
    assert.ok(lines.includes('STATUS:CONFIRMED'));
    assert.ok(
      ics
        .replace(/\r\n /g, '')
        .includes('DESCRIPTION:Referencia de la reserva: BK-7Q4M2X. Para cambiarla\\, escríbenos\\; gracias'),
    );
    assert.ok(!/[^\r]\n/.test(ics), 'every line ends with CRLF');
    for (const line of lines) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, line);
  });

  it("names the shop's address as LOCATION and the shop as ORGANIZER, escaped and folded", () => {
    const ics = buildIcs({
      ...event,
      location: 'Calle de Fuencarral 45; bajo, 28004 Madrid\nSpain',
      organizer: { name: 'Switchboard Outdoor (demo)', email: 'help@shop.example' },
    });
    const lines = ics.split('\r\n');
    assert.ok(lines.includes('LOCATION:Calle de Fuencarral 45\\; bajo\\, 28004 Madrid\\nSpain'), ics);
    assert.ok(lines.includes('ORGANIZER;CN=Switchboard Outdoor (demo):mailto:help@shop.example'), ics);
    assert.ok(lines.indexOf('BEGIN:VEVENT') < lines.findIndex((line) => line.startsWith('LOCATION:')));
    assert.ok(lines.findIndex((line) => line.startsWith('ORGANIZER;')) < lines.indexOf('END:VEVENT'));
  });

  it("quotes an organizer name with a comma, colon or semicolon, and writes a double quote as ^'", () => {
    const ics = buildIcs({
      ...event,
      organizer: { name: 'Nieve, Sol & "Roca": Madrid', email: 'a@shop.example' },
    });
    assert.ok(
      ics
        .replace(/\r\n /g, '')
        .includes(`ORGANIZER;CN="Nieve, Sol & ^'Roca^': Madrid":mailto:a@shop.example\r\n`),
      ics,
    );
  });

  it('folds a long LOCATION of multi-byte characters at 75 octets, and unfolds to the original', () => {
    const location = '台北市信義區松仁路100號, 101大樓 35樓, Outdoor Shop Taipei Flagship, Taiwan (R.O.C.)';
    const ics = buildIcs({ ...event, location });
    const folded = ics.split('\r\n');
    const start = folded.findIndex((line) => line.startsWith('LOCATION:'));
    assert.ok(folded[start + 1]?.startsWith(' '), 'continued on the next line');
    for (const line of folded) {
      assert.ok(Buffer.byteLength(line, 'utf8') <= 75, line);
    }
    // Unfolding (RFC 5545 §3.1: remove CRLF followed by one space) gives the escaped value back.
    const unfolded = ics.replace(/\r\n /g, '').split('\r\n');
    assert.ok(unfolded.includes(`LOCATION:${location.replace(/,/g, '\\,')}`), ics);
  });

  it('marks a cancelled booking so calendars remove it', () => {
    const ics = buildIcs({ ...event, cancelled: true });
    assert.ok(ics.includes('METHOD:CANCEL\r\n'));
    assert.ok(ics.includes('STATUS:CANCELLED\r\n'));
  });
});
