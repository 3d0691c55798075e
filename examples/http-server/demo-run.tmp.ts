import * as DemoServer from "/work/wt/console/examples/http-server/src/DemoServer.ts"
const demo = await DemoServer.start({ port: 3917, dataDir: "memory://", sweep: false })
console.log("ready", demo.url, demo.seed.trackingNumbers.join(","))
