// A second code generator as a consumer: TypeScript types from each released version.
// 1. json-schema-to-typescript generates the types of each version's event.schema.json,
//    with fetching turned off (every $ref must resolve from the released files).
// 2. Each record of the manifest (records_manifest.py) becomes a constant of that type,
//    one line each, and the TypeScript compiler checks them all in strict mode.
// Every record that jsonschema-rs accepts must type-check: an application typed from the
// schema can hold all valid data.  Types cannot state every rule (patterns, bounds,
// if/then), so of the records the schema refuses this only counts those tsc refuses too.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.env.NODE_PATH, "x.js"));
const { compileFromFile } = require("json-schema-to-typescript");
const ts = require("typescript");

const [root, manifest] = process.argv.slice(2);
const entries = readFileSync(manifest, "utf8").split("\n").filter(Boolean).map(JSON.parse);
const work = mkdtempSync(join(tmpdir(), "textevents-ts-"));
let failures = 0;
for (const version of readdirSync(root).sort()) {
  const folder = join(root, version);
  // A version's folder holds its event.schema.json (schema/bundled/ holds one file a version).
  if (!statSync(folder).isDirectory() || !existsSync(join(folder, "event.schema.json"))) continue;
  const types = await compileFromFile(join(folder, "event.schema.json"), {
    cwd: folder,
    bannerComment: "",
    $refOptions: { resolve: { http: false } },
  });
  const root_ = /^export (?:type|interface) (\w+)/m.exec(types)[1]; // the record's own type
  const typesFile = join(work, `types-${version}.ts`);
  // From 1.2.0 the titles name the types: the record's is EventRecord already.
  const alias = root_ === "EventRecord" ? "" : `\nexport type EventRecord = ${root_};\n`;
  writeFileSync(typesFile, `${types}${alias}`);
  const mine = entries.filter((entry) => entry.version === version);
  const recordsFile = join(work, `records-${version}.ts`);
  writeFileSync(recordsFile, [
    `import type { EventRecord } from "./types-${version}";`,
    ...mine.map((entry, index) => `export const r${index}: EventRecord = ${JSON.stringify(entry.record)};`),
  ].join("\n") + "\n");
  const program = ts.createProgram([recordsFile], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022 });
  const refused = new Map(); // record index -> first message
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (diagnostic.file?.fileName !== recordsFile) {
      failures += 1; // the generated types themselves do not compile
      console.log(`${version}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
      continue;
    }
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    if (line >= 1 && !refused.has(line - 1)) {
      refused.set(line - 1, ts.flattenDiagnosticMessageText(diagnostic.messageText, " "));
    }
  }
  let wrong = 0;
  for (const [index, message] of refused) {
    if (mine[index].valid) {
      wrong += 1;
      console.log(`${mine[index].where}: valid, but tsc refuses it: ${message.slice(0, 300)}`);
    }
  }
  const valid = mine.filter((entry) => entry.valid).length;
  console.log(`${version}: ${mine.length} records; of ${valid} valid, tsc accepts ` +
    `${valid - wrong}; of ${mine.length - valid} invalid, it refuses ${refused.size - wrong}`);
  failures += wrong;
}
console.log(`${failures} failures`);
process.exit(failures ? 1 : 0);
