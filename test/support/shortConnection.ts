/**
 * A short-connection command as JSON (`POST /cgi-bin/<command>`), sent from the loopback address
 * `from` (frequency control counts by source address): the answer's JSON body.
 */
import * as Http from "node:http"

export const postJsonFrom = (port: number, from: string, command: string, body: object): Promise<any> =>
  new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const request = Http.request({
      host: "127.0.0.1",
      port,
      localAddress: from,
      method: "POST",
      path: `/cgi-bin/${command}`,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      agent: false
    }, (response) => {
      let text = ""
      response.on("data", (chunk) => (text += chunk))
      response.on("end", () => {
        try {
          resolve(JSON.parse(text))
        } catch (error) {
          reject(error)
        }
      })
    })
    request.on("error", reject)
    request.end(payload)
  })
