// ajv, a second implementation of the schemas (draft 2020-12, strict mode, formats asserted).
// 1. Compile every JSON Schema under schema/, all files of a version registered together
//    so that every $ref resolves offline.
// 2. Given a manifest (records_manifest.py), validate each record with its version's
//    record schema and fail on any verdict that differs from the one the manifest
//    carries, which jsonschema-rs gave.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.env.NODE_PATH, "x.js"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [root, manifest] = process.argv.slice(2);
let failures = 0;
const recordSchemas = new Map(); // version -> compiled event.schema.json
for (const version of readdirSync(root)) {
  const folder = join(root, version);
  if (!statSync(folder).isDirectory()) continue;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const schemas = readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .map((name) => [name, JSON.parse(readFileSync(join(folder, name), "utf8"))]);
  for (const [, schema] of schemas) ajv.addSchema(schema);
  for (const [name, schema] of schemas) {
    try {
      const validate = ajv.getSchema(schema.$id) || ajv.compile(schema);
      if (name === "event.schema.json") recordSchemas.set(version, validate);
      console.log(`ok ${version}/${name}`);
    } catch (error) {
      failures += 1;
      console.error(`FAIL ${version}/${name}: ${error.message}`);
    }
  }
}

if (manifest) {
  let checked = 0;
  let valid = 0;
  for (const line of readFileSync(manifest, "utf8").split("\n")) {
    if (!line) continue;
    const entry = JSON.parse(line);
    const validate = recordSchemas.get(entry.version);
    const verdict = validate !== undefined && validate(entry.record);
    checked += 1;
    if (verdict) valid += 1;
    if (verdict !== entry.valid) {
      failures += 1;
      const why = validate === undefined ? `no record schema for ${entry.version}`
        : verdict ? "ajv accepts it" : JSON.stringify(validate.errors.slice(0, 3));
      console.error(`DISAGREE ${entry.where}: jsonschema-rs says ${entry.valid}; ${why}`);
    }
  }
  console.log(`${checked} records, ${valid} valid for ajv`);
  if (checked === 0) failures += 1;
}
console.log(`${failures} failures`);
process.exit(failures ? 1 : 0);
