// The engine's HTTP API, as the page uses it. Same origin as the page; the key, when the
// engine has one, is kept for this tab only (sessionStorage) and sent as a bearer token.

const KEY = "xmemory-key";

export class ApiError extends Error {
  constructor(status, entry) {
    super(entry?.message || `HTTP ${status}`);
    this.status = status;
    this.field = entry?.field || null;
  }
}

// A key handed over in the address (`/ui/#key=...`) is taken and removed from it, so it
// stays out of history and bookmarks; fragments are never sent to the server.
export function takeKeyFromAddress() {
  const match = location.hash.match(/^#key=([^&]*)/);
  if (match) {
    setKey(decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + "#/");
  }
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    // A proxy's or the guard's page: not an envelope; the status says enough.
  }
  if (!response.ok) throw new ApiError(response.status, envelope?.errors?.[0]);
  return envelope;
}

const enc = encodeURIComponent;
const query = (params) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== "")).toString();

export const api = {
  instances: async () => (await call("GET", "/instances")).items,
  page: async (instance, type, params) =>
    (await call("GET", `/instances/${enc(instance)}/records/${enc(type)}?${query(params)}`)).items[0],
  record: async (instance, type, xuid) =>
    (await call("GET", `/instances/${enc(instance)}/records/${enc(type)}/${enc(xuid)}`)).items[0],
  graph: async (instance, xuid, depth) =>
    (await call("GET", `/instances/${enc(instance)}/graph/${enc(xuid)}?depth=${depth}`)).items[0],
  writes: async (instance, before) =>
    (await call("GET", `/instances/${enc(instance)}/writes?${query({ before, limit: 50 })}`)).items,
  undoPlan: async (instance, writeId) =>
    (await call("GET", `/instances/${enc(instance)}/writes/${enc(writeId)}/undo`)).items[0],
  // Every change the page makes goes here: structured mutations with the words that explain
  // them, the same write an agent makes (the schema's checks, the queue, history).
  write: async (instance, mutations, said) =>
    (
      await call("POST", `/instances/${enc(instance)}/write`, {
        structured_mutations: mutations,
        source_text: said,
      })
    ).items[0],
};
