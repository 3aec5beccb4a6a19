/**
 * NOTE: whatsapp-web.js pulls in puppeteer, which downloads its own Chrome at install time.
 * Switchboard drives the system's Chromium instead (PUPPETEER_EXECUTABLE_PATH or
 * /usr/bin/chromium), and installs must work offline, so the download is skipped.
 * @type {import('puppeteer').Configuration}
 */
module.exports = {
  skipDownload: true,
};
