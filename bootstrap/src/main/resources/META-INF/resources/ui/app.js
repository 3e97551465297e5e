// The coordinator's dashboard: plain JavaScript over the REST API, with the API key kept for this tab only
// (sessionStorage). Every value from the API reaches the page as text nodes, never as HTML.
"use strict";

const KEY = "clawbot.key";
const ENDED = ["completed", "failed", "timed_out", "cancelled", "skipped"];
let refresh = null;
let generation = 0;
// What to stop when the page changes (a live stream).
let leaving = [];
// The caller as GET /api/v1/me tells it (its role and the actions it allows), read once per login.
let me = null;

const may = action => me !== null && me.may.includes(action);

// ---- the API

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + sessionStorage.getItem(KEY), "Accept": "application/json" };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = typeof body === "string" ? "application/yaml" : "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!response.ok) {
    const detail = json && (json.detail || json.title) ? (json.detail || json.title) : "HTTP " + response.status;
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
      me = null;
    }
    throw new ApiError(response.status, detail + " (" + response.status + ")");
  }
  return json;
}

// Server-Sent Events over fetch, which, unlike EventSource, sends the Authorization header. Calls onEvent(name,
// data) for each event; follows again when the server ends the stream or the connection drops, until the page
// changes. A refused key ends it with the error.
async function follow(path, ctx, onEvent) {
  while (ctx.alive()) {
    const controller = new AbortController();
    leaving.push(() => controller.abort());
    try {
      const response = await fetch(path, { signal: controller.signal, headers: {
        "Authorization": "Bearer " + sessionStorage.getItem(KEY), "Accept": "text/event-stream" } });
      if (!response.ok) {
        const text = await response.text();
        let detail = "HTTP " + response.status;
        try { detail = JSON.parse(text).detail || detail; } catch (e) { /* not a problem document */ }
        if (response.status === 401) {
          sessionStorage.removeItem(KEY);
          me = null;
        }
        throw new ApiError(response.status, detail + " (" + response.status + ")");
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (data.length && ctx.alive()) onEvent(name, JSON.parse(data.join("\n")));
        }
      }
    } catch (error) {
      if (!ctx.alive() || error.name === "AbortError") return;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403 || error.status === 400)) {
        throw error;
      }
      message("The live status was interrupted; following it again…");
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
  }
}

// ---- building the page

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, value);
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}

const main = () => document.getElementById("main");

function show(...content) {
  main().replaceChildren(...content.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
}

function message(text, kind) {
  const box = document.getElementById("message");
  box.textContent = text || "";
  box.className = kind || "";
  box.hidden = !text;
}

function status(value) {
  return h("span", { class: "status status-" + value, "data-status": value }, value);
}

function link(href, text) {
  return h("a", { href }, text);
}

function table(headers, rows, empty) {
  if (!rows.length) return h("p", { class: "muted" }, empty || "Nothing here.");
  return h("table", {}, h("thead", {}, h("tr", {}, headers.map(name => h("th", {}, name)))),
    h("tbody", {}, rows.map(cells => h("tr", {}, cells.map(cell => h("td", {}, cell === null ? "–" : cell))))));
}

function when(instant) {
  return instant ? new Date(instant).toLocaleString() : "–";
}

function json(value) {
  return h("pre", { class: "mono" }, JSON.stringify(value, null, 2));
}


function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    login("The key was refused; log in again.");
    return;
  }
  message(error.message || String(error));
}

// ---- pages

function login(notice) {
  document.getElementById("nav").hidden = true;
  const key = h("input", { type: "password", id: "key", autocomplete: "off", placeholder: "cbk_…" });
  show(h("form", {
    class: "panel", id: "login", onsubmit: async event => {
      event.preventDefault();
      sessionStorage.setItem(KEY, key.value.trim());
      try {
        me = await api("GET", "/api/v1/me");
        if (me.kind !== "key") {
          me = null;
          sessionStorage.removeItem(KEY);
          message("That is a bot's token; log in with an API key.");
          return;
        }
        message("");
        location.hash = "#/overview";
        route();
      } catch (error) {
        sessionStorage.removeItem(KEY);
        message(error.status === 401 ? "That key is not valid." : error.message);
      }
    }
  }, h("h1", {}, "Log in"),
  h("p", { class: "muted" }, "Use an API key; it is kept for this tab only. A local coordinator wrote its " +
    "first admin key to .clawbot-data/admin-key."),
  h("label", { for: "key" }, "API key"), key, h("p", {}, h("button", { type: "submit" }, "Log in"))));
  if (notice) message(notice);
  key.focus();
}

