#!/usr/bin/env node
/*
 * pusher-js driver for the pusher-core integration tests.
 *
 * One process drives any number of pusher-js clients (the Node build of
 * pusher-js, which includes tweetnacl, so private-encrypted- channels are
 * decrypted by pusher-js itself). It is controlled with JSON lines on stdin
 * and reports JSON lines on stdout. Nothing else is ever written to stdout:
 * console.* is redirected to stderr.
 *
 * ---------------------------------------------------------------------------
 * Commands (stdin, one JSON object per line)
 * ---------------------------------------------------------------------------
 * Every command has "cmd". Commands that act on a client name it with "id"
 * ("client" is accepted as an alias). Any command may carry "req" (any JSON
 * value); it is echoed back in the "ack" / "cmd_error" line for that command.
 *
 *   {"cmd":"connect", "id":"c1", "key":"app-key", "host":"127.0.0.1",
 *    "port":6001,
 *    "channel_auth_endpoint":"http://127.0.0.1:PORT/channel-auth",
 *    "user_auth_endpoint":"http://127.0.0.1:PORT/user-auth",
 *    "auth_headers":{...}?,   headers sent with both auth requests
 *    "auth_params":{...}?,    extra form params sent with both auth requests
 *    "options":{...}?}        extra pusher-js options, merged last
 *      Creates `new Pusher(key, {wsHost, wsPort, forceTLS:false,
 *      enabledTransports:['ws'], cluster:'dummy', channelAuthorization,
 *      userAuthentication})`. Fails if the id is already in use (disconnect
 *      it first; a disconnected id may be connected again).
 *   {"cmd":"subscribe", "id":"c1", "channel":"private-x"}
 *   {"cmd":"unsubscribe", "id":"c1", "channel":"private-x"}
 *   {"cmd":"signin", "id":"c1"}                     pusher.signin()
 *   {"cmd":"client_event", "id":"c1", "channel":"private-x",
 *    "event":"client-foo", "data":<any JSON>}        channel.trigger()
 *   {"cmd":"disconnect", "id":"c1"}                 pusher.disconnect()
 *   {"cmd":"connect_again", "id":"c1"}              pusher.connect() on the
 *                                                   existing instance
 *   {"cmd":"state", "id":"c1"}                      reports a "state" line
 *   {"cmd":"set_log", "enabled":true}               forward pusher-js logger
 *                                                   output as "log" lines
 *   {"cmd":"exit"}                                  disconnect all, exit 0
 *   (EOF on stdin behaves like "exit".)
 *
 * ---------------------------------------------------------------------------
 * Reports (stdout, one JSON object per line)
 * ---------------------------------------------------------------------------
 * Every line has "type", "seq" (1, 2, 3, ... in output order) and "t"
 * (Date.now() in ms). Lines about a client carry "client" (its id).
 *
 *   {"type":"ready", "pid":..., "node":"v20...", "pusher_js":"8.6.0"}
 *   {"type":"ack", "cmd":..., "client":..., "req":...}
 *   {"type":"cmd_error", "cmd":..., "client":..., "req":..., "error":"..."}
 *   {"type":"state_change", "client", "previous", "current"}
 *   {"type":"connected", "client", "socket_id"}        (each (re)connect)
 *   {"type":"closed", "client", "code", "reason", "was_clean"}
 *       the WebSocket close frame as pusher-js saw it (e.g. 4009 when the
 *       server terminates a user's connections, 4200 on server shutdown)
 *   {"type":"disconnected", "client", "close_code", "close_reason"}
 *       the state became "disconnected"; close_* are from the last "closed"
 *       since the last "connected" (null if none)
 *   {"type":"connection_error", "client", "error":{...}, "code":int|null}
 *       every "error" emitted by pusher.connection (PusherError from a close
 *       frame or pusher:error, WebSocketError, ...)
 *   {"type":"pusher_error", "client", "channel":str|null, "code", "message",
 *    "data":<raw data>}                                 every pusher:error frame
 *   {"type":"subscribed", "client", "channel", "members":{...}?}
 *       "members" only for presence: {"count", "me":{"id","info"},
 *       "members":{"<user_id>":<user_info>, ...}}
 *   {"type":"subscription_error", "client", "channel", "status", "error",
 *    "error_type", "raw"}
 *   {"type":"event", "client", "channel", "event", "data", "user_id"?}
 *       every event the channel emits (bind_global), including pusher:*
 *       ones; "data" exactly as pusher-js delivers it (decrypted for
 *       private-encrypted-), null when absent; "user_id" for client events
 *       on presence channels
 *   {"type":"member_added", "client", "channel", "user_id", "user_info"}
 *   {"type":"member_removed", "client", "channel", "user_id", "user_info"}
 *   {"type":"signed_in", "client", "user_data":"<raw string>", "user":{...}}
 *   {"type":"user_subscribed", "client", "channel":"#server-to-user-<id>"}
 *       after signed_in, once soketi confirmed the server-to-user channel;
 *       server-to-user events sent before this are lost
 *   {"type":"user_subscription_error", "client", "channel", "status", "raw"}
 *   {"type":"signin_error", "client", "status", "error", "raw"}
 *   {"type":"user_event", "client", "event", "data"}   pusher.user.bind_global
 *   {"type":"watchlist_event", "client", "event", "data"}
 *   {"type":"client_event_sent", "client", "channel", "event", "ok":bool}
 *       ok is channel.trigger()'s return value
 *   {"type":"state", "client", "state", "socket_id", "channels":[{"name",
 *    "subscribed","subscription_pending"}], "user":{...}|null}
 *   {"type":"log", "message"}                          only after set_log
 *   {"type":"fatal", "error"}                          uncaught exception
 *   {"type":"bye"}                                     just before exiting
 */
