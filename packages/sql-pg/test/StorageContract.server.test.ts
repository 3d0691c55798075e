/**
 * The storage contract of `@support-policy/core`, unchanged, on a real PostgreSQL server (started by
 * `test/globalSetup.ts`; a database of its own for this file).
 */
import { describe } from "@effect/vitest"
import { StorageContract } from "@support-policy/core/testing"
import { PgStorage } from "@support-policy/sql-pg"
import { Layer } from "effect"
import * as PgTest from "./support/PgTest.ts"

describe.skipIf(PgTest.skipServer)("PostgreSQL server", () => {
  StorageContract.suite("PostgreSQL", PgStorage.layer.pipe(Layer.provide(PgTest.layerServer())))
})
