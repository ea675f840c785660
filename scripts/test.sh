#!/usr/bin/env bash
# The whole test suite (what `npm test` and CI run): compile TypeScript (CLI tests run dist/),
# then vitest over test/ (which includes the native C test under AddressSanitizer and the
# KMEM-DAX guest test when QEMU can run). Extra arguments filter test files.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build:ts
mkdir -p test/out
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=test/out/results.json "$@"
rc=$?
set -e
# A plain closing line that CI reads whatever the runner.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test/out/results.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + (r.numTodoTests || 0)} skipped`);
' || true
exit $rc
