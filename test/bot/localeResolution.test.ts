import assert from 'node:assert/strict';
import { MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { createI18n } from '../../bot/i18n';
import { LocaleResolution, turnLanguage } from '../../bot/middleware';
import { BotStateSet } from '../../bot/state';

/** Runs one turn through the middleware and returns what `t` gives for `orders.askNumber`. */
async function askNumberText(middleware: LocaleResolution, locale: string): Promise<string> {
  const adapter = new TestAdapter(async (context: TurnContext) => {
    await context.sendActivity(turnLanguage(context).t('orders.askNumber'));
  });
  adapter.use(middleware);
  let text = '';
  await adapter.send({ type: 'message', text: 'hi', locale }).assertReply((reply) => {
    text = reply.text ?? '';
  });
  return text;
}

describe('LocaleResolution', () => {
  it('onTurn() gives a translator of the turn locale that follows texts changed in i18next', async () => {
    const i18n = createI18n();
    const middleware = new LocaleResolution(i18n, new BotStateSet(new MemoryStorage()).profile, 'en');
    const english = await askNumberText(middleware, 'en-US');
    assert.equal(english, i18n.getFixedT('en')('orders.askNumber'));
    assert.equal(await askNumberText(middleware, 'es'), i18n.getFixedT('es')('orders.askNumber'));
    assert.equal(await askNumberText(middleware, 'en-GB'), english, 'the same text from the remembered one');

    i18n.addResource('en', 'translation', 'orders.askNumber', 'Your order number, please.');
    assert.equal(await askNumberText(middleware, 'en'), 'Your order number, please.');
  });
});
