#!/usr/bin/env node
// Measures `cargo xtask drift` against optic and openapi-diff on the same labelled pairs, in
// one run, and prints the accuracy of each per category. Not part of CI (the peers come from
// npm); see xtask/peers/README.md.
//
//   cargo xtask drift-corpus /tmp/drift-corpus
//   node xtask/peers/drift-accuracy.mjs /tmp/drift-corpus
//   node xtask/peers/drift-accuracy.mjs --suite ../shared/corpus/drift-oasdiff
//
// On drift's own corpus a tool is right when its verdict is the label: breaking when it says
// something breaks, additive when it reports any other change, no-change when it reports none.
// openapi-diff reads OpenAPI 3.0 only, so it is given the 3.0 copies the corpus command writes.
//
// On a suite (`manifest.json` with labelled old/new pairs, as in ../shared/corpus/drift-oasdiff)
// a tool is right when it says breaking where the label does and anything else where the label
// is not-breaking; `warn` pairs are not scored. Each tool is scored on `expected` (the label, or
// a generated client's verdict where the manifest overrides it) and on oasdiff's own label.
// Every tool reads the documents as they are.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const suite = process.argv[2] === "--suite";
const dir = process.argv[suite ? 3 : 2];
if (!dir) {
  console.error(
    "usage: node drift-accuracy.mjs CORPUS_DIR (written by `cargo xtask drift-corpus`)\n" +
      "       node drift-accuracy.mjs --suite SUITE_DIR (with a manifest.json)",
  );
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
    const { code, out } = await capture(xtask, ["drift", old, next, "--format", "json"]);
    if (code > 1) return `error (exit ${code})`;
    // The wire verdict, not the crate's bump: whether an old client can fail.
    const wire = JSON.parse(out).wire;
    return { breaking: "breaking", additive: "additive", unchanged: "no-change" }[wire];
  },
  async optic(old, next) {
    const { code, out } = await capture(optic, ["diff", old, next, "--check"]);
    if (code === 1 || /^x /m.test(out)) return "breaking";
    if (code !== 0) return `error (exit ${code})`;
    return /No operations changed/.test(out) && !/^\s+- /m.test(out) ? "no-change" : "additive";
  },
  async "openapi-diff"(old, next) {
    const converted = (file) => (suite ? file : join(dir, "openapi-3.0", file.split("/").pop()));
    const { code, out } = await capture(openapiDiff, [converted(old), converted(next)]);
    if (/No changes found/.test(out)) return "no-change";
    const start = out.indexOf("{");
    if (start < 0) return `error (exit ${code})`;
    const result = JSON.parse(out.slice(start));
    if (result.breakingDifferencesFound) return "breaking";
    const others = [...(result.nonBreakingDifferences ?? []), ...(result.unclassifiedDifferences ?? [])];
    return others.length > 0 ? "additive" : "no-change";
  },
};

// Two pairs at a time: the machines this runs on have two cores.
async function judgeAll(pairs) {
  const rows = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const batch = pairs.slice(i, i + 2).map(async (pair) => {
      const found = {};
      for (const [name, judge] of Object.entries(tools)) {
        found[name] = await judge(pair.old, pair.new).catch((e) => `error (${e.message.split("\n")[0]})`);
      }
      return { ...pair, found };
    });
    rows.push(...(await Promise.all(batch)));
  }
  return rows;
}

const names = Object.keys(tools);
const percent = (right, total) => (total ? ((100 * right) / total).toFixed(0) : "-");

if (suite) {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const scored = manifest.pairs
    .filter((p) => p.expected === "breaking" || p.expected === "not-breaking")
    .map((p) => ({ ...p, old: join(dir, p.old), new: join(dir, p.new), oasdiff: p.oasdiff_expected ?? p.expected }));
  const rows = await judgeAll(scored);
  const verdict = (found) => (found === "breaking" ? "breaking" : found.startsWith("error") ? found : "not-breaking");
  const right = (row, name, label) => verdict(row.found[name]) === label;
  const categories = [...new Set(rows.map((r) => r.category))].sort().concat("all");
  console.log(`| category | pairs | ${names.join(" | ")} |`);
  console.log(`|---|---:|${names.map(() => "---:").join("|")}|`);
  for (const category of categories) {
    const group = rows.filter((r) => category === "all" || r.category === category);
    const cells = names.map((n) => {
      const count = group.filter((r) => right(r, n, r.expected)).length;
      return `${count} (${percent(count, group.length)}%)`;
    });
    console.log(`| ${category} | ${group.length} | ${cells.join(" | ")} |`);
  }
  const onOasdiff = names.map((n) => {
    const count = rows.filter((r) => right(r, n, r.oasdiff)).length;
    return `${n} ${count}/${rows.length} (${percent(count, rows.length)}%)`;
  });
  console.log(`\nOn oasdiff's own labels: ${onOasdiff.join(", ")}`);
  const safe = rows.filter((r) => r.expected === "not-breaking");
  console.log(
    `False "breaking" on the ${safe.length} not-breaking pairs: ` +
      names.map((n) => `${n} ${safe.filter((r) => r.found[n] === "breaking").length}`).join(", "),
  );
  const errors = names.map((n) => `${n} ${rows.filter((r) => r.found[n].startsWith("error")).length}`);
  console.log(`Pairs a tool could not judge (an error): ${errors.join(", ")}`);
  console.log("\nWrong verdicts:");
  for (const row of rows) {
    const wrong = names.filter((n) => !right(row, n, row.expected));
    if (wrong.length) {
      console.log(`- ${row.id} (${row.expected}): ${wrong.map((n) => `${n} ${row.found[n]}`).join(", ")}`);
    }
  }
  process.exit(0);
}

const labels = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8"));
const base = join(dir, "base.json");
const rows = await judgeAll(labels.map((label) => ({ ...label, old: base, new: join(dir, label.file) })));

const categories = [...new Set(rows.map((r) => r.category)), "all"];
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
