// A real Standard Webhooks receiver for Remit's integration tests.
//
//   node tests/node/webhook_receiver.mjs [--port 0] [--secret whsec_...] [--secrets FILE]
//        [--modes FILE] [--log FILE]
//
// Listens on 127.0.0.1:PORT (0 = a free port), prints exactly one line
// `webhook receiver listening on 127.0.0.1:<port>`, then for every request:
//   * the secret is the one for the request's path (query string ignored) in --secrets FILE
//     (JSON {"/path": "whsec_..."}, read again on every request so endpoints can be added
//     while it runs), else --secret;
//   * the signature is checked with the `standardwebhooks` package:
//     new Webhook(secret).verify(body, headers) (which also enforces its 5-minute timestamp
//     tolerance);
//   * one JSON line is appended to --log FILE:
//     {"path", "method", "webhook_id", "webhook_timestamp" (a number when numeric),
//      "webhook_signature", "signature_ok", "error"? , "mode", "status",
//      "body" (parsed JSON, else the raw string), "received_at" (unix seconds, float)};
//     the line is written before the response is sent, so a client that has its answer
//     finds the line in the file;
//   * the answer: bad or missing signature (or no secret for the path) -> 400; otherwise the
//     path's mode from --modes FILE (JSON {"/path": "ok"|"fail500"|"hang"}, read again on
//     every request, default "ok"): ok -> 200 {"ok":true}, fail500 -> 500, hang -> no answer
//     at all, the socket stays open until the client gives up (or the receiver stops).
// SIGTERM/SIGINT: close, flush the log, exit 0.
import { readFileSync } from "node:fs";
import { createWriteStream } from "node:fs";
import http from "node:http";
import { Webhook } from "standardwebhooks";

function parseArgs(argv) {
  const opts = { port: 0, secret: null, secrets: null, modes: null, log: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf("=");
    const key = a.startsWith("--") ? (eq > 0 ? a.slice(2, eq) : a.slice(2)) : null;
    if (!key || !(key in opts)) {
      process.stderr.write(`webhook_receiver: unknown argument ${a}\n`);
      process.exit(2);
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      process.stderr.write(`webhook_receiver: ${a} needs a value\n`);
      process.exit(2);
    }
    opts[key] = key === "port" ? Number(value) : value;
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const MODES = new Set(["ok", "fail500", "hang"]);

// A small JSON file read again on every request; parsed again only when its text changed.
function jsonFile(path) {
  let lastText = null;
  let lastValue = {};
  return () => {
    if (!path) return {};
    let text;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      if (e.code === "ENOENT") return {};
      throw e;
    }
    if (text !== lastText) {
      lastValue = text.trim() === "" ? {} : JSON.parse(text);
      lastText = text;
    }
    return lastValue;
  };
}
const readSecrets = jsonFile(opts.secrets);
const readModes = jsonFile(opts.modes);

const webhooks = new Map(); // secret -> Webhook
function webhookFor(secret) {
  let wh = webhooks.get(secret);
  if (!wh) {
    wh = new Webhook(secret);
    webhooks.set(secret, wh);
  }
  return wh;
}

const log = opts.log ? createWriteStream(opts.log, { flags: "a" }) : null;
function appendLog(record, then) {
  if (!log) return then();
  log.write(JSON.stringify(record) + "\n", then);
}

const hanging = new Set();

function handle(req, res, bodyBuf) {
  const path = (req.url || "/").split("?")[0];
  const body = bodyBuf.toString("utf8");
  const h = req.headers;
  const ts = h["webhook-timestamp"];
  const record = {
    path,
    method: req.method,
    webhook_id: h["webhook-id"] ?? null,
    webhook_timestamp: ts === undefined ? null : /^\d+$/.test(ts) ? Number(ts) : ts,
    webhook_signature: h["webhook-signature"] ?? null,
    signature_ok: false,
  };
  let mode = "ok";
  try {
    const secrets = readSecrets();
    const secret = Object.hasOwn(secrets, path) ? secrets[path] : opts.secret;
    if (!secret) throw new Error(`no secret configured for ${path}`);
    webhookFor(secret).verify(body, h, { jsonParse: false });
    record.signature_ok = true;
  } catch (e) {
    record.error = String(e && e.message ? e.message : e);
  }
  try {
    const m = readModes()[path];
    if (m !== undefined) mode = MODES.has(m) ? m : "ok";
  } catch (e) {
    record.error = (record.error ? record.error + "; " : "") + `modes file: ${e.message}`;
  }
  const status = !record.signature_ok ? 400 : mode === "fail500" ? 500 : mode === "hang" ? null : 200;
  record.mode = mode;
  record.status = status;
  try {
    record.body = body === "" ? null : JSON.parse(body);
  } catch {
    record.body = body;
  }
  record.received_at = Date.now() / 1000;
  appendLog(record, () => {
    if (status === null) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    const out = status === 200 ? '{"ok":true}' : JSON.stringify({ error: record.error ?? "failing on purpose" });
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
    res.end(out);
  });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => handle(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
});
server.timeout = 0; // no idle timeout on sockets: "hang" holds until the client gives up
server.keepAliveTimeout = 60_000;

server.listen(opts.port, "127.0.0.1", () => {
  process.stdout.write(`webhook receiver listening on 127.0.0.1:${server.address().port}\n`);
});

function shutdown() {
  server.close();
  for (const res of hanging) res.destroy();
  server.closeAllConnections?.();
  if (log) log.end(() => process.exit(0));
  else process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
