/**
 * `@support-policy/sql-pg/pglite`: the `SqlClient` on embedded PGlite. Its own entry point, so a host on a PostgreSQL
 * server never loads PGlite.
 *
 * @since 0.1.0
 */
export * as PgliteClient from "./PgliteClient.ts"
