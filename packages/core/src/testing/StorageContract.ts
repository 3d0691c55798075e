/**
 * The contract suites of the storage ports (`CaseStore` with its SLA alerts, `Outbox`, `IncidentStore`, `PolicyStore`, `TaskStore`) on one build of an
 * adapter's layer: what a storage adapter runs to prove itself (the memory layers and the PostgreSQL adapter run the
 * very same tests).
 *
 * ```ts
 * // test/Storage.memory.test.ts
 * import { MemoryStorage } from "@support-policy/core"
 * import { StorageContract } from "@support-policy/core/testing"
 *
 * StorageContract.suite("memory", MemoryStorage.layerMemory)
 * ```
 *
 * @since 0.1.0
 */
import { describe } from "@effect/vitest"
import type { Layer } from "effect"
import * as contract from "../internal/contract.ts"
import * as AlertsContract from "./AlertsContract.ts"
import * as CaseQueryContract from "./CaseQueryContract.ts"
import * as CaseStoreContract from "./CaseStoreContract.ts"
import * as ErasureContract from "./ErasureContract.ts"
import * as IncidentStoreContract from "./IncidentStoreContract.ts"
import * as OutboxContract from "./OutboxContract.ts"
import * as PolicyStoreContract from "./PolicyStoreContract.ts"
import * as PolicyVersionsContract from "./PolicyVersionsContract.ts"
import * as TaskStoreContract from "./TaskStoreContract.ts"

/**
 * Options of the suite.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = contract.SuiteOptions

/**
 * The storage ports an adapter provides to the suites.
 *
 * @since 0.1.0
 * @category models
 */
export type Storage = contract.Storage

/**
 * Registers the contract tests of the storage ports in the current test file, on one build of the adapter's
 * layer (built once, with live services, torn down after the last test).
 *
 * @since 0.1.0
 * @category tests
 */
export const suite = <E>(name: string, layer: Layer.Layer<Storage, E>, options: Options = {}): void =>
  contract.run(`${name}: storage contract`, layer, (it) => {
    describe("CaseStore", () => CaseStoreContract.tests(it, options))
    describe("CaseStore: SLA alerts", () => AlertsContract.tests(it, options))
    describe("CaseStore", () => CaseQueryContract.tests(it))
    describe("CaseStore erasure", () => ErasureContract.tests(it, options))
    describe("Outbox", () => OutboxContract.tests(it, options))
    describe("IncidentStore", () => IncidentStoreContract.tests(it, options))
    describe("PolicyStore", () => PolicyStoreContract.tests(it, options))
    describe("policy versions on the desk", () => PolicyVersionsContract.tests(it, options))
    describe("TaskStore", () => TaskStoreContract.tests(it, options))
  })
