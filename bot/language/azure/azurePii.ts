import type { Entity } from '@azure/ai-language-text';
import { redactPii, type KnownPii, type PiiRedactor } from '../pii';
import type { AzureLanguage } from './azureLanguage';
import { DocumentBatcher } from './documentBatcher';
import { languageCodeOf, MAX_DOCUMENTS, splitDocument } from './limits';

/** Azure's PII categories as the labels local redaction uses, so transcripts read the same either way. */
const LABELS: Record<string, string> = {
  Person: '[name]',
  PersonType: '', // "customer", "agent": a role, not personal data; kept
  Email: '[email]',
  PhoneNumber: '[phone]',
  Address: '[address]',
  CreditCardNumber: '[card]',
  InternationalBankingAccountNumber: '[iban]',
  IPAddress: '[ip]',
  DateTime: '', // dates of deliveries and appointments are what the agent needs
  Organization: '',
  Quantity: '',
  URL: '',
};

/** `text` with each entity replaced by its label; offsets are UTF-16 code units (the SDK's default). */
function replaceEntities(text: string, entities: readonly Entity[]): string {
  let result = '';
  let at = 0;
  for (const entity of [...entities].sort((a, b) => a.offset - b.offset)) {
    const label = LABELS[entity.category] ?? '[pii]';
    if (label === '' || entity.offset < at) continue;
    result += text.slice(at, entity.offset) + label;
    at = entity.offset + entity.length;
  }
  return result + text.slice(at);
}

/**
 * Redaction with Azure AI Language's PII entity recognition (at most five documents per request,
 * 5,120 characters per document), and the local patterns over its result: Azure finds names and
 * addresses the patterns cannot, the patterns guarantee what must never be kept (card numbers,
 * IBANs) even where a model misses one. When Azure fails or is slow, the local patterns alone.
 */
export class AzurePiiRedactor implements PiiRedactor {
  private readonly batcher: DocumentBatcher<string>;

  constructor(private readonly azure: AzureLanguage) {
    this.batcher = new DocumentBatcher(MAX_DOCUMENTS.PiiEntityRecognition, (texts, language) =>
      this.azure.call('pii', async (abortSignal) => {
        const results = await this.azure.client.analyze(
          'PiiEntityRecognition',
          texts.map((text, index) => ({ id: String(index), text, language })),
          // NOTE: the service counts offsets in text elements unless told otherwise; JavaScript
          // strings are UTF-16, and an emoji before a name would shift every replacement.
          { abortSignal, stringIndexType: 'Utf16CodeUnit' },
        );
        return results.map((result, index) =>
          result.error ? undefined : replaceEntities(texts[index] ?? '', result.entities),
        );
      }),
    );
  }

  async redact(text: string, locale: string, known?: KnownPii): Promise<string> {
    const language = languageCodeOf(locale);
    if (!language || !this.azure.uses('pii') || text.trim() === '') return redactPii(text, known);
    const pieces = await Promise.all(
      splitDocument(text).map((piece) => this.batcher.submit(piece, language)),
    );
    const azureRedacted = pieces.some((piece) => piece === undefined) ? text : pieces.join('');
    return redactPii(azureRedacted, known);
  }
}