'use strict';

const readline = require('readline');
const util = require('util');
const Pusher = require('pusher-js');

// Keep stdout for the protocol only.
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => {
    process.stderr.write(util.format(...args) + '\n');
  };
}

let seq = 0;
function report(message) {
  seq += 1;
  const line = JSON.stringify({ ...message, seq, t: Date.now() });
  process.stdout.write(line + '\n');
}

function safe(value) {
  // Make a value JSON-serialisable without changing plain JSON data.
  if (value === undefined) {
    return null;
  }
  try {
    JSON.stringify(value);
    return value;
  } catch (e) {
    return { unserialisable: String(value) };
  }
}

function describeError(err) {
  if (err === null || err === undefined) {
    return null;
  }
  if (err instanceof Error) {
    return { name: err.name, message: err.message, status: err.status };
  }
  if (typeof err !== 'object') {
    return err;
  }
  const out = {};
  for (const [k, v] of Object.entries(err)) {
    out[k] = v instanceof Error ? describeError(v) : safe(v);
  }
  return out;
}

function membersSnapshot(members) {
  const all = {};
  members.each((member) => {
    all[member.id] = safe(member.info);
  });
  return {
    count: members.count,
    me: members.me ? { id: members.me.id, info: safe(members.me.info) } : null,
    members: all,
  };
}

let pusherLogEnabled = false;
Pusher.log = (message) => {
  if (pusherLogEnabled) {
    report({ type: 'log', message: String(message) });
  }
};

const clients = new Map(); // id -> { pusher, bound: WeakSet, lastClose }

function getClient(id) {
  const entry = clients.get(id);
  if (!entry) {
    throw new Error(`unknown client id ${JSON.stringify(id)}`);
  }
  return entry;
}

function hookConnectionClose(id, entry) {
  // The live internal Connection changes on every (re)connect. Wrap its
  // handleCloseEvent so the close code is reported *before* pusher-js acts
  // on it (state change, reconnect, ...).
  const conn = entry.pusher.connection.connection;
  if (!conn || conn.__harnessHooked) {
    return;
  }
  conn.__harnessHooked = true;
  const original = conn.handleCloseEvent;
  conn.handleCloseEvent = function (closeEvent) {
    entry.lastClose = {
      code: closeEvent ? closeEvent.code : null,
      reason: closeEvent ? closeEvent.reason || '' : '',
      was_clean: closeEvent ? Boolean(closeEvent.wasClean) : null,
    };
    report({ type: 'closed', client: id, ...entry.lastClose });
    return original.call(this, closeEvent);
  };
}

