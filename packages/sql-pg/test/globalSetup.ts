/**
 * Vitest globalSetup: one real PostgreSQL server per test run, for the `@support-policy/sql-pg` tests.
 *
 * The server starts in the background (initdb takes 1–2 s) so runs that do not touch PostgreSQL are not slowed down;
 * its endpoint (or the reason it could not start) is written to a status file whose path is provided to the tests as
 * `pgStatusFile`. `test/support/PgTest.ts` waits for it. Missing binaries fail every PostgreSQL test loudly, never
 * skip them: set `SUPPORT_POLICY_PG=skip` to leave those tests out on purpose (a skip that the test report shows;
 * refused when `CI` is set).
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { TestProject } from "vitest/node"
import * as PgServer from "./support/PgServer.ts"

declare module "vitest" {
  export interface ProvidedContext {
    pgStatusFile: string
  }
}

/** What the status file holds. */
export type Status =
  | { readonly state: "ready"; readonly endpoint: PgServer.Endpoint }
  | { readonly state: "failed"; readonly error: string }
  | { readonly state: "skipped"; readonly reason: string }

export default async function setup(project: TestProject) {
  const statusFile = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-pg-status-")), "status.json")
  // written whole under another name, then renamed, so a test never reads half a file
  const write = (status: Status) => {
    Fs.writeFileSync(`${statusFile}.tmp`, JSON.stringify(status))
    Fs.renameSync(`${statusFile}.tmp`, statusFile)
  }
  project.provide("pgStatusFile", statusFile)

  if (process.env.SUPPORT_POLICY_PG === "skip") {
    if (process.env.CI) throw new Error("SUPPORT_POLICY_PG=skip is refused in CI: the PostgreSQL tests must run there")
    write({ state: "skipped", reason: "SUPPORT_POLICY_PG=skip" })
    return () => Fs.rmSync(Path.dirname(statusFile), { recursive: true, force: true })
  }

  const starting = PgServer.start({ durability: "fast" }).then(
    (server) => {
      const { socketDir, host, port, username, database } = server
      write({ state: "ready", endpoint: { socketDir, host, port, username, database } })
      return server
    },
    (error: unknown) => {
      write({ state: "failed", error: error instanceof Error ? error.message : String(error) })
      return undefined
    }
  )

  return async () => {
    const server = await starting
    server?.stop()
    Fs.rmSync(Path.dirname(statusFile), { recursive: true, force: true })
  }
}
