'use strict';
// Mocha's spec output plus the one closing line the CI reads: "N passed, N failed[, N skipped]".
// When MOCHA_SUMMARY_FILE is set the same line is written there, so .ci/run can print it last,
// after anything npm prints on the way out.
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      const line = `${passes} passed, ${failures} failed` + (pending > 0 ? `, ${pending} skipped` : '');
      process.stdout.write(`\n${line}\n`);
      if (process.env.MOCHA_SUMMARY_FILE) fs.writeFileSync(process.env.MOCHA_SUMMARY_FILE, `${line}\n`);
    });
  }
}

module.exports = SummaryReporter;