async function overview(_, ctx) {
  const draw = s => {
    const t = s.tasks, b = s.bots, d = s.dispatch;
    const ms = value => value === null || value === undefined ? "–" : value + " ms";
    const card = (label, figure, id) => h("div", { class: "card", id }, h("div", { class: "figure" }, figure),
      h("div", { class: "label" }, label));
    ctx.show(h("h1", {}, "Overview"),
      h("div", { class: "cards" },
        card("pending (" + t.ready + " ready)", t.pending, "pending"),
        card("running", t.assigned + t.in_progress, "running"),
        card("completed, last minute", t.completed_last_minute, "throughput"),
        card("tasks/s, last minute", (t.completed_last_minute / 60).toFixed(1), "rate"),
        card("dead letters", t.dead_letters, "dead-letters"),
        card("bots online (" + b.busy + " busy)", b.online, "bots-online"),
        card("slots used / all", b.slots_used + " / " + b.slots, "slots"),
        card("dispatch p99 (p50 " + ms(d.p50_ms) + "), " + d.count + " in the last minute", ms(d.p99_ms),
          "dispatch")),
      h("h2", {}, "Backlog by type"),
      table(["Type", "Priority", "Pending", "Ready", "Delayed", "Oldest ready"],
        t.pending_by_type.map(g => [g.type === null ? "(any bot)" : g.type, g.priority, g.pending, g.ready,
          g.delayed, g.oldest_ready_age_seconds ? g.oldest_ready_age_seconds.toFixed(1) + " s" : "–"]),
        "No pending work."),
      h("h2", {}, "Replicas"),
      table(["Replica", "Bot connections"], s.replicas.map(r => [r.name, r.connections])),
      h("p", { class: "muted", id: "read-at" }, "Read at " + when(s.read_at) + "; live."));
  };
  ctx.show(h("h1", {}, "Overview"), h("p", { class: "muted" }, "Reading the status…"));
  await follow("/api/v1/status/stream", ctx, (name, s) => { if (name === "status") draw(s); });
}

async function tasks(params, ctx) {
  const filter = { status: params.get("status") || "", type: params.get("type") || "" };
  const query = new URLSearchParams({ limit: "100" });
  if (filter.status) query.set("status", filter.status);
  if (filter.type) query.set("type", filter.type);
  const list = await api("GET", "/api/v1/tasks?" + query);
  const statusSelect = h("select", { id: "filter-status" }, ["", "pending", "waiting", "assigned", "in_progress",
    "completed", "failed", "timed_out", "cancelled", "skipped"].map(v => h("option", { value: v, selected: v === filter.status }, v || "any status")));
  const typeInput = h("input", { id: "filter-type", placeholder: "type", value: filter.type });
  ctx.show(h("h1", {}, "Tasks"),
    h("form", {
      class: "filters", onsubmit: event => {
        event.preventDefault();
        const next = new URLSearchParams();
        if (statusSelect.value) next.set("status", statusSelect.value);
        if (typeInput.value.trim()) next.set("type", typeInput.value.trim());
        location.hash = "#/tasks?" + next;
      }
    }, statusSelect, typeInput, h("button", { type: "submit" }, "Filter")),
    table(["Task", "Type", "Status", "Priority", "Attempt", "Created"],
      list.map(t => [link("#/task/" + t.id, t.id), t.type, status(t.status), t.priority, t.attempt,
        when(t.created_at)]), "No tasks match."));
}

