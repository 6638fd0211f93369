// An editor as a consumer: VS Code's JSON engine (vscode-json-languageservice, npm) over a
// record and a descriptor, offline, with the shipped schemas.
//
//   node json_language_service.mjs VERSION_FOLDER RECORD.json DESCRIPTOR.json
//
// VERSION_FOLDER holds the released files of the version RECORD and DESCRIPTOR follow
// (`textevents schema --folder`).  Two ways an editor finds a file's schema:
// - by `$schema`: every released file registered under its $id, with its content, as an
//   editor that holds the catalogue (schema/catalog.json) does; the relative $refs between
//   them resolve among those $ids;
// - by file name, as VS Code's `json.schemas` setting does: the record schema's file and
//   the profile's, by path, for `*.record.json` and `datapackage.json`; the service reads
//   file: URLs from disk (its $refs name sibling files) and resolves relative paths as
//   VS Code's workspace context does.
// Neither may fetch anything else (an http request fails).  For each document: no
// diagnostic on the file as given; completions that offer the fields not yet given and,
// at a value, its codes; a diagnostic at the value planted wrong.  Exit 1 on any failure.
// (VS Code's engine does not read the single-file bundle: it resolves `$ref`s inside
// the resources embedded under `$defs` against the bundle's own address.)
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// The packages are in the session's own folder, which NODE_PATH names (as ajv_check.mjs).
const require = createRequire(join(process.env.NODE_PATH, "x.js"));
const { getLanguageService } = require("vscode-json-languageservice");
const { TextDocument } = require("vscode-languageserver-textdocument");

const [folder, recordPath, descriptorPath] = process.argv.slice(2);
const documents = readdirSync(folder).filter((name) => name.endsWith(".json"))
  .map((name) => JSON.parse(readFileSync(join(folder, name), "utf8")));
const recordSchema = JSON.parse(readFileSync(join(folder, "event.schema.json"), "utf8"));
const profile = JSON.parse(readFileSync(join(folder, "datapackage.profile.json"), "utf8"));
const fetched = [];
function service(schemas) {
  const made = getLanguageService({
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).href },
    schemaRequestService: (uri) => {
      if (uri.startsWith("file:")) {
        try { return Promise.resolve(readFileSync(new URL(uri), "utf8")); }
        catch (error) { return Promise.reject(String(error)); }
      }
      fetched.push(uri);
      return Promise.reject(`offline: ${uri}`);
    },
  });
  made.configure({ validate: true, allowComments: false, schemas });
  return made;
}
const byId = service(documents.map((document) => ({ uri: document.$id, schema: document })));
const byName = service([
  { uri: pathToFileURL(join(folder, "event.schema.json")).href, fileMatch: ["*.record.json"] },
  { uri: pathToFileURL(join(folder, "datapackage.profile.json")).href,
    fileMatch: ["datapackage.json"] },
]);

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures += 1;
}

async function diagnostics(service, document) {
  return service.doValidation(document, service.parseJSONDocument(document),
                              { schemaValidation: "error" });
}

async function completions(service, document, offset) {
  const list = await service.doComplete(document, document.positionAt(offset),
                                        service.parseJSONDocument(document));
  return (list?.items ?? []).map((item) => item.label.replace(/^"|"$/g, ""));
}

// A document whose top-level object has `field` as its first key, and an empty slot
// after it where a field name may go.
function withSlot(value, field) {
  const { [field]: first, ...rest } = value;
  const head = `{\n  ${JSON.stringify(field)}: ${JSON.stringify(first)},\n  `;
  const tail = Object.entries(rest).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(",\n  ");
  return { text: `${head}"": 1,\n  ${tail}\n}\n`, slot: head.length + 1 };
}

async function exercise(service, name, uri, value, { field, absent, valueKey, codes, planted }) {
  const clean = TextDocument.create(uri, "json", 1, JSON.stringify(value, null, 2));
  const found = await diagnostics(service, clean);
  check(found.length === 0, `${name}: no diagnostic on the file as given ` +
        `(${found.map((d) => d.message).join("; ")})`);

  const { text, slot } = withSlot(value, field);
  const offered = await completions(service, TextDocument.create(uri, "json", 2, text), slot);
  check(absent.every((f) => offered.includes(f)),
        `${name}: completion offers the fields not yet given (${absent.join(", ")} in ` +
        `${offered.length} offered)`);

  const valueText = JSON.stringify(value, null, 2);
  const at = valueText.indexOf(`"${valueKey}": `) + `"${valueKey}": `.length;
  const blanked = `${valueText.slice(0, at)}""${valueText.slice(at + JSON.stringify(value[valueKey]).length)}`;
  const codesOffered = await completions(service, TextDocument.create(uri, "json", 3, blanked), at + 1);
  check(codes.every((c) => codesOffered.includes(c)),
        `${name}: completion offers the codes of ${valueKey} (${codesOffered.join(", ")})`);

  const [key, wrong] = planted;
  const broken = { ...value, [key]: wrong };
  const brokenDocument = TextDocument.create(uri, "json", 4, JSON.stringify(broken, null, 2));
  const errors = await diagnostics(service, brokenDocument);
  const start = JSON.stringify(broken, null, 2).indexOf(`"${key}": `) + `"${key}": `.length;
  const located = errors.filter((d) => brokenDocument.offsetAt(d.range.start) === start);
  check(located.length > 0, `${name}: the planted ${key} ${JSON.stringify(wrong)} is reported ` +
        `at its value (${errors.map((d) => d.message).join("; ")})`);
}

const record = JSON.parse(readFileSync(recordPath, "utf8"));
const descriptor = JSON.parse(readFileSync(descriptorPath, "utf8"));
const recordCase = {
  field: "id", absent: ["links", "groups", "location"].filter((f) => !(f in record)),
  valueKey: "modality", planted: ["modality", "asserterd"],
  codes: documents.find((d) => d.$id.endsWith("/codelists.schema.json")).$defs.modality.enum,
};
const descriptorCase = {
  field: "name", absent: ["keywords", "homepage"].filter((f) => !(f in descriptor)),
  valueKey: "textevents_version", codes: [profile.properties.textevents_version.const],
  planted: ["textevents_version", "9.9.9"],
};
const { $schema: _r, ...recordAlone } = record;
const { $schema: _d, ...descriptorAlone } = descriptor;
await exercise(byId, "record by $schema", "file:///work/record.json",
               { $schema: recordSchema.$id, ...recordAlone }, recordCase);
await exercise(byName, "record by file name", "file:///work/visit.record.json", recordAlone, recordCase);
await exercise(byId, "descriptor by $schema", "file:///work/x/descriptor.json",
               { $schema: profile.$id, ...descriptorAlone }, descriptorCase);
await exercise(byName, "descriptor by file name", "file:///work/x/datapackage.json", descriptorAlone,
               descriptorCase);
check(fetched.length === 0, `nothing fetched (${fetched.join(", ")})`);
console.log(`${failures} failures`);
process.exit(failures ? 1 : 0);
