import type { Middleware, TurnContext } from 'botbuilder';

/** The turn-state key botbuilder-dialogs' DialogStateManager looks its configuration up under. */
const CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/**
 * Builds botbuilder-dialogs' memory-scope configuration once per process instead of once per
 * turn. NOTE: the first `DialogStateManager` of a turn asks every registered component for its
 * memory scopes and path resolvers (a service collection resolved and validated anew, about 2 %
 * of a turn) and keeps the result in turn state for the other dialog contexts of that turn;
 * the scopes are stateless, so the configuration of the first turn is handed to every later one.
 * A turn that sets its own configuration or scopes keeps them.
 */
export class DialogMemoryConfiguration implements Middleware {
  private configuration: unknown;

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { turnState } = context;
    const own =
      turnState.has(CONFIGURATION_KEY) || turnState.has('memoryScopes') || turnState.has('pathResolvers');
    if (!own && this.configuration !== undefined) turnState.set(CONFIGURATION_KEY, this.configuration);
    await next();
    if (!own && this.configuration === undefined)
      this.configuration = turnState.get<unknown>(CONFIGURATION_KEY);
  }
}