function connect(cmd, id) {
  const existing = clients.get(id);
  if (existing && existing.pusher.connection.state !== 'disconnected') {
    throw new Error(`client ${id} is already connected; disconnect it first`);
  }
  for (const field of ['key', 'host', 'port']) {
    if (cmd[field] === undefined || cmd[field] === null) {
      throw new Error(`connect needs "${field}"`);
    }
  }
  const headers = cmd.auth_headers || {};
  const params = cmd.auth_params || {};
  const options = {
    wsHost: cmd.host,
    wsPort: Number(cmd.port),
    wssPort: Number(cmd.port),
    forceTLS: false,
    enabledTransports: ['ws'],
    cluster: 'dummy',
    channelAuthorization: {
      endpoint: cmd.channel_auth_endpoint || 'http://127.0.0.1:9/channel-auth',
      transport: 'ajax',
      headers,
      params,
    },
    userAuthentication: {
      endpoint: cmd.user_auth_endpoint || 'http://127.0.0.1:9/user-auth',
      transport: 'ajax',
      headers,
      params,
    },
    ...(cmd.options || {}),
  };
  const pusher = new Pusher(String(cmd.key), options);
  const entry = { pusher, bound: new WeakSet(), lastClose: null };
  clients.set(id, entry);

  pusher.connection.bind('state_change', ({ previous, current }) => {
    report({ type: 'state_change', client: id, previous, current });
    if (current === 'connected') {
      entry.lastClose = null;
      hookConnectionClose(id, entry);
      report({ type: 'connected', client: id, socket_id: pusher.connection.socket_id });
    }
    if (current === 'disconnected') {
      report({
        type: 'disconnected',
        client: id,
        close_code: entry.lastClose ? entry.lastClose.code : null,
        close_reason: entry.lastClose ? entry.lastClose.reason : null,
      });
    }
  });
  pusher.connection.bind('error', (err) => {
    let code = null;
    if (err && err.data && typeof err.data.code === 'number') {
      code = err.data.code;
    } else if (err && err.error && err.error.data && typeof err.error.data.code === 'number') {
      code = err.error.data.code;
    }
    report({ type: 'connection_error', client: id, code, error: describeError(err) });
  });
  pusher.connection.bind('message', (msg) => {
    if (!msg) {
      return;
    }
    if (msg.event === 'pusher:error') {
      let data = msg.data;
      if (typeof data === 'string') {
        try {
          data = JSON.parse(data);
        } catch (e) {
          // keep the string
        }
      }
      const isObj = data !== null && typeof data === 'object';
      report({
        type: 'pusher_error',
        client: id,
        channel: msg.channel || null,
        code: isObj && data.code !== undefined ? data.code : null,
        message: isObj && data.message !== undefined ? data.message : null,
        data: safe(data),
      });
    } else if (msg.event === 'pusher:signin_success') {
      let userData = msg.data ? msg.data.user_data : null;
      let user = null;
      try {
        user = JSON.parse(userData);
      } catch (e) {
        user = null;
      }
      report({ type: 'signed_in', client: id, user_data: safe(userData), user: safe(user) });
      // pusher.user handled this frame first (it bound earlier) and has just
      // created and subscribed #server-to-user-<id>.
      const userChannel = pusher.user.serverToUserChannel;
      if (userChannel) {
        userChannel.bind('pusher:subscription_succeeded', () => {
          report({ type: 'user_subscribed', client: id, channel: userChannel.name });
        });
        userChannel.bind('pusher:subscription_error', (err) => {
          report({
            type: 'user_subscription_error',
            client: id,
            channel: userChannel.name,
            status: err && err.status !== undefined ? err.status : null,
            raw: describeError(err),
          });
        });
      }
    }
  });
  pusher.user.bind_global((event, data) => {
    if (event === 'pusher:signin_error') {
      report({
        type: 'signin_error',
        client: id,
        status: data && data.status !== undefined ? data.status : null,
        error: data && data.error !== undefined ? String(data.error) : null,
        raw: describeError(data),
      });
      return;
    }
    if (typeof event === 'string' && event.indexOf('pusher:') === 0) {
      return;
    }
    report({ type: 'user_event', client: id, event, data: safe(data) });
  });
  pusher.user.watchlist.bind_global((event, data) => {
    report({ type: 'watchlist_event', client: id, event, data: safe(data) });
  });
  // new Pusher() connects by itself.
}

function isPresence(name) {
  return name.indexOf('presence-') === 0;
}

function subscribe(cmd, id) {
  const entry = getClient(id);
  const name = String(cmd.channel);
  const channel = entry.pusher.subscribe(name);
  if (entry.bound.has(channel)) {
    return;
  }
  entry.bound.add(channel);
  // bind_global callbacks get (event, data) only; capture the metadata
  // (user_id of presence client events) from emit(), which calls them
  // synchronously.
  let lastMeta = null;
  const originalEmit = channel.emit;
  channel.emit = function (eventName, data, metadata) {
    lastMeta = metadata || null;
    try {
      return originalEmit.call(this, eventName, data, metadata);
    } finally {
      lastMeta = null;
    }
  };
  channel.bind_global((event, data) => {
    let payload = data;
    if (event === 'pusher:subscription_succeeded' && isPresence(name) && data && data.each) {
      payload = membersSnapshot(data);
    }
    const msg = { type: 'event', client: id, channel: name, event, data: safe(payload) };
    if (lastMeta && lastMeta.user_id !== undefined) {
      msg.user_id = lastMeta.user_id;
    }
    report(msg);
  });
  channel.bind('pusher:subscription_succeeded', (data) => {
    const msg = { type: 'subscribed', client: id, channel: name };
    if (isPresence(name) && data && data.each) {
      msg.members = membersSnapshot(data);
    }
    report(msg);
  });
  channel.bind('pusher:subscription_error', (err) => {
    report({
      type: 'subscription_error',
      client: id,
      channel: name,
      status: err && err.status !== undefined ? err.status : null,
      error: err && err.error !== undefined ? String(err.error) : null,
      error_type: err && err.type !== undefined ? err.type : null,
      raw: describeError(err),
    });
  });
  if (isPresence(name)) {
    channel.bind('pusher:member_added', (member) => {
      report({
        type: 'member_added',
        client: id,
        channel: name,
        user_id: member.id,
        user_info: safe(member.info),
      });
    });
    channel.bind('pusher:member_removed', (member) => {
      report({
        type: 'member_removed',
        client: id,
        channel: name,
        user_id: member.id,
        user_info: safe(member.info),
      });
    });
  }
}

