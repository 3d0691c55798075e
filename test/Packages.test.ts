/**
 * What a user reads before installing: each published package's README and package.json, and the repository README's
 * "Try it". Quick checks of the files; test/Pack.test.ts runs the README examples against the packed packages.
 *
 * - Every `ts` code block of a package README is, character for character, a file under `packages/<name>/examples/`,
 *   and every such file is shown: the README cannot drift from code that is typechecked and run.
 * - The install line (`npm install …`) names every required peer dependency and every package the examples import.
 * - Links are absolute (a registry page has no repository around it).
 * - package.json: MIT with the LICENSE file, repository, homepage, bugs, keywords; peer dependencies as ranges.
 * - The root README's "Try it" is `npm run demo` and `npm test`, and CI runs exactly that `npm test`.
 */
import * as Fs from "node:fs"
import { builtinModules } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "vitest"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const read = (...parts: Array<string>) => Fs.readFileSync(Path.join(root, ...parts), "utf8")
const repository = "https://github.com/support-policy/support-policy"

const packages = Fs.readdirSync(Path.join(root, "packages"))
  .filter((dir) => Fs.existsSync(Path.join(root, "packages", dir, "package.json")))
  .map((dir) => ({ dir, json: JSON.parse(read("packages", dir, "package.json")) }))
  .filter((p) => p.json.private !== true)

/** The fenced code blocks of a Markdown text, with their language. */
const codeBlocks = (markdown: string) =>
  [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }))

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`); undefined for `node:` and builtins. */
const packageOf = (specifier: string): string | undefined => {
  if (specifier.startsWith("node:") || builtinModules.includes(specifier) || specifier.startsWith(".")) return undefined
  const parts = specifier.split("/")
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]
}

describe("the published packages' READMEs and package.json", () => {
  it("there are five", () => {
    assert.deepStrictEqual(packages.map((p) => p.json.name).sort(), [
      "@support-policy/core",
      "@support-policy/email",
      "@support-policy/holidays",
      "@support-policy/http",
      "@support-policy/sql-pg"
    ])
  })

  for (const { dir, json } of packages) {
    describe(json.name, () => {
      const readme = read("packages", dir, "README.md")
      const examplesDir = Path.join(root, "packages", dir, "examples")
      const examples = Fs.existsSync(examplesDir)
        ? Fs.readdirSync(examplesDir)
            .filter((f) => f.endsWith(".ts"))
            .map((f) => ({ file: `packages/${dir}/examples/${f}`, code: read("packages", dir, "examples", f) }))
        : []

      it("shows its examples verbatim, and only real files as TypeScript", () => {
        assert.isAbove(examples.length, 0, `packages/${dir}/examples/ has the README's examples`)
        const shown = codeBlocks(readme).filter((b) => b.lang === "ts" || b.lang === "typescript")
        for (const block of shown) {
          assert.isDefined(
            examples.find((e) => e.code === block.code),
            `a ts block of packages/${dir}/README.md is not a file of packages/${dir}/examples/:\n${block.code}`
          )
        }
        for (const example of examples) {
          assert.isDefined(
            shown.find((b) => b.code === example.code),
            `${example.file} is not shown, as it is, in packages/${dir}/README.md`
          )
          assert.include(readme, `${repository}/blob/main/${example.file}`, `the README links to ${example.file}`)
        }
      })

      it("has an install line with its peers and everything its examples import", () => {
        const installs = codeBlocks(readme)
          .filter((b) => b.lang === "sh")
          .flatMap((b) => b.code.split("\n"))
          .filter((line) => /^npm install /.test(line))
        assert.isAbove(installs.length, 0, "an `npm install …` line")
        assert.isTrue(
          installs[0]!.startsWith(`npm install ${json.name} `),
          `the first install line starts with ${json.name}`
        )
        const listed = new Set(
          installs.flatMap((line) =>
            line
              .replace(/#.*$/, "")
              .split(/\s+/)
              .slice(2)
              .filter((w) => !w.startsWith("-"))
              .map((w) => w.replace(/(.)@[^/]*$/, "$1"))
          )
        )
        const peers = Object.keys(json.peerDependencies ?? {}).filter(
          (name) => json.peerDependenciesMeta?.[name]?.optional !== true
        )
        for (const peer of peers) assert.isTrue(listed.has(peer), `the install line lists the peer ${peer}`)
        for (const example of examples) {
          for (const m of example.code.matchAll(/^import .* from "([^"]+)"/gm)) {
            const name = packageOf(m[1]!)
            if (name !== undefined) {
              assert.isTrue(
                listed.has(name),
                `${example.file} imports ${name}, which no install line of the README lists`
              )
            }
          }
        }
      })

      it("links only to absolute addresses", () => {
        for (const m of readme.matchAll(/\]\(([^)]+)\)/g)) {
          assert.match(m[1]!, /^(https:\/\/|#)/, `packages/${dir}/README.md links to ${m[1]}`)
        }
      })

      it("says where it comes from, under the MIT license", () => {
        assert.strictEqual(json.license, "MIT")
        assert.strictEqual(read("packages", dir, "LICENSE"), read("LICENSE"), `packages/${dir}/LICENSE is the root's`)
        assert.deepStrictEqual(json.repository, {
          type: "git",
          url: `git+${repository}.git`,
          directory: `packages/${dir}`
        })
        assert.strictEqual(json.homepage, `${repository}/tree/main/packages/${dir}#readme`)
        assert.deepStrictEqual(json.bugs, { url: `${repository}/issues` })
        assert.isAbove(json.keywords?.length ?? 0, 2)
        assert.include(json.files, "LICENSE")
      })

      it("takes its peers as ranges, so a host's patch releases fit", () => {
        for (const [name, range] of Object.entries<string>(json.peerDependencies ?? {})) {
          assert.match(range, /^(\^|>=|workspace:\^)/, `${name}: "${range}" is not a range`)
        }
        if (json.peerDependencies?.effect !== undefined) assert.strictEqual(json.peerDependencies.effect, "^4.1.0")
      })
    })
  }
})

describe("the repository README", () => {
  const readme = read("README.md")
  const tryIt = /^## Try it\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? ""

  it('gives exactly two commands under "Try it": npm run demo and npm test', () => {
    const commands = codeBlocks(tryIt)
      .filter((b) => b.lang === "sh")
      .flatMap((b) => b.code.split("\n"))
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter((line) => line !== "")
    assert.deepStrictEqual(commands, ["npm run demo", "npm test"])
  })

  it("is what CI runs", () => {
    const ci = read(".ci", "run")
      .split("\n")
      .map((line) => line.trim())
    assert.isTrue(
      ci.some((line) => /^npm test( \|\| status=\$\?)?$/.test(line)),
      ".ci/run runs `npm test` as the README gives it"
    )
    assert.notInclude(read(".ci", "run"), "pnpm test")
  })

  it("links to files that exist", () => {
    for (const m of readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      const target = m[1]!
      if (/^https?:/.test(target)) continue
      assert.isTrue(Fs.existsSync(Path.join(root, target)), `README.md links to ${target}`)
    }
  })
})
