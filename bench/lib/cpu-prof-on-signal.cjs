// Preloaded with NODE_OPTIONS="--require <this file>" and PROF_DIR=<dir> (node refuses --cpu-prof
// in NODE_OPTIONS): SIGUSR2 starts a CPU profile, the next SIGUSR2 writes it to
// <dir>/<first argument>-<pid>.cpuprofile — a profile of just the window a bench measures.
const inspector = require("node:inspector")
const fs = require("node:fs")
const dir = process.env.PROF_DIR
const session = new inspector.Session()
session.connect()
let on = false
process.on("SIGUSR2", () => {
  if (!on) {
    on = true
    session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 250 }, () => session.post("Profiler.start")))
  } else {
    on = false
    session.post("Profiler.stop", (err, { profile }) => {
      fs.writeFileSync(`${dir}/${process.argv[2]}-${process.pid}.cpuprofile`, JSON.stringify(profile))
    })
  }
})
