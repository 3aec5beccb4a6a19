import assert from 'node:assert/strict';
import type { DialogInstance } from 'botbuilder-dialogs';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { translator } from '../../bot/i18n';
import { localizedChoice } from '../../dialogs/choicePrompt';
import { PromptTranslation } from '../../dialogs/promptTranslation';
import { i18n } from '../support/dialogTable';

describe('PromptTranslation', () => {
  const prompts = new PromptTranslation(i18n, SUPPORTED_LOCALES);
  const en = translator(i18n, 'en');
  const lv = translator(i18n, 'lv');

  it('translate() reads a fixed text of any locale back into the other language', () => {
    assert.equal(prompts.translate(en('returns.askReason'), lv), lv('returns.askReason'));
    assert.equal(prompts.translate(lv('orders.askNumber'), en), en('orders.askNumber'));
  });

  it('translate() fills a text with variables again, translating the variables that are bundle texts', () => {
    const asked = en('returns.confirm', {
      items: 'Rain jacket, M',
      number: 'SB-10002',
      reason: en('returns.reasons.damaged'),
      refund: en('returns.refund.originalPayment'),
    });
    assert.equal(
      prompts.translate(asked, lv),
      lv('returns.confirm', {
        items: 'Rain jacket, M',
        number: 'SB-10002',
        reason: lv('returns.reasons.damaged'),
        refund: lv('returns.refund.originalPayment'),
      }),
    );
  });

  it('translate() leaves a text no bundle has as it is', () => {
    assert.equal(prompts.translate('Rain jacket, M', lv), 'Rain jacket, M');
  });

  it('relocalizeStack() rewrites prompts inside component dialogs, choices with keys by their keys', () => {
    const stack: DialogInstance[] = [
      {
        id: 'returnsDialog',
        state: {
          dialogs: {
            dialogStack: [
              {
                id: 'returnsDialog.reason',
                state: {
                  options: {
                    prompt: en('returns.askReason'),
                    retryPrompt: en('returns.reasonRetry'),
                    choices: [
                      localizedChoice(en, 'returns.reasons.wrongSize', 'returns.reasonSynonyms.wrongSize'),
                      { value: 'Rain jacket, M' },
                      { value: en('returns.allItems') },
                    ],
                  },
                },
              },
            ],
          },
        },
      },
    ];
    prompts.relocalizeStack(stack, lv);
    type Options = { prompt: string; retryPrompt: string; choices: { value: string; synonyms?: string[] }[] };
    const inner = (stack[0]!.state as { dialogs: { dialogStack: DialogInstance<{ options: Options }>[] } })
      .dialogs;
    const options = inner.dialogStack[0]!.state.options;
    assert.equal(options.prompt, lv('returns.askReason'));
    assert.equal(options.retryPrompt, lv('returns.reasonRetry'));
    assert.deepEqual(
      options.choices.map((choice) => choice.value),
      [lv('returns.reasons.wrongSize'), 'Rain jacket, M', lv('returns.allItems')],
    );
    assert.ok(options.choices[0]?.synonyms?.includes('neder'), 'synonyms of the new language');
    assert.ok(options.choices[2]?.synonyms?.includes(en('returns.allItems')), 'the old text stays a synonym');
  });
});
