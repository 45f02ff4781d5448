/**
 * Preloaded (node --import) into every server a benchmark starts: exits the server when the
 * benchmark that started it goes away (its parent pid changes), so a bench killed with SIGKILL
 * leaves nothing running. Changes nothing else.
 */
const parent = process.ppid
const watch = setInterval(() => {
  if (process.ppid !== parent) process.exit(3)
}, 1000)
watch.unref()