async function task(id, ctx) {
  const draw = async () => {
    const [t, events, why] = await Promise.all([api("GET", "/api/v1/tasks/" + id),
      api("GET", "/api/v1/tasks/" + id + "/events"),
      api("GET", "/api/v1/tasks/" + id + "/explain").catch(() => null)]);
    const actions = [];
    if (!ENDED.includes(t.status) && may("cancel")) {
      actions.push(h("button", { class: "secondary", id: "cancel", onclick: () => act(() =>
        api("POST", "/api/v1/tasks/" + id + "/cancel", { reason: "cancelled from the dashboard" }), "Cancelled.") }, "Cancel"));
    }
    if ((t.status === "failed" || t.status === "timed_out") && may("redrive")) {
      actions.push(h("button", { id: "redrive", onclick: () => act(() =>
        api("POST", "/api/v1/tasks/" + id + "/redrive"), "Redriven.") }, "Redrive"));
    }
    const progress = t.progress && typeof t.progress.percent === "number"
      ? h("div", { id: "progress" }, h("div", { class: "bar" }, fill(t.progress.percent)),
        h("span", { class: "muted" }, t.progress.percent + "% " + (t.progress.message || "")))
      : null;
    ctx.show(h("h1", {}, "Task ", h("span", { class: "mono" }, t.id)),
      h("p", {}, status(t.status), " ", t.type || "(any bot)", " · attempt " + t.attempt + " · priority " + t.priority,
        t.workflow_id ? h("span", {}, " · ", link("#/workflow/" + t.workflow_id, "its workflow")) : null),
      h("p", {}, ...actions), progress,
      why && why.reasons && why.reasons.length > 0 && !ENDED.includes(t.status)
        ? h("div", { class: "panel", id: "explain" }, h("strong", {}, "Why it is not running: "),
          why.reasons.map(r => h("div", {}, r.message + " [" + r.code + "]")))
        : null,
      h("h2", {}, "History"),
      h("ul", { class: "timeline", id: "timeline" }, events.map(e => h("li", {},
        h("strong", {}, (e.from_status || "–") + " → " + e.to_status), " attempt " + e.attempt + " · " + e.actor,
        h("div", { class: "muted" }, when(e.occurred_at) + (e.reason ? " · " + e.reason : ""))))),
      h("h2", {}, "Payload"), json(t.payload),
      t.result ? [h("h2", {}, "Result"), json(t.result)] : null,
      t.error ? [h("h2", {}, "Error"), h("p", { id: "error" }, t.error + (t.error_code ? " [" + t.error_code + "]" : ""))] : null);
    if (ENDED.includes(t.status) && refresh && ctx.alive()) {
      clearInterval(refresh);
      refresh = null;
    }
  };
  await draw();
  ctx.every(1000, draw);
}

// A bar's filled part; its width is set through the DOM, which the page's Content-Security-Policy allows.
function fill(percent) {
  const part = h("div", {});
  part.style.width = Math.max(0, Math.min(100, percent)) + "%";
  return part;
}

async function act(call, done) {
  try {
    await call();
    message(done, "info");
    route();
  } catch (error) {
    failed(error);
  }
}

function submit(_, ctx) {
  if (!may("submit")) {
    ctx.show(h("h1", {}, "Submit a task"), h("p", { class: "muted", id: "not-allowed" },
      "This key's role (" + me.role + ") may not submit tasks."));
    return;
  }
  const type = h("input", { id: "submit-type", required: true, placeholder: "echo" });
  const payload = h("textarea", { id: "submit-payload" }, "{}");
  const priority = h("input", { id: "submit-priority", type: "number", value: "0" });
  ctx.show(h("h1", {}, "Submit a task"), h("form", {
    class: "panel", id: "submit-form", onsubmit: async event => {
      event.preventDefault();
      let body;
      try {
        body = JSON.parse(payload.value || "{}");
      } catch (e) {
        message("The payload is not JSON: " + e.message);
        return;
      }
      try {
        const created = await api("POST", "/api/v1/tasks", { type: type.value.trim(), payload: body,
          priority: Number(priority.value || 0) });
        message("Submitted.", "info");
        location.hash = "#/task/" + created.id;
      } catch (error) {
        failed(error);
      }
    }
  }, h("label", { for: "submit-type" }, "Type"), type, h("label", { for: "submit-payload" }, "Payload (JSON)"),
  payload, h("label", { for: "submit-priority" }, "Priority"), priority,
  h("p", {}, h("button", { type: "submit" }, "Submit"))));
}

async function workflows(_, ctx) {
  const list = await api("GET", "/api/v1/workflows?limit=100");
  ctx.show(h("h1", {}, "Workflows"), table(["Workflow", "Name", "Status", "Steps", "Created"],
    list.map(w => [link("#/workflow/" + w.id, w.id), w.name, status(w.status), w.task_ids.length,
      when(w.created_at)]), "No workflows yet."));
}

