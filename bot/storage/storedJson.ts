/** Items read from a JSON store, with the JSON (the item without its eTag) each was parsed from. */
const storedJson = new WeakMap<object, string>();

/** Tells that `item` was just parsed from `json`, its value as stored (without the eTag). */
export function rememberStoredJson(item: object, json: string): void {
  storedJson.set(item, json);
}

/**
 * The JSON `item` was parsed from, when a store told ({@link rememberStoredJson}): what
 * `JSON.stringify` of the item without its eTag gives until someone changes it. NOTE: the bot's
 * change check uses it for the state as read instead of serializing that state again; should it
 * ever differ from a fresh `JSON.stringify`, the state is written once more than needed, never
 * less.
 */
export function storedJsonOf(item: object): string | undefined {
  return storedJson.get(item);
}
