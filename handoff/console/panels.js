// @ts-check
/** The views behind the nav buttons: one shows at a time; its button is pressed. */
import { byId } from './dom.js';

/** @typedef {{ panelId: string, tabId: string, onShow?: () => void }} Panel */

/** @type {Map<string, Panel>} */
const panels = new Map();
let shown = 'queue';

/**
 * @param {string} name
 * @param {Panel} panel
 */
export function registerPanel(name, panel) {
  panels.set(name, panel);
  byId(panel.tabId).addEventListener('click', () => showPanel(name));
}

/**
 * Shows one view and hides the others; `quiet` skips its refresh (the caller loads it itself).
 * @param {string} name
 * @param {{ quiet?: boolean }} [options]
 */
export function showPanel(name, options = {}) {
  shown = name;
  for (const [key, panel] of panels) {
    byId(panel.panelId).hidden = key !== name;
    byId(panel.tabId).setAttribute('aria-pressed', String(key === name));
  }
  if (!options.quiet) panels.get(name)?.onShow?.();
}

/** The view showing now. */
export function shownPanel() {
  return shown;
}