async function workflow(id, ctx) {
  const draw = async () => {
    const w = await api("GET", "/api/v1/workflows/" + id + "/tasks");
    ctx.show(h("h1", {}, "Workflow ", w.workflow.name), h("p", {}, status(w.workflow.status), " ",
      h("span", { class: "mono" }, w.workflow.id)), graph(w),
    h("h2", {}, "Steps"), table(["Step", "Type", "Status", "Task"], (w.definition.steps || []).map((s, i) =>
      [s.id, s.type || "(any bot)", status(w.tasks[i].status), link("#/task/" + w.tasks[i].id, w.tasks[i].id)])));
    if (["completed", "failed", "cancelled"].includes(w.workflow.status) && refresh && ctx.alive()) {
      clearInterval(refresh);
      refresh = null;
    }
  };
  await draw();
  ctx.every(1000, draw);
}

// The steps placed in columns by their depth (the longest chain of steps before them), edges drawn between.
function graph(w) {
  const steps = w.definition.steps || [];
  const ids = steps.map((s, i) => s.id || "step-" + (i + 1));
  const names = v => v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  const edges = [];
  steps.forEach((s, i) => {
    names(s.depends_on).forEach(d => edges.push([d, ids[i], "depends"]));
    names(s.on_success).forEach(n => edges.push([ids[i], n, "success"]));
    names(s.on_failure).forEach(n => edges.push([ids[i], n, "failure"]));
  });
  const depth = {};
  ids.forEach(id => { depth[id] = 0; });
  for (let pass = 0; pass < ids.length; pass++) {
    edges.forEach(([from, to]) => {
      if (depth[from] !== undefined && depth[to] !== undefined && depth[to] < depth[from] + 1) depth[to] = depth[from] + 1;
    });
  }
  const rows = {};
  const place = {};
  ids.forEach(id => {
    const column = Math.min(depth[id], ids.length);
    rows[column] = (rows[column] || 0) + 1;
    place[id] = { x: 20 + column * 200, y: 20 + (rows[column] - 1) * 70 };
  });
  const width = 20 + (Math.max(...Object.values(depth), 0) + 1) * 200;
  const height = 20 + Math.max(...Object.values(rows), 1) * 70;
  const colors = { completed: "#1f9d55", failed: "#d03b3b", timed_out: "#d03b3b", assigned: "#d9a100",
    in_progress: "#d9a100", pending: "#3a62d7", waiting: "#8a94a6", skipped: "#b8c0cc", cancelled: "#b8c0cc" };
  const picture = svg("svg", { class: "graph", id: "graph", width, height, viewBox: "0 0 " + width + " " + height });
  edges.forEach(([from, to, kind]) => {
    if (!place[from] || !place[to]) return;
    picture.append(svg("line", { x1: place[from].x + 160, y1: place[from].y + 22, x2: place[to].x, y2: place[to].y + 22,
      stroke: kind === "failure" ? "#d03b3b" : kind === "success" ? "#1f9d55" : "#8a94a6",
      "stroke-dasharray": kind === "depends" ? "" : "5,4", "stroke-width": 2 }));
  });
  ids.forEach((id, i) => {
    const state = w.tasks[i] ? w.tasks[i].status : "waiting";
    const node = svg("g", { "data-step": id, "data-status": state, class: "step status-" + state });
    node.append(svg("rect", { x: place[id].x, y: place[id].y, width: 160, height: 44, rx: 6, fill: "#fff",
      stroke: colors[state] || "#8a94a6", "stroke-width": 3 }));
    node.append(svg("text", { x: place[id].x + 10, y: place[id].y + 18 }, id));
    node.append(svg("text", { x: place[id].x + 10, y: place[id].y + 35, fill: colors[state] || "#667085" }, state));
    picture.append(node);
  });
  return picture;
}

async function deadLetters(_, ctx) {
  const list = await api("GET", "/api/v1/tasks/dead-letters?limit=100");
  const redrive = may("redrive");
  const all = list.length && redrive ? h("button", { id: "redrive-all", onclick: () => act(async () => {
    for (const t of list) await api("POST", "/api/v1/tasks/" + t.id + "/redrive");
  }, "Redriven " + list.length + ".") }, "Redrive all " + list.length) : null;
  ctx.show(h("h1", {}, "Dead letters"), h("p", {}, all),
    table(["Task", "Type", "Status", "Attempts", "Error", ""], list.map(t => [link("#/task/" + t.id, t.id), t.type,
      status(t.status), t.attempts_made, (t.error || "") + (t.error_code ? " [" + t.error_code + "]" : ""),
      redrive ? h("button", { class: "secondary redrive", "data-task": t.id, onclick: () => act(() =>
        api("POST", "/api/v1/tasks/" + t.id + "/redrive"), "Redriven.") }, "Redrive") : ""]), "No dead letters."));
}

