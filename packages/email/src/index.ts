/**
 * @since 0.1.0
 */
export * as EmailTransport from "./EmailTransport.ts"

/**
 * @since 0.1.0
 */
export * as NodemailerTransport from "./NodemailerTransport.ts"

/**
 * @since 0.1.0
 */
export * as EmailTemplates from "./EmailTemplates.ts"

/**
 * @since 0.1.0
 */
export * as EmailThreading from "./EmailThreading.ts"

/**
 * @since 0.1.0
 */
export * as EmailDelivery from "./EmailDelivery.ts"

/**
 * @since 0.1.0
 */
export * as RequesterDirectory from "./RequesterDirectory.ts"

/**
 * @since 0.1.0
 */
export * as EmailIntake from "./EmailIntake.ts"

/**
 * @since 0.1.0
 */
export * as SmtpServerIntake from "./SmtpServerIntake.ts"
