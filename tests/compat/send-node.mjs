// Sends a known set of messages through Segment's own Node library, @segment/analytics-node, to a Pharos host,
// the way a customer's backend would. Run by tests/Pharos.BrowserTests/SegmentCompatTests.cs:
//
//   PHAROS_HOST=http://127.0.0.1:5000 WRITE_KEY=wk_... RUN_ID=abc GROUP_ID=CRM-100007 TRACKS=45 node send-node.mjs
//
// Prints one JSON object on stdout: every message it handed to the library (with the messageId the library gave it),
// which of them the library says were delivered or failed, and every HTTP exchange it saw, so a failing test can
// show exactly what the client sent and what Pharos answered.
import { Analytics } from '@segment/analytics-node'

const env = (name) => {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is required`)
  return v
}
const host = env('PHAROS_HOST')
const writeKey = env('WRITE_KEY')
const runId = env('RUN_ID')
const groupId = env('GROUP_ID')
const tracks = Number(env('TRACKS'))

// maxRetries is lower than the default 10 so that a Pharos that keeps failing ends the run in seconds, not minutes.
const analytics = new Analytics({ writeKey, host, flushAt: 20, maxRetries: 5 })

const exchanges = []
analytics.on('http_request', (r) => exchanges.push({ kind: 'request', url: r.url, headers: redact(r.headers), bytes: r.body.length }))
analytics.on('http_response', (r) => exchanges.push({ kind: 'response', url: r.url, status: r.status, statusText: r.statusText }))
const errors = []
analytics.on('error', (e) => errors.push({ code: e.code, reason: String(e.reason) }))

const messages = []
const delivered = []
const failed = []
const pending = []

// Each call's callback fires once the library considers the message delivered (a 2xx/3xx answer) or given up on.
function send(kind, params) {
  pending.push(new Promise((resolve) => {
    analytics[kind](params, (err, ctx) => {
      const id = ctx?.event?.messageId
      messages.push({ type: kind, messageId: id, userId: params.userId, event: params.event ?? null })
      if (err) failed.push({ messageId: id, reason: String(err) })
      else delivered.push(id)
      resolve()
    })
  }))
}

const users = [`node-${runId}-u1`, `node-${runId}-u2`, `node-${runId}-u3`]
const events = [`Compat Report Exported ${runId}`, `Compat Seat Added ${runId}`]
for (const userId of users) {
  send('identify', { userId, traits: { name: `测试用户 ${userId}`, plan: 'enterprise' } })
  send('group', { userId, groupId, traits: { name: 'Compat 测试客户' } })
}
for (let i = 0; i < tracks; i++) {
  const userId = users[i % users.length]
  const event = events[i % events.length]
  send('track', { userId, event, properties: { seq: i, run: runId, format: i % 2 === 0 ? 'csv' : 'xlsx', label: '导出报表' } })
}

await analytics.closeAndFlush()
await Promise.all(pending)

process.stdout.write(JSON.stringify({ users, events, messages, delivered, failed, errors, exchanges }) + '\n')

function redact(headers) {
  // The write key is test data, but a log is no place for credentials of any kind.
  const copy = { ...headers }
  if (copy.Authorization) copy.Authorization = copy.Authorization.replace(/ .*/, ' <redacted>')
  return copy
}
