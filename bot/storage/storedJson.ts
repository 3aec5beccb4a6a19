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

/** Items about to be written, with their JSON (without the eTag); each is taken once. */
const offered = new WeakMap<object, string>();

/**
 * Tells the store that `item` serializes (without its eTag) to `json` for the write that comes
 * next, so it need not serialize it again. NOTE: only for a write called right after, with
 * nothing in between that could change the item; a store takes it once ({@link takeJsonForWrite}).
 */
export function offerJsonForWrite(item: object, json: string): void {
  offered.set(item, json);
}

/** The JSON offered for writing `item`, once; undefined when none was (the store serializes it). */
export function takeJsonForWrite(item: object): string | undefined {
  const json = offered.get(item);
  if (json !== undefined) offered.delete(item);
  return json;
}
