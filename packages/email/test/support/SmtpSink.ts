/**
 * A real SMTP server on loopback for the tests (smtp-server): it keeps every mail it takes, parsed with postal-mime,
 * and can be stopped and started again on the same port (the "server down" fault tests), or told to refuse some
 * recipients for good (550).
 */
import type { AddressInfo } from "node:net"
import PostalMime, { type Email } from "postal-mime"
import { SMTPServer } from "smtp-server"

export interface Received {
  readonly raw: string
  readonly email: Email
  readonly rcptTo: ReadonlyArray<string>
  /** The name the sender gave in its greeting (EHLO/HELO). */
  readonly clientHostname: string
  /** When the sink took it (epoch ms). */
  readonly at: number
  readonly header: (name: string) => string | undefined
}

export interface Sink {
  readonly port: number
  readonly url: string
  readonly received: Array<Received>
  /** Recipients answered with 550 (permanent). */
  readonly refuse: Set<string>
  readonly stop: () => Promise<void>
  readonly start: () => Promise<void>
  /** Waits until `n` mails arrived (or fails after `timeoutMs`). */
  readonly waitFor: (n: number, timeoutMs?: number) => Promise<void>
}

export const start = async (port = 0, options: { readonly delayMs?: number } = {}): Promise<Sink> => {
  const received: Array<Received> = []
  const refuse = new Set<string>()
  let server: SMTPServer | undefined
  let actualPort = port
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS", "AUTH"],
        logger: false,
        onRcptTo(address, _session, callback) {
          if (refuse.has(address.address.toLowerCase())) {
            callback(Object.assign(new Error("5.1.1 no such user"), { responseCode: 550 }))
          } else callback()
        },
        onData(stream, session, callback) {
          const chunks: Array<Buffer> = []
          stream.on("data", (c: Buffer) => chunks.push(c))
          stream.on("end", async () => {
            if (options.delayMs !== undefined) await new Promise((r) => setTimeout(r, options.delayMs))
            const raw = Buffer.concat(chunks).toString("utf8")
            PostalMime.parse(raw).then(
              (email) => {
                received.push({
                  raw,
                  email,
                  rcptTo: session.envelope.rcptTo.map((r) => r.address),
                  clientHostname: session.hostNameAppearsAs,
                  at: Date.now(),
                  header: (name) => email.headers.find((h) => h.key === name.toLowerCase())?.value
                })
                callback()
              },
              (error: Error) => callback(error)
            )
          })
        }
      })
      server.once("error", reject)
      server.listen(actualPort, "127.0.0.1", () => {
        actualPort = (server!.server.address() as AddressInfo).port
        server!.off("error", reject)
        // a client that dies mid-session (a dispatcher killed with SIGKILL) resets its connection: its problem
        server!.on("error", () => {})
        resolve()
      })
    })
  await listen()
  const stop = () =>
    new Promise<void>((resolve) => {
      const s = server
      server = undefined
      if (s === undefined) return resolve()
      s.close(() => resolve())
    })
  return {
    get port() {
      return actualPort
    },
    get url() {
      return `smtp://127.0.0.1:${actualPort}`
    },
    received,
    refuse,
    stop,
    start: listen,
    waitFor: async (n, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} mails, got ${received.length}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }
}
