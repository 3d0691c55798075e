/**
 * @since 0.1.0
 */
export * as PgMigrations from "./PgMigrations.ts"

/**
 * @since 0.1.0
 */
export * as PgCaseStore from "./PgCaseStore.ts"

/**
 * @since 0.1.0
 */
export * as PgOutbox from "./PgOutbox.ts"

/**
 * @since 0.1.0
 */
export * as PgIncidentStore from "./PgIncidentStore.ts"

/**
 * @since 0.1.0
 */
export * as PgFailedLookups from "./PgFailedLookups.ts"

/**
 * @since 0.1.0
 */
export * as PgPolicyStore from "./PgPolicyStore.ts"

/**
 * @since 0.1.0
 */
export * as PgStorage from "./PgStorage.ts"

/**
 * @since 0.1.0
 */
export * as PgMailbox from "./PgMailbox.ts"

/**
 * @since 0.1.0
 */
export * as PgTaskStore from "./PgTaskStore.ts"
