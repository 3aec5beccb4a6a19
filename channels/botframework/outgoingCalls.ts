/**
 * What every outgoing Bot Framework call goes through: the service URL allow-list (without an
 * app id) and one deadline for the call, retries included.
 */
import { isServiceUrlAllowed, type ServiceUrlPattern } from './serviceUrls';

/** The part of @azure/core-rest-pipeline's request this policy reads and sets. */
interface PipelineRequestLike {
  url: string;
  abortSignal?: AbortSignal | { readonly aborted: boolean };
}

/** @azure/core-rest-pipeline's `PipelinePolicy`, structurally (botbuilder does not export it). */
export interface PipelinePolicyLike {
  name: string;
  sendRequest(
    request: PipelineRequestLike,
    next: (request: PipelineRequestLike) => Promise<unknown>,
  ): Promise<unknown>;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

/** Raised for an outgoing call the allow-list does not allow; never retried. */
export class ServiceUrlNotAllowedError extends Error {
  constructor(readonly url: string) {
    super(
      `BotFrameworkAdapter: refusing to call ${originOf(url)}: its service URL is not in BOTFRAMEWORK_SERVICE_URLS (set MicrosoftAppId, or add the URL pattern)`,
    );
    this.name = 'ServiceUrlNotAllowedError';
  }
}

export interface OutgoingCallRules {
  /** Allowed service URLs; undefined allows any (an app id is set, so tokens vouch for them). */
  allowed: readonly ServiceUrlPattern[] | undefined;
  /** Deadline of one call, retries included. */
  timeoutMs: number;
}

/**
 * A pipeline policy that refuses URLs outside the allow-list and aborts the call, with all of
 * its retries, once `timeoutMs` passed.
 *
 * NOTE: it is added without a phase, which core-rest-pipeline runs before (outside) its retry
 * phase, so the deadline covers every retry and a refused URL is never retried. Without it a
 * dead service URL held a conversation's turns for 9–11 s (three retries of a refused connect)
 * and a silent one for ever (core-rest-pipeline has no timeout by default).
 */
export function outgoingCallPolicy(rules: OutgoingCallRules): PipelinePolicyLike {
  return {
    name: 'switchboardOutgoingCalls',
    sendRequest(request, next) {
      if (rules.allowed && !isServiceUrlAllowed(request.url, rules.allowed)) {
        return Promise.reject(new ServiceUrlNotAllowedError(request.url));
      }
      const deadline = AbortSignal.timeout(rules.timeoutMs);
      const current = request.abortSignal;
      request.abortSignal = current instanceof AbortSignal ? AbortSignal.any([current, deadline]) : deadline;
      return next(request);
    },
  };
}

/** The part of a botframework-connector client that holds its HTTP pipeline. */
interface WithPipeline {
  client?: { pipeline?: { addPolicy(policy: PipelinePolicyLike): void } };
}

/**
 * Puts {@link outgoingCallPolicy} on a connector client botbuilder built.
 *
 * NOTE: botbuilder offers no option for a timeout or for its retries, and its connector factory
 * replaces any request policies passed in; the client's core-client `ServiceClient` (a private
 * field of botbuilder's compat layer) is the one place every call passes. If a botbuilder
 * upgrade moves it, this throws rather than send unguarded.
 */
export function guardConnectorClient<T extends object>(connector: T, rules: OutgoingCallRules): T {
  const pipeline = (connector as WithPipeline).client?.pipeline;
  if (!pipeline) {
    throw new Error(
      'BotFrameworkAdapter: the connector client has no HTTP pipeline to guard (botbuilder changed); refusing to send',
    );
  }
  pipeline.addPolicy(outgoingCallPolicy(rules));
  return connector;
}