async function bots(_, ctx) {
  const draw = async () => {
    const list = await api("GET", "/api/v1/bots?limit=200");
    ctx.show(h("h1", {}, "Bots"), table(["Bot", "Name", "Status", "Slots", "Capabilities", "Last heartbeat", ""],
      list.map(b => [h("span", { class: "mono" }, b.id), b.name, status(b.status), b.slots, b.capabilities.join(", "),
        when(b.last_heartbeat_at), h("span", {},
          b.status === "online" && may("drain_bots") ? h("button", { class: "secondary", onclick: () => act(() =>
            api("POST", "/api/v1/bots/" + b.id + "/busy"), "Drained " + b.name + ".") }, "Drain") : null,
          b.status === "busy" && may("drain_bots") ? h("button", { class: "secondary", onclick: () => act(() =>
            api("POST", "/api/v1/bots/" + b.id + "/available"), "Resumed " + b.name + ".") }, "Resume") : null,
          " ", may("rotate_bot_tokens") ? h("button", { class: "secondary", onclick: () => act(async () => {
            const issued = await api("POST", "/api/v1/bots/" + b.id + "/token");
            window.prompt("The new token (shown once):", issued.token);
          }, "Rotated the token of " + b.name + ".") }, "Rotate token") : null)]), "No bots registered."));
  };
  await draw();
  ctx.every(3000, draw);
}

async function schedules(_, ctx) {
  const list = await api("GET", "/api/v1/schedules?limit=200");
  ctx.show(h("h1", {}, "Schedules"), table(["Name", "Cron", "Time zone", "Target", "Enabled", "Next fire", "Last fired"],
    list.map(s => [s.name, h("span", { class: "mono" }, s.cron), s.time_zone, s.target, s.enabled ? "yes" : "no",
      when(s.next_fire_at), when(s.last_fired_at)]), "No schedules."));
}

async function definitions(_, ctx) {
  const list = await api("GET", "/api/v1/workflow-definitions?limit=200");
  ctx.show(h("h1", {}, "Workflow definitions"), table(["Name", "Latest version", "Workflow", "Description", "Updated"],
    list.map(d => [d.name, d.latest_version, d.workflow_name, d.description, when(d.updated_at)]),
    "No stored definitions."));
}

// ---- routing

const PAGES = {
  "overview": overview, "tasks": tasks, "task": task, "submit": submit, "workflows": workflows,
  "workflow": workflow, "dead-letters": deadLetters, "bots": bots, "schedules": schedules, "definitions": definitions
};

// Each page drawn gets a context that goes stale when the next page is: a stale page's late answers and timers
// draw nothing.
function context() {
  const mine = ++generation;
  const alive = () => mine === generation;
  return {
    alive,
    show: (...content) => { if (alive()) show(...content); },
    every: (ms, action) => {
      if (alive()) refresh = setInterval(() => action().catch(e => { if (alive()) failed(e); }), ms);
    }
  };
}

function route() {
  if (refresh) {
    clearInterval(refresh);
    refresh = null;
  }
  leaving.forEach(stop => stop());
  leaving = [];
  const ctx = context();
  if (!sessionStorage.getItem(KEY)) {
    login();
    return;
  }
  if (me === null) {
    api("GET", "/api/v1/me").then(caller => {
      if (!ctx.alive()) return;
      me = caller;
      route();
    }).catch(error => { if (ctx.alive()) failed(error); });
    return;
  }
  document.getElementById("nav").hidden = false;
  document.getElementById("whoami").textContent = me.name + " (" + me.role + ")";
  document.querySelector("nav a[href='#/submit']").hidden = !may("submit");
  const [path, query] = (location.hash.replace(/^#\/?/, "") || "overview").split("?");
  const [page, id] = path.split("/");
  const draw = PAGES[page] || overview;
  document.querySelectorAll("nav a").forEach(a => a.classList.toggle("active",
    a.getAttribute("href") === "#/" + page));
  Promise.resolve(draw(id ? decodeURIComponent(id) : new URLSearchParams(query || ""), ctx))
    .catch(error => { if (ctx.alive()) failed(error); });
}

window.addEventListener("hashchange", () => { message(""); route(); });
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("logout").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    me = null;
    location.hash = "";
    route();
  });
  route();
});
