// index.js: the servers the user owns or is a subuser of.
import { api } from './api.js';
import { $, cell, h, requireUser, setAlert } from './ui.js';

const PER_PAGE = 50;
const table = $('#servers-table');
const pager = $('#pager');
let page = 1;

function row(server) {
  const status = server.status ?? (server.is_suspended ? 'suspended' : 'ready');
  return h('tr', {},
    cell('Name', server.name),
    cell('Identifier', h('code', {}, server.uuid_short)),
    cell('Node', server.node_name),
    cell('Location', server.location_name),
    cell('Status', h('span', { class: `badge badge-${status === 'ready' ? 'ok' : 'warn'}` }, status)));
}

async function load(to) {
  const r = await api('GET', `/api/client/servers?page=${to}&per_page=${PER_PAGE}`);
  const list = r.status === 200 && r.data.servers;
  setAlert($('#servers-error'), list ? [] : r.errors);
  if (!list) return;
  page = to;
  const pages = Math.max(1, Math.ceil(list.total / list.per_page));
  table.tBodies[0].replaceChildren(...list.data.map(row));
  table.hidden = list.data.length === 0;
  $('#no-servers').hidden = list.data.length > 0 || page > 1;
  pager.hidden = list.total <= list.per_page;
  $('#page-info').textContent = `Page ${page} of ${pages}`;
  const focused = document.activeElement;
  $('#prev-page').disabled = page <= 1;
  $('#next-page').disabled = page >= pages;
  if (focused && focused.disabled) $(focused.id === 'prev-page' ? '#next-page' : '#prev-page').focus();
}

$('#prev-page').addEventListener('click', () => load(page - 1));
$('#next-page').addEventListener('click', () => load(page + 1));

await requireUser();
await load(1);
