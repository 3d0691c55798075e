/**
 * Settings for a Node `http.Server` that serves the API to the internet, and the problem+json answer to requests
 * Node's own parser refuses before any route sees them (a malformed request line, headers over Node's size limit, a
 * request that took too long). Typed structurally, so the package needs no Node types; pass the server you create:
 *
 * ```ts
 * import { createServer } from "node:http"
 * const server = NodeServer.harden(createServer())
 * // NodeHttpServer.layer(() => server, { port: 3000 })
 * ```
 *
 * What `harden` sets, and why (each can be overridden):
 * - `headersTimeout` 10 s: a client must send its headers within it (Slowloris);
 * - `requestTimeout` 30 s: the whole request, body included, within it; a stalled body no longer holds a connection
 *   for minutes;
 * - `keepAliveTimeout` 5 s: an idle kept-alive connection is closed after it;
 * - `maxConnections` 1,000: connections beyond it are refused at once instead of piling up (a host behind a proxy
 *   sizes this to its proxy's pool);
 * - `maxRequestsPerSocket` 1,000;
 * - a `clientError` handler that answers Node's parser errors with problem+json (400, 408 or 431) where the
 *   connection can still take an answer, and closes it otherwise.
 *
 * @since 0.1.0
 */

/**
 * The part of a Node `http.Server` that {@link harden} sets.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  headersTimeout: number
  requestTimeout: number
  keepAliveTimeout: number
  maxConnections: number
  maxRequestsPerSocket: number | null
  on(event: "clientError", listener: (error: ClientError, socket: Socket) => void): unknown
}

/**
 * An error Node's HTTP parser reports (`code` such as `HPE_HEADER_OVERFLOW`, `ERR_HTTP_REQUEST_TIMEOUT`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientError {
  readonly code?: string | undefined
  readonly message: string
}

/**
 * The part of a Node socket the `clientError` handler uses.
 *
 * @since 0.1.0
 * @category models
 */
export interface Socket {
  readonly writable: boolean
  end(data: string): unknown
  destroy(): unknown
}

/**
 * Options of {@link harden}; every limit in milliseconds or a count.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly headersTimeout?: number | undefined
  readonly requestTimeout?: number | undefined
  readonly keepAliveTimeout?: number | undefined
  readonly maxConnections?: number | undefined
  readonly maxRequestsPerSocket?: number | undefined
}

/**
 * The defaults of {@link harden}.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxConnections: 1_000,
  maxRequestsPerSocket: 1_000
} as const

const problems = {
  400: ["invalid-request", "The request is invalid", "RequestInvalid", "The request could not be parsed as HTTP"],
  408: ["request-timeout", "Request timeout", "RequestTimeout", "The request was not received in time"],
  431: [
    "request-header-fields-too-large",
    "Request header fields too large",
    "HeadersTooLarge",
    "The request's headers are too large"
  ]
} as const

const statusText = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" } as const

/**
 * The raw HTTP/1.1 response (problem+json, `Connection: close`) for a parser error of Node: 431 for headers over
 * the size limit, 408 for a request that took too long, 400 otherwise.
 *
 * @since 0.1.0
 * @category constructors
 */
export const clientErrorResponse = (error: ClientError): string => {
  const status =
    error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : (400 as const)
  const [slug, title, code, detail] = problems[status]
  const body = JSON.stringify({
    type: `urn:support-policy:problem:${slug}`,
    title,
    status,
    code,
    detail,
    ...(status === 400 ? { problems: [] } : {})
  })
  return (
    `HTTP/1.1 ${status} ${statusText[status]}\r\n` +
    "Content-Type: application/problem+json\r\n" +
    `Content-Length: ${new TextEncoder().encode(body).length}\r\n` +
    "X-Content-Type-Options: nosniff\r\n" +
    "Connection: close\r\n\r\n" +
    body
  )
}

/**
 * A `clientError` listener: answers with {@link clientErrorResponse} when the socket can still be written to, and
 * closes it; a connection reset by the client is just closed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const onClientError = (error: ClientError, socket: Socket): void => {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy()
    return
  }
  socket.end(clientErrorResponse(error))
}

/**
 * Sets the limits of {@link Options} (defaults {@link defaults}) on a Node `http.Server` and installs
 * {@link onClientError}. Returns the server.
 *
 * @since 0.1.0
 * @category combinators
 */
export const harden = <S extends Server>(server: S, options: Options = {}): S => {
  server.headersTimeout = options.headersTimeout ?? defaults.headersTimeout
  server.requestTimeout = options.requestTimeout ?? defaults.requestTimeout
  server.keepAliveTimeout = options.keepAliveTimeout ?? defaults.keepAliveTimeout
  server.maxConnections = options.maxConnections ?? defaults.maxConnections
  server.maxRequestsPerSocket = options.maxRequestsPerSocket ?? defaults.maxRequestsPerSocket
  server.on("clientError", onClientError)
  return server
}
