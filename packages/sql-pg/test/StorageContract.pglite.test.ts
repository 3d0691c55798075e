/**
 * The storage contract of `@support-policy/core`, unchanged, on embedded PGlite (in memory).
 */
import { StorageContract } from "@support-policy/core/testing"
import { PgStorage } from "@support-policy/sql-pg"
import { Layer } from "effect"
import * as PgTest from "./support/PgTest.ts"

StorageContract.suite("PGlite", PgStorage.layer.pipe(Layer.provide(PgTest.layerPglite)))
