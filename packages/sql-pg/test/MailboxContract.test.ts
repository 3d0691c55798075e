/**
 * The mailbox contract of `@support-policy/core` on embedded PGlite and on the real PostgreSQL server.
 */
import { describe } from "@effect/vitest"
import { MailboxContract } from "@support-policy/core/testing"
import { PgMailbox, PgMigrations } from "@support-policy/sql-pg"
import { Layer } from "effect"
import * as PgTest from "./support/PgTest.ts"

const mailbox = PgMailbox.layer.pipe(Layer.provideMerge(PgMigrations.layer))

MailboxContract.suite("PGlite", mailbox.pipe(Layer.provide(PgTest.layerPglite)))

describe.skipIf(PgTest.skipServer)("PostgreSQL server", () => {
  MailboxContract.suite("PostgreSQL", mailbox.pipe(Layer.provide(PgTest.layerServer())))
})
