// Holds the release workflow to what dist cannot write by itself (dist gives every job
// `contents: write` and installs itself with `curl | sh`, so the workflow is kept by hand from
// dist's output, and this is its check):
//   - the workflow grants nothing by default, and each job only what it needs (LEAST below);
//   - every action is pinned by a commit, not by a tag that can be moved;
//   - nothing downloaded is piped into a shell;
//   - the archives' build provenance is attested.
// With `--like FILE` (what `dist generate` writes now), it also checks that the two have the same
// jobs and steps, so that a new dist's changes are not lost. Exits 1 naming each problem.
// `--self-test` checks that it finds planted ones.
//
//   node scripts/workflow-check.mjs --self-test --like dist-release.yml .github/workflows/release.yml
import { readFileSync } from "node:fs";
import YAML from "yaml";

// What each job may be granted: the release (host) writes the GitHub release; the builds sign
// their provenance (an OIDC token, an attestation). Everything else reads.
const LEAST = {
  plan: { contents: "read" },
  "build-local-artifacts": { contents: "read", "id-token": "write", attestations: "write" },
  "build-global-artifacts": { contents: "read" },
  host: { contents: "write" },
  "publish-homebrew-formula": { contents: "read" },
  announce: { contents: "read" },
};

export function problems(workflow) {
  const found = [];
  const root = workflow.permissions;
  if (root === undefined || (typeof root === "object" && Object.keys(root).length > 0)) {
    found.push("the workflow's own permissions must be {} (each job says what it needs)");
  }
  let attested = false;
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    const allowed = LEAST[name];
    if (!allowed) {
      found.push(`job ${name}: not known to this check: give it its least permissions in LEAST`);
      continue;
    }
    for (const [scope, level] of Object.entries(job.permissions ?? {})) {
      if (level !== "read" && level !== "none" && allowed[scope] !== level) {
        found.push(`job ${name}: ${scope}: ${level} is more than it needs`);
      }
    }
    if (job.permissions === undefined) {
      found.push(`job ${name}: says no permissions, so it would get the repository's default`);
    }
    for (const step of job.steps ?? []) {
      if (step.uses && !/^[^@]+@[0-9a-f]{40}$/.test(step.uses)) {
        found.push(`job ${name}: ${step.uses} is not pinned by a commit`);
      }
      if (step.uses?.startsWith("actions/attest@")) {
        attested = true;
      }
      // dist's plan installs dist with `curl | sh` through this matrix value.
      if (typeof step.run === "string" && /install_dist/.test(step.run)) {
        found.push(`job ${name}: step "${step.name ?? "?"}" installs dist as dist's plan says (curl | sh)`);
      }
      if (typeof step.run === "string" && /(curl|wget|irm|iwr)\b[^\n]*\|\s*(sh|bash|iex)\b/.test(step.run)) {
        found.push(`job ${name}: step "${step.name ?? step.run.slice(0, 40)}" pipes a download into a shell`);
      }
    }
  }
  if (!attested) {
    found.push("no step attests the archives' build provenance (actions/attest)");
  }
  return found;
}

// Steps of dist's workflow that the hand-kept one leaves out: Rust installed with `curl | sh` in a
// container build, which this release has none of.
const LEFT_OUT = new Set(["Install Rust non-interactively if not already installed"]);

/// How `workflow` differs from `dist`'s own, beyond permissions and how dist is installed: the
/// same jobs, with the same steps in the same order (named, or by the action they use).
export function drift(workflow, dist) {
  const steps = (job) =>
    (job.steps ?? [])
      .map((step) => step.name ?? step.uses?.split("@")[0] ?? step.run)
      .filter((name) => !LEFT_OUT.has(name));
  const found = [];
  const ours = Object.keys(workflow.jobs ?? {});
  const theirs = Object.keys(dist.jobs ?? {});
  if (ours.join() !== theirs.join()) {
    found.push(`its jobs are ${ours.join(", ")}; dist's are ${theirs.join(", ")}`);
  }
  for (const name of theirs) {
    const [a, b] = [steps(workflow.jobs?.[name] ?? {}), steps(dist.jobs[name])];
    if (a.join("\n") !== b.join("\n")) {
      found.push(`job ${name}: its steps differ from dist's (ours: ${a.join(" | ")}; dist's: ${b.join(" | ")}): redo the hand edits on what dist writes now`);
    }
  }
  return found;
}

function selfTest(workflow) {
  const plant = (change) => {
    const copy = structuredClone(workflow);
    change(copy);
    return problems(copy).length > 0;
  };
  const caught = [
    plant((w) => { w.permissions = { contents: "write" }; }),
    plant((w) => { w.jobs.plan.permissions = { contents: "write" }; }),
    plant((w) => { w.jobs.plan.steps[0].uses = "actions/checkout@v6"; }),
    plant((w) => { w.jobs.plan.steps.push({ run: "curl -LsSf https://x.example/i.sh | sh" }); }),
  ];
  if (problems(workflow).length > 0 || caught.includes(false)) {
    console.error(`workflow-check: the self-test failed (planted problems caught: ${caught})`);
    process.exit(1);
  }
}

const args = process.argv.slice(2);
const like = args.indexOf("--like");
const distFile = like >= 0 ? args[like + 1] : undefined;
const files = args.filter((a, i) => a !== "--self-test" && a !== "--like" && (like < 0 || i !== like + 1));
let count = 0;
for (const file of files) {
  const workflow = YAML.parse(readFileSync(file, "utf8"));
  if (distFile) {
    for (const problem of drift(workflow, YAML.parse(readFileSync(distFile, "utf8")))) {
      console.error(`${file}: ${problem}`);
      count += 1;
    }
  }
  if (process.argv.includes("--self-test")) {
    selfTest(workflow);
  }
  for (const problem of problems(workflow)) {
    console.error(`${file}: ${problem}`);
    count += 1;
  }
}
process.exit(count > 0 ? 1 : 0);
