/**
 * @since 0.1.0
 */
export * as Authentication from "./Authentication.ts"

/**
 * @since 0.1.0
 */
export * as HttpProblem from "./HttpProblem.ts"

/**
 * @since 0.1.0
 */
export * as HttpViews from "./HttpViews.ts"

/**
 * @since 0.1.0
 */
export * as HttpSupportApi from "./HttpSupportApi.ts"

/**
 * @since 0.1.0
 */
export * as NodeServer from "./NodeServer.ts"
