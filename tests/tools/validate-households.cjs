// Validates households against a JSON Schema with ajv (draft 2020-12, formats from ajv-formats).
//   node validate-households.cjs SCHEMA.json FILE...
// YAML files are read with js-yaml's core schema (no timestamps, so dates stay strings, as
// entitle reads them). Prints one JSON line per file: {"file", "valid", "errors"}; exits 2 when
// the schema itself does not compile, else 0.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const yaml = require("js-yaml");

const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
} catch (e) {
  console.error(`schema does not compile: ${e.message}`);
  process.exit(2);
}
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  let data;
  try {
    data = file.endsWith(".json") ? JSON.parse(text) : yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (e) {
    console.log(JSON.stringify({ file, valid: false, errors: [`unreadable: ${e.message}`] }));
    continue;
  }
  const valid = validate(data);
  const errors = valid ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
  console.log(JSON.stringify({ file, valid, errors }));
}
