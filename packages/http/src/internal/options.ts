/**
 * The options of the HTTP API (re-exported by `HttpSupportApi`), in a module of their own so that the handlers need
 * not import the API's module.
 */

/** Options of the HTTP API. */
export interface Options {
  /** Where the OpenAPI document is served (default `"/openapi.json"`). */
  readonly openapiPath?: `/${string}` | undefined
  /** Where the interactive reference is served (default `"/docs"`); `false` serves none. */
  readonly docsPath?: `/${string}` | false | undefined
  /**
   * The channel of a submission that names none (default the policy's `"online-form"`, else its first always-open
   * channel that opens cases).
   */
  readonly defaultChannel?: string | undefined
  /** The language of a submission that names none (default `"en"`). */
  readonly defaultLanguage?: string | undefined
  /** How much business time before its due instant a queued case is due soon (default 240 business minutes). */
  readonly dueSoonMinutes?: number | undefined
  /** How often the live stream of the console (`GET /v1/desk/changes`) polls the store, in ms (default 2000). */
  readonly liveUpdateMillis?: number | undefined
  /** The largest request body accepted, in bytes (default 1 MiB); larger bodies get 413. */
  readonly maxBodyBytes?: number | undefined
  /**
   * The path a host mounts the API under (e.g. `"/support"`), for the OpenAPI document's `servers` so that the
   * interactive reference calls the right URLs. The routes themselves stay at `/v1/...`: the host strips the path.
   */
  readonly basePath?: `/${string}` | undefined
}
