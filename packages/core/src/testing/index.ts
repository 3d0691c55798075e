/**
 * Test support for adapters of the support desk's ports: the contract suites every storage adapter runs against
 * itself, and the test data they are written with. Needs `vitest` and `@effect/vitest` (optional peer dependencies).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as AlertsContract from "./AlertsContract.ts"
export * as CaseQueryContract from "./CaseQueryContract.ts"

/**
 * @since 0.1.0
 */
export * as CaseStoreContract from "./CaseStoreContract.ts"

/**
 * @since 0.1.0
 */
export * as ErasureContract from "./ErasureContract.ts"

/**
 * @since 0.1.0
 */
export * as Fixtures from "./Fixtures.ts"

/**
 * @since 0.1.0
 */
export * as IncidentStoreContract from "./IncidentStoreContract.ts"

/**
 * @since 0.1.0
 */
export * as OutboxContract from "./OutboxContract.ts"

/**
 * @since 0.1.0
 */
export * as PartiesContract from "./PartiesContract.ts"

/**
 * @since 0.1.0
 */
export * as PolicyStoreContract from "./PolicyStoreContract.ts"

/**
 * @since 0.1.0
 */
export * as PolicyVersionsContract from "./PolicyVersionsContract.ts"

/**
 * @since 0.1.0
 */
export * as StorageContract from "./StorageContract.ts"

/**
 * @since 0.1.0
 */
export * as TaskStoreContract from "./TaskStoreContract.ts"
export * as MailboxContract from "./MailboxContract.ts"
