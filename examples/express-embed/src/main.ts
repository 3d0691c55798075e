/**
 * `pnpm --filter @support-policy/example-express-embed start`: the shop on PORT (default 3001), the support desk
 * under /support.
 */
import { makeApp } from "./App.ts"

const port = Number(process.env.PORT ?? 3001)
const { app, dispose } = makeApp()
const server = app.listen(port, () => {
  console.log(`Shop:            http://localhost:${port}/products`)
  console.log(`Support API:     http://localhost:${port}/support/v1/channels`)
  console.log(`API reference:   http://localhost:${port}/support/docs`)
  console.log("Tokens:          buyer-token (a buyer), agent-token (an agent)")
})
const stop = () => server.close(() => void dispose().then(() => process.exit(0)))
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
