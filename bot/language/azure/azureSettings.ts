/** What of Switchboard's language work Azure AI Language can do, each switched on separately. */
export const AZURE_LANGUAGE_FEATURES = ['languageDetection', 'sentiment', 'pii', 'summary'] as const;
export type AzureLanguageFeature = (typeof AZURE_LANGUAGE_FEATURES)[number];

/** Azure AI Language settings (`AZURE_LANGUAGE_*`); absent when the service is not configured. */
export interface AzureLanguageSettings {
  /** The resource's endpoint, such as `https://my-resource.cognitiveservices.azure.com`. */
  endpoint: string;
  /** The resource key, sent as `Ocp-Apim-Subscription-Key`. */
  key: string;
  /** Longest wait for one synchronous call (sentiment, PII, language detection) before the local fallback answers. */
  timeoutMs: number;
  /** Longest wait for a summary job, from submission to its result. */
  summaryTimeoutMs: number;
  /** The features that use Azure; the others stay local. */
  features: ReadonlySet<AzureLanguageFeature>;
}

type Env = Record<string, string | undefined>;

const read = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

function milliseconds(env: Env, name: string, fallback: number, max: number, problems: string[]): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (Number.isInteger(parsed) && parsed >= 100 && parsed <= max) return parsed;
  problems.push(`${name} must be a whole number of milliseconds from 100 to ${max} (received "${value}")`);
  return fallback;
}

function endpointUrl(value: string, problems: string[]): string {
  try {
    const url = new URL(value);
    // NOTE: the SDK refuses plain http (the key would travel in clear), so it is refused here,
    // at start-up, with the variable's name, instead of on the first customer message.
    if (url.protocol === 'https:' && url.search === '' && url.hash === '') return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  problems.push(
    `AZURE_LANGUAGE_ENDPOINT must be an https URL such as https://my-resource.cognitiveservices.azure.com (received "${value}")`,
  );
  return value;
}

function features(env: Env, problems: string[]): Set<AzureLanguageFeature> {
  const value = read(env, 'AZURE_LANGUAGE_FEATURES');
  if (value === undefined) return new Set(AZURE_LANGUAGE_FEATURES);
  const chosen = new Set<AzureLanguageFeature>();
  for (const item of value.split(',').map((part) => part.trim())) {
    if (item === '' || item === 'none') continue;
    if ((AZURE_LANGUAGE_FEATURES as readonly string[]).includes(item))
      chosen.add(item as AzureLanguageFeature);
    else
      problems.push(
        `AZURE_LANGUAGE_FEATURES must be a comma-separated list of ${AZURE_LANGUAGE_FEATURES.join(', ')} or none (received "${item}")`,
      );
  }
  return chosen;
}

/**
 * Reads `AZURE_LANGUAGE_ENDPOINT`, `AZURE_LANGUAGE_KEY`, `AZURE_LANGUAGE_TIMEOUT_MS`,
 * `AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS` and `AZURE_LANGUAGE_FEATURES`, pushing a problem naming the
 * variable for each bad one. Undefined when neither endpoint nor key is set (everything local).
 */
export function parseAzureLanguage(env: Env, problems: string[]): AzureLanguageSettings | undefined {
  const endpoint = read(env, 'AZURE_LANGUAGE_ENDPOINT');
  const key = read(env, 'AZURE_LANGUAGE_KEY');
  const timeoutMs = milliseconds(env, 'AZURE_LANGUAGE_TIMEOUT_MS', 1500, 60_000, problems);
  const summaryTimeoutMs = milliseconds(env, 'AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS', 30_000, 600_000, problems);
  const chosen = features(env, problems);
  if (endpoint === undefined && key === undefined) return undefined;
  if (endpoint === undefined) {
    problems.push('AZURE_LANGUAGE_ENDPOINT must be set when AZURE_LANGUAGE_KEY is set');
    return undefined;
  }
  if (key === undefined) {
    problems.push('AZURE_LANGUAGE_KEY must be set when AZURE_LANGUAGE_ENDPOINT is set (value hidden)');
    return undefined;
  }
  return { endpoint: endpointUrl(endpoint, problems), key, timeoutMs, summaryTimeoutMs, features: chosen };
}
