// Preloaded into the Agents Playground's Node process (node --require net-guard.cjs) by the test.
//
// The Playground is a closed-source bundle that ships Application Insights telemetry and probes the Azure
// instance metadata address; the test turns those off through the Playground's own options and
// environment, and this guard proves it: every outbound TCP connection and DNS lookup to anything other
// than the loopback interface is refused (never attempted) and written to NET_GUARD_LOG, which the test
// requires to stay empty. It also keeps the Playground's web server on 127.0.0.1: the package listens on
// every interface and has no option to change that.
"use strict";

const dns = require("node:dns");
const fs = require("node:fs");
const net = require("node:net");

const LOG = process.env.NET_GUARD_LOG;

function isLoopback(host) {
  if (host === undefined || host === null || host === "" || host === "localhost") return true;
  const bare = String(host).replace(/^\[|\]$/g, "");
  return bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare) || /^::ffff:127\./.test(bare);
}

function refuse(what, target) {
  const line = `${new Date().toISOString()} refused ${what} to ${target}\n${new Error().stack}\n`;
  if (LOG) fs.appendFileSync(LOG, line);
  process.stderr.write(`net-guard: refused ${what} to ${target}\n`);
  return new Error(`net-guard: ${what} to ${target} refused (the test allows loopback only)`);
}

// net.connect() hands Socket#connect its normalized arguments as one array; user code passes
// (options[, cb]), (port[, host][, cb]) or (path[, cb]).
function target(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === "object") {
    return first.path ? null : { host: first.host, port: first.port };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return null; // a Unix socket path
  return { host: typeof args[1] === "string" ? args[1] : undefined, port: first };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const where = target(args);
  if (where === null || isLoopback(where.host)) return connect.apply(this, args);
  const error = refuse("connection", `${where.host}:${where.port}`);
  process.nextTick(() => this.destroy(error));
  return this;
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (isLoopback(hostname)) return lookup.call(this, hostname, ...rest);
  const callback = rest[rest.length - 1];
  const error = refuse("DNS lookup", hostname);
  error.code = "ENOTFOUND";
  if (typeof callback === "function") process.nextTick(() => callback(error));
  return undefined;
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackListen(...args) {
  if (typeof args[0] === "number" && typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  return listen.apply(this, args);
};
