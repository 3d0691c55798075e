/**
 * Writes `schema/support-policy.schema.json`, the JSON Schema of a support policy document, from the
 * `SupportPolicy` schema. Run after changing the policy model (a test fails while the file is stale):
 *
 *   node --conditions=@support-policy/source packages/core/scripts/generate-schema.ts
 */
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as SupportPolicy from "../src/SupportPolicy.ts"

const target = fileURLToPath(new URL("../schema/support-policy.schema.json", import.meta.url))
writeFileSync(target, SupportPolicy.jsonSchemaText())
console.log(`wrote ${target}`)