function clientState(id) {
  const entry = getClient(id);
  const channels = entry.pusher.allChannels().map((ch) => ({
    name: ch.name,
    subscribed: Boolean(ch.subscribed),
    subscription_pending: Boolean(ch.subscriptionPending),
  }));
  return {
    type: 'state',
    client: id,
    state: entry.pusher.connection.state,
    socket_id: entry.pusher.connection.socket_id || null,
    channels,
    user: safe(entry.pusher.user.user_data),
  };
}

let exiting = false;
function exitAll(code) {
  if (exiting) {
    return;
  }
  exiting = true;
  for (const entry of clients.values()) {
    try {
      entry.pusher.disconnect();
    } catch (e) {
      // ignore
    }
  }
  report({ type: 'bye' });
  // Let the close frames go out, then leave.
  setTimeout(() => process.exit(code), 50);
}

function handle(cmd) {
  const id = cmd.id !== undefined ? String(cmd.id) : cmd.client !== undefined ? String(cmd.client) : null;
  const needsId = (c) => {
    if (id === null) {
      throw new Error(`"${c}" needs "id"`);
    }
  };
  switch (cmd.cmd) {
    case 'connect':
      needsId('connect');
      connect(cmd, id);
      break;
    case 'connect_again':
      needsId('connect_again');
      getClient(id).pusher.connect();
      break;
    case 'subscribe':
      needsId('subscribe');
      subscribe(cmd, id);
      break;
    case 'unsubscribe':
      needsId('unsubscribe');
      getClient(id).pusher.unsubscribe(String(cmd.channel));
      break;
    case 'signin':
      needsId('signin');
      getClient(id).pusher.signin();
      break;
    case 'client_event': {
      needsId('client_event');
      const entry = getClient(id);
      const channel = entry.pusher.channel(String(cmd.channel));
      if (!channel) {
        throw new Error(`client ${id} has no channel ${cmd.channel}`);
      }
      const ok = channel.trigger(String(cmd.event), cmd.data === undefined ? null : cmd.data);
      report({ type: 'client_event_sent', client: id, channel: channel.name, event: cmd.event, ok: Boolean(ok) });
      break;
    }
    case 'disconnect':
      needsId('disconnect');
      getClient(id).pusher.disconnect();
      break;
    case 'state':
      needsId('state');
      report(clientState(id));
      break;
    case 'set_log':
      pusherLogEnabled = Boolean(cmd.enabled);
      break;
    case 'exit':
      report({ type: 'ack', cmd: 'exit', client: null, req: cmd.req === undefined ? null : cmd.req });
      exitAll(0);
      return;
    default:
      throw new Error(`unknown cmd ${JSON.stringify(cmd.cmd)}`);
  }
  report({ type: 'ack', cmd: cmd.cmd, client: id, req: cmd.req === undefined ? null : cmd.req });
}

process.on('uncaughtException', (err) => {
  report({ type: 'fatal', error: String(err && err.stack ? err.stack : err) });
});

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') {
    return;
  }
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    report({ type: 'cmd_error', cmd: null, client: null, req: null, error: `invalid JSON: ${e.message}` });
    return;
  }
  if (cmd === null || typeof cmd !== 'object' || Array.isArray(cmd)) {
    report({ type: 'cmd_error', cmd: null, client: null, req: null, error: 'command must be a JSON object' });
    return;
  }
  try {
    handle(cmd);
  } catch (e) {
    report({
      type: 'cmd_error',
      cmd: cmd.cmd === undefined ? null : cmd.cmd,
      client: cmd.id !== undefined ? String(cmd.id) : cmd.client !== undefined ? String(cmd.client) : null,
      req: cmd.req === undefined ? null : cmd.req,
      error: e && e.message ? e.message : String(e),
    });
  }
});
rl.on('close', () => exitAll(0));

let pusherJsVersion = null;
try {
  pusherJsVersion = require('pusher-js/package.json').version;
} catch (e) {
  pusherJsVersion = null;
}
report({ type: 'ready', pid: process.pid, node: process.version, pusher_js: pusherJsVersion });
