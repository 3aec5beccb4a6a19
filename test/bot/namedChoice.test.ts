import assert from 'node:assert/strict';
import { findNamedChoice } from '../../bot/language/namedChoice';
import { SERVICES } from '../../services/demo/seed';

const services = SERVICES.map((service) => [service.name, ...Object.values(service.names ?? {})]);
const [REPAIR, BOOT, INSTALLATION] = [0, 1, 2];

describe('findNamedChoice()', () => {
  const cases: [text: string, expected: number | undefined][] = [
    ['book a boot fitting next Tuesday', BOOT],
    ['I need a fitting for my boots', BOOT],
    ['I want to drop off a repair', REPAIR],
    ['book an installation visit', INSTALLATION],
    ['quiero reservar una prueba de botas el martes', BOOT],
    ['visita de instalación para el cofre', INSTALLATION],
    ['我想预约下周二试鞋', BOOT],
    ['我想預約下週二試鞋', BOOT],
    ['预约上门安装', INSTALLATION],
    ['pieteikt zābaku pielaikošanu nākamajā otrdienā', BOOT],
    ['vajag nodošanu remontā', REPAIR],
    // a word every appointment has, or none of the names, is no choice
    ['book an appointment', undefined],
    ['pieteikt vizīti', undefined],
    ['reservar una cita', undefined],
    ['我想预约', undefined],
    ['book a boat', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`"${text}" → ${String(expected)}`, () => {
      assert.equal(findNamedChoice(text, services), expected);
    });
  }

  it('names no choice when two choices are named as much', () => {
    assert.equal(findNamedChoice('boot fitting or repair drop-off', services), undefined);
  });
});
