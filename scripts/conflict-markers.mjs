// Part of `pnpm lint`: no merge conflict markers left in tracked files (a formatter does not see them in comments).
// The opening and closing markers only: a line of seven "=" is also a Markdown heading's underline.
import { spawnSync } from "node:child_process"

const found = spawnSync("git", ["grep", "-n", "-I", "-E", "^(<{7}|>{7}) ", "--", ".", ":!pnpm-lock.yaml"], {
  encoding: "utf8"
})
if (found.status === 0) {
  console.error(`Merge conflict markers left in:\n${found.stdout}`)
  process.exit(1)
}
// 1: none found; anything else: not a git checkout (a source archive), nothing to check
