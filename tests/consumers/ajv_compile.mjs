// Compile every JSON Schema under schema/ with ajv in strict mode (draft 2020-12),
// all files of a version registered together so that every $ref resolves offline.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.env.NODE_PATH, "x.js"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const root = process.argv[2];
let failures = 0;
for (const version of readdirSync(root)) {
  const folder = join(root, version);
  if (!statSync(folder).isDirectory()) continue;
  const ajv = new Ajv2020({ strict: true, allErrors: true, loadSchema: undefined });
  addFormats(ajv);
  const schemas = readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .map((name) => [name, JSON.parse(readFileSync(join(folder, name), "utf8"))]);
  for (const [, schema] of schemas) ajv.addSchema(schema);
  for (const [name, schema] of schemas) {
    try {
      ajv.getSchema(schema.$id) || ajv.compile(schema);
      console.log(`ok ${version}/${name}`);
    } catch (error) {
      failures += 1;
      console.error(`FAIL ${version}/${name}: ${error.message}`);
    }
  }
}
process.exit(failures ? 1 : 0);
