// Validate every record of a manifest (records_manifest.py) with ajv in strict mode
// (draft 2020-12, formats asserted) and fail on any verdict that differs from the one
// the manifest carries, which jsonschema-rs gave.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.env.NODE_PATH, "x.js"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [root, manifest] = process.argv.slice(2);
const validators = new Map();
function validatorFor(version) {
  if (!validators.has(version)) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const folder = join(root, version);
    const names = readdirSync(folder).filter((name) => name.endsWith(".json"));
    for (const name of names) ajv.addSchema(JSON.parse(readFileSync(join(folder, name), "utf8")));
    const record = JSON.parse(readFileSync(join(folder, "event.schema.json"), "utf8"));
    validators.set(version, ajv.getSchema(record.$id));
  }
  return validators.get(version);
}

let checked = 0;
let valid = 0;
let disagreements = 0;
for (const line of readFileSync(manifest, "utf8").split("\n")) {
  if (!line) continue;
  const entry = JSON.parse(line);
  const validate = validatorFor(entry.version);
  const verdict = validate(entry.record);
  checked += 1;
  if (verdict) valid += 1;
  if (verdict !== entry.valid) {
    disagreements += 1;
    const why = verdict ? "ajv accepts it" : JSON.stringify(validate.errors.slice(0, 3));
    console.error(`DISAGREE ${entry.where}: jsonschema-rs says ${entry.valid}; ${why}`);
  }
}
console.log(`${checked} records, ${valid} valid for ajv, ${disagreements} disagreements`);
process.exit(disagreements || checked === 0 ? 1 : 0);
