/**
 * The storage contract suite of the published `@support-policy/core/testing`, run by the host's own vitest (installed
 * by test/Pack.test.ts from the registry) against the memory adapters of the published core. The published
 * `@support-policy/sql-pg` on PGlite and PostgreSQL is exercised by consumer.ts and the README examples.
 */
import { MemoryStorage } from "@support-policy/core"
import { StorageContract } from "@support-policy/core/testing"

StorageContract.suite("memory, published", MemoryStorage.layerMemory)
