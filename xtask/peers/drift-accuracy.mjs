#!/usr/bin/env node
// Measures `cargo xtask drift` against optic and openapi-diff on the same labelled pairs, in
// one run, and prints the accuracy of each per category. Not part of CI (the peers come from
// npm); see xtask/peers/README.md.
//
//   cargo xtask drift-corpus /tmp/drift-corpus
//   node xtask/peers/drift-accuracy.mjs /tmp/drift-corpus
//
// A tool is right when its verdict is the label: breaking when it says something breaks,
// additive when it reports any other change, no-change when it reports none. openapi-diff
// reads OpenAPI 3.0 only, so it is given the 3.0 copies the corpus command writes.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const dir = process.argv[2];
if (!dir) {
  console.error("usage: node drift-accuracy.mjs CORPUS_DIR (written by `cargo xtask drift-corpus`)");
  process.exit(2);
}
const xtask = process.env.XTASK ?? "target/debug/xtask";
const optic = process.env.OPTIC ?? "optic";
const openapiDiff = process.env.OPENAPI_DIFF ?? "openapi-diff";

// Runs a command and returns its exit code and output, whatever the code.
async function capture(command, args) {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 64 << 20, timeout: 300_000 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    if (typeof error.code !== "number") throw error;
    return { code: error.code, out: (error.stdout ?? "") + (error.stderr ?? "") };
  }
}

const tools = {
  async agentrun(old, next) {
    const { out } = await capture(xtask, ["drift", old, next, "--format", "json"]);
    const bump = JSON.parse(out).bump;
    return { major: "breaking", minor: "additive", patch: "no-change" }[bump];
  },
  async optic(old, next) {
    const { code, out } = await capture(optic, ["diff", old, next, "--check"]);
    if (code === 1 || /^x /m.test(out)) return "breaking";
    if (code !== 0) return `error (exit ${code})`;
    return /No operations changed/.test(out) && !/^\s+- /m.test(out) ? "no-change" : "additive";
  },
  async "openapi-diff"(old, next) {
    const { code, out } = await capture(openapiDiff, [
      join(dir, "openapi-3.0", old.split("/").pop()),
      join(dir, "openapi-3.0", next.split("/").pop()),
    ]);
    if (/No changes found/.test(out)) return "no-change";
    const start = out.indexOf("{");
    if (start < 0) return `error (exit ${code})`;
    const result = JSON.parse(out.slice(start));
    if (result.breakingDifferencesFound) return "breaking";
    const others = [...(result.nonBreakingDifferences ?? []), ...(result.unclassifiedDifferences ?? [])];
    return others.length > 0 ? "additive" : "no-change";
  },
};

const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8"));
const base = join(dir, "base.json");
const rows = [];
// Two pairs at a time: the machines this runs on have two cores.
for (let i = 0; i < labels.length; i += 2) {
  const batch = labels.slice(i, i + 2).map(async (label) => {
    const next = join(dir, label.file);
    const found = {};
    for (const [name, judge] of Object.entries(tools)) {
      found[name] = await judge(base, next).catch((e) => `error (${e.message.split("\n")[0]})`);
    }
    return { ...label, found };
  });
  rows.push(...(await Promise.all(batch)));
}

const names = Object.keys(tools);
const categories = [...new Set(rows.map((r) => r.category)), "all"];
const percent = (right, total) => (total ? ((100 * right) / total).toFixed(0) : "-");
console.log(`| category | pairs | ${names.join(" | ")} |`);
console.log(`|---|---:|${names.map(() => "---:").join("|")}|`);
for (const category of categories) {
  const group = rows.filter((r) => category === "all" || r.category === category);
  const cells = names.map((n) => {
    const right = group.filter((r) => r.found[n] === r.expected).length;
    return `${right} (${percent(right, group.length)}%)`;
  });
  console.log(`| ${category} | ${group.length} | ${cells.join(" | ")} |`);
}
const refactors = rows.filter((r) => r.expected === "no-change");
console.log(
  `\nFalse "breaking" on the ${refactors.length} no-change pairs: ` +
    names.map((n) => `${n} ${refactors.filter((r) => r.found[n] === "breaking").length}`).join(", "),
);
console.log("\nWrong verdicts:");
for (const row of rows) {
  const wrong = names.filter((n) => row.found[n] !== row.expected);
  if (wrong.length) {
    console.log(`- ${row.id} (${row.expected}): ${wrong.map((n) => `${n} ${row.found[n]}`).join(", ")}`);
  }
}
