/** Escapes text for HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The demo's web page: a conversation that updates live through server-sent
 * events (`/events`) and a form that sends a message (`POST /chat`). Appends
 * the items of each `add` event; reloads the history (`/history`) on a gap in
 * versions or any other kind of change. `#messages[data-events]` and
 * `[data-snapshots]` count the change events and snapshots received (a second
 * snapshot means the stream reconnected), for the browser test.
 */
export function conversationPage(instance: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>agents-redis-session · multi-instance demo</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  #messages { list-style: none; padding: 0; }
  #messages li { margin: .3rem 0; padding: .4rem .6rem; border-radius: .4rem; background: #f1f1f1; }
  #messages li.user { background: #dbeafe; }
  #messages li.assistant { background: #dcfce7; }
  .who { font-weight: 600; margin-right: .5rem; }
  #status { color: #555; }
  form { display: flex; gap: .5rem; } form input { flex: 1; padding: .4rem; }
</style>
</head>
<body>
<h1>Conversation <code id="conversation"></code></h1>
<p>Page served by instance <b>${escapeHtml(instance)}</b> · live feed from instance <b id="feed">?</b> · <span id="status">connecting…</span></p>
<ol id="messages" data-events="0" data-snapshots="0"></ol>
<form id="send"><input name="message" autocomplete="off" placeholder="Say something, e.g. What's the weather in Rome?" required><button>Send</button></form>
<script type="module">
const id = new URLSearchParams(location.search).get('conversationId');
const query = 'conversationId=' + encodeURIComponent(id);
const list = document.getElementById('messages');
const status = document.getElementById('status');
document.getElementById('conversation').textContent = id;
let lastVersion = null;

function textOf(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (value && typeof value === 'object') return value.text ?? value.refusal ?? JSON.stringify(value);
  return String(value);
}
function render(item) {
  const li = document.createElement('li');
  const who = document.createElement('span');
  const text = document.createElement('span');
  who.className = 'who';
  if ('role' in item) { li.className = item.role; who.textContent = item.role; text.textContent = textOf(item.content); }
  else if (item.type === 'function_call') { who.textContent = 'tool call'; text.textContent = item.name + '(' + item.arguments + ')'; }
  else if (item.type === 'function_call_result') { who.textContent = 'tool result'; text.textContent = textOf(item.output); }
  else { who.textContent = item.type; }
  li.append(who, text);
  return li;
}
async function reload(version) {
  const response = await fetch('/history?' + query);
  list.replaceChildren(...(await response.json()).items.map(render));
  lastVersion = version;
}

const source = new EventSource('/events?' + query);
source.addEventListener('snapshot', (e) => {
  const snapshot = JSON.parse(e.data);
  list.replaceChildren(...snapshot.items.map(render));
  list.dataset.snapshots = String(Number(list.dataset.snapshots) + 1);
  lastVersion = snapshot.version;
  document.getElementById('feed').textContent = snapshot.instance;
  status.textContent = 'live';
});
source.addEventListener('change', (e) => {
  const event = JSON.parse(e.data);
  list.dataset.events = String(Number(list.dataset.events) + 1);
  if (event.type === 'clear') { list.replaceChildren(); lastVersion = 0; return; }
  if (lastVersion !== null && event.version <= lastVersion) return; // already shown
  if (event.type === 'add' && event.items && (lastVersion === null || event.version === lastVersion + 1)) {
    list.append(...event.items.map(render));
    lastVersion = event.version;
  } else {
    void reload(event.version);
  }
});
source.addEventListener('gap', (e) => void reload(JSON.parse(e.data).received));
source.onerror = () => { status.textContent = 'reconnecting…'; };

document.getElementById('send').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = e.target.elements.message;
  const message = input.value;
  input.value = '';
  status.textContent = 'sending…';
  const response = await fetch('/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: id, message }) });
  const body = await response.json();
  status.textContent = response.ok ? 'live · last turn ran on instance ' + body.instance : 'error: ' + body.error;
});
</script>
</body>
</html>
`;
}
