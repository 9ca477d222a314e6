// Validates Kubernetes manifests offline: every object of every (multi-document) YAML file against the
// Kubernetes OpenAPI schemas (kubernetes-models), the Prometheus Operator CRDs
// (@kubernetes-models/prometheus-operator) and the JobSet API (jobset-v1alpha2.schema.json, whose pod
// templates are checked as batch/v1 JobTemplateSpecs).
//   node validate-manifests.mjs FILE...     (- reads standard input)
// Prints one line per object; exit 0 all valid, 1 some object invalid, 2 a file cannot be read or parsed.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import { JobTemplateSpec } from "kubernetes-models/batch/v1/JobTemplateSpec";

const here = new URL(".", import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: false });
const jobSetSchema = ajv.compile(JSON.parse(readFileSync(new URL("jobset-v1alpha2.schema.json", here), "utf8")));

/** The module of kubernetes-models (or a CRD package) that holds the model of apiVersion/kind, or null. */
function modelPath(apiVersion, kind) {
  if (apiVersion === "monitoring.coreos.com/v1") {
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`;
  }
  if (apiVersion === "v1") {
    return `kubernetes-models/v1/${kind}`;
  }
  const [group, version] = apiVersion.split("/");
  return version ? `kubernetes-models/${group}/${version}/${kind}` : null;
}

function problems(err) {
  return String(err.message ?? err).split(/,\s*(?=data)/);
}

async function validate(obj) {
  const { apiVersion, kind } = obj ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return ["apiVersion and kind: required (strings)"];
  }
  if (apiVersion === "jobset.x-k8s.io/v1alpha2" && kind === "JobSet") {
    const out = [];
    if (!jobSetSchema(obj)) {
      for (const e of jobSetSchema.errors) out.push(`data${e.instancePath.replaceAll("/", "/")} ${e.message}`);
    }
    (obj.spec?.replicatedJobs ?? []).forEach((rj, i) => {
      try {
        new JobTemplateSpec(rj.template).validate();
      } catch (e) {
        for (const p of problems(e)) out.push(p.replace(/^data/, `data/spec/replicatedJobs/${i}/template`));
      }
    });
    return out;
  }
  const path = modelPath(apiVersion, kind);
  let mod;
  try {
    mod = path && (await import(path));
  } catch {
    mod = null;
  }
  const Model = mod?.[kind];
  if (!Model) {
    return [`no schema for apiVersion ${apiVersion}, kind ${kind}`];
  }
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return problems(e);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate-manifests.mjs FILE... (- for standard input)");
  process.exit(2);
}
let invalid = 0;
let count = 0;
for (const file of files) {
  let docs;
  try {
    docs = parseAllDocuments(readFileSync(file === "-" ? 0 : file, "utf8"));
  } catch (e) {
    console.error(`${file}: cannot read: ${e.message}`);
    process.exit(2);
  }
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      console.error(`${file}: document ${i + 1}: not YAML: ${doc.errors[0].message}`);
      process.exit(2);
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    count++;
    const name = `${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    const found = await validate(obj);
    if (found.length === 0) {
      console.log(`ok ${file}: ${name}`);
    } else {
      invalid++;
      for (const p of found) console.log(`invalid ${file}: document ${i + 1} (${name}): ${p}`);
    }
  }
}
console.log(`${count - invalid} of ${count} objects valid`);
process.exit(invalid === 0 ? 0 : 1);
