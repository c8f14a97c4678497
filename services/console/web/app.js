// 六单联办工作平台: the console's pages. Everything shown comes from the console's /api, which asks the services as
// the signed-in person; which commands a case offers is the dispatch service's answer (allowed), never decided here.
'use strict';

const TOKEN_KEY = 'gridcase.token';
const $ = (sel, root = document) => root.querySelector(sel);

// --- Words of the platform ---------------------------------------------------------------------------------------
const ROLE = {
  ROLE_GRID_WORKER: '网格员', ROLE_COMMUNITY: '村（社区）', ROLE_TOWNSHIP_DISPATCHER: '乡镇（街道）派单员',
  ROLE_DEPARTMENT_HANDLER: '部门承办人', ROLE_SUPERVISOR: '督查督办', ROLE_HOTLINE_OPERATOR: '12345话务员',
  ROLE_SYSTEM: '系统服务',
};
const STATUS = {
  CASE_STATUS_SUBMITTED: '待核实', CASE_STATUS_AWAITING_COMMUNITY: '待村社处置', CASE_STATUS_HANDLING_LOCALLY: '村社自办中',
  CASE_STATUS_AWAITING_DISPATCH: '待派单', CASE_STATUS_DISPATCHED: '待签收', CASE_STATUS_IN_PROGRESS: '办理中',
  CASE_STATUS_RESOLVED: '待评价', CASE_STATUS_CLOSED: '已办结', CASE_STATUS_INVALID: '无效件', CASE_STATUS_DUPLICATE: '重复件',
};
const CATEGORY = {
  CATEGORY_SIMPLE: '简单', CATEGORY_GENERAL: '一般', CATEGORY_MAJOR: '较大', CATEGORY_DIFFICULT: '疑难',
  CATEGORY_CROSS_COUNTY: '跨县市',
};
const CHANNEL = {
  CHANNEL_HOTLINE_12345: '12345热线', CHANNEL_APP: '群众APP', CHANNEL_GRID_PATROL: '网格巡查', CHANNEL_OPEN311: '开放接口',
};
const LEVEL = {
  LEVEL_GRID: '网格', LEVEL_COMMUNITY: '村（社区）', LEVEL_TOWNSHIP: '乡镇（街道）', LEVEL_COUNTY: '县级',
  LEVEL_DEPARTMENT: '部门',
};
const STAGE = { GRID_VERIFICATION: '网格核单', COMMUNITY: '村社处置', TOWNSHIP_DISPATCH: '街镇派单', DEPARTMENT: '部门签收' };
const CLOCK = { CLOCK_KIND_SIGN_OFF: '签收时限', CLOCK_KIND_COMPLETION: '办结时限' };
const EVENT = {
  submitted: '群众点单（受理）', co_requester_added: '重复诉求并案', grid_verified: '网格核单', grid_marked_invalid: '认定无效件',
  grid_marked_duplicate: '认定重复件', community_handled_locally: '村社自办', community_escalated: '村社上报街镇',
  township_dispatched: '街镇派单', department_accepted: '部门签收', department_transferred: '部门转办',
  department_returned: '部门退单', extension_requested: '申请延期', extension_decided: '延期审批', resolved: '办结答复',
  resident_rated: '群众评单', reopened: '重新办理', escalated: '提级督办', sla_warned: '时限预警', sla_breached: '超时告警',
  deadline_set: '设定办结时限', closed: '结案', paused: '挂起（等待群众）', resumed: '恢复办理',
  personal_data_erased: '个人信息删除',
};
const RETURN_REASONS = ['不属于本部门职责', '地址不详，无法核实', '诉求内容不明确', '需其他部门牵头处置', '已在其他渠道办理'];

// Each command the dispatch service may allow: its button, and the fields of its form.
const COMMANDS = {
  VerifyGrid: { label: '核实', fields: ['grid', 'category', 'catalogue', 'note'] },
  MarkInvalid: { label: '无效件', fields: ['reason'], danger: true },
  MarkDuplicate: { label: '重复件', fields: ['duplicate_of', 'note'] },
  CommunityHandleLocally: { label: '村社自办', fields: ['note'] },
  CommunityEscalate: { label: '上报街镇', fields: ['reason'] },
  TownshipDispatch: { label: '派单', fields: ['department', 'note'] },
  DepartmentAccept: { label: '签收', fields: [] },
  DepartmentTransfer: { label: '转办', fields: ['to_department', 'reason'] },
  DepartmentReturn: { label: '退单', fields: ['return_reason', 'reason_text'], danger: true },
  RequestExtension: { label: '申请延期', fields: ['extra', 'reason'] },
  DecideExtension: { label: '延期审批', fields: ['approved', 'extra', 'note'] },
  PauseForResident: { label: '挂起', fields: ['reason'] },
  ResumeHandling: { label: '恢复办理', fields: ['note'] },
  Resolve: { label: '办结', fields: ['reply', 'contacted'] },
  Close: { label: '结案', fields: ['note'], danger: true },
  Escalate: { label: '督办', fields: ['reason'], danger: true },
};

// --- State ---------------------------------------------------------------------------------------------------------
const state = { me: null, registry: null, index: null, queue: null, filters: { status: '', category: '', grid: '' },
  stream: null, alerts: [], late: null };

// --- Helpers -------------------------------------------------------------------------------------------------------
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

function notice(text, kind) {
  const n = $('#notice');
  n.textContent = text;
  n.className = `notice ${kind || ''}`;
  n.hidden = !text;
  if (text && kind === 'ok') setTimeout(() => { if (n.textContent === text) n.hidden = true; }, 4000);
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = { Authorization: `Bearer ${token}` };
  if (options.body) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401) { logout('登录已失效，请重新登录。'); throw new ApiError(401, 'UNAUTHENTICATED', '未登录'); }
  const type = res.headers.get('Content-Type') || '';
  if (!type.startsWith('application/json')) {
    if (!res.ok) throw new ApiError(res.status, '', await res.text());
    return res;
  }
  const body = await res.json();
  if (!res.ok) throw new ApiError(res.status, body.error?.status, body.error?.message || res.statusText);
  return body;
}

function seconds(duration) { return duration ? parseFloat(duration) : 0; }

function span(secs) {
  const s = Math.abs(secs);
  const d = Math.floor(s / 86400), hr = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}天${hr}小时`;
  if (hr) return `${hr}小时${m}分`;
  if (m) return `${m}分钟`;
  return `${Math.floor(s)}秒`;
}

function when(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function unitName(code) {
  if (!code) return '—';
  const u = state.index?.units.get(code);
  return u ? u.name : code;
}

// The clock that decides a case's light: the running clock (of the case's cycle) furthest through its allowance.
function leadClock(clocks, c) {
  const running = (clocks?.clocks || []).filter((k) => !k.stopped && (!c || (k.cycle || 0) === (c.cycle || 0)));
  running.sort((a, b) => (b.percent_elapsed || 0) - (a.percent_elapsed || 0));
  return running[0] || null;
}

function lightOf(clock) {
  if (!clock) return 'none';
  const pct = clock.percent_elapsed || 0;
  if (clock.breached || pct >= 100) return 'red';
  return pct >= 75 ? 'yellow' : 'green';
}

function timeLeft(clock) {
  if (!clock) return h('span', { class: 'hint' }, '未计时');
  const left = seconds(clock.remaining);
  const text = left < 0 ? `超期 ${span(left)}` : `剩余 ${span(left)}`;
  return h('span', { class: left < 0 ? 'late' : lightOf(clock) === 'yellow' ? 'warn' : '' },
    text, clock.paused ? '（已挂起）' : '');
}

function statusBadge(status) {
  const closed = ['CASE_STATUS_CLOSED', 'CASE_STATUS_INVALID', 'CASE_STATUS_DUPLICATE'].includes(status);
  return h('span', { class: `badge ${closed ? 'gray' : ''}` }, STATUS[status] || status);
}

function snake(name) { return name.replace(/[A-Z]/g, (m, i) => (i ? '_' : '') + m.toLowerCase()); }

function newRequestId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// --- Sign-in -------------------------------------------------------------------------------------------------------
function logout(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.me = null;
  stopStream();
  location.hash = '#/login';
  render();
  if (message) notice(message, 'error');
}

function loginView() {
  const area = h('textarea', { id: 'token', placeholder: 'eyJhbGciOiJFUzI1NiIs…', spellcheck: 'false' });
  const submit = async (e) => {
    e.preventDefault();
    const token = area.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) { notice('请粘贴登录令牌。', 'error'); return; }
    sessionStorage.setItem(TOKEN_KEY, token);
    try {
      await loadMe();
      notice('');
      location.hash = state.me.role === 'ROLE_SUPERVISOR' ? '#/board' : '#/queue';
    } catch (err) {
      sessionStorage.removeItem(TOKEN_KEY);
      notice(`登录失败：${err.message}`, 'error');
    }
  };
  return h('div', { class: 'panel login' },
    h('h2', {}, '统一身份登录'),
    h('form', { onsubmit: submit },
      h('p', {}, '请粘贴本人的登录令牌（由统一身份认证平台签发）。令牌只保存在本浏览器标签页中，关闭即失效。'),
      area,
      h('p', { class: 'hint' }, '开发环境：在项目目录运行 scripts/token 角色 单位编码 生成令牌，例如 ',
        h('span', { class: 'mono' }, 'scripts/token township_dispatcher 330199001')),
      h('button', { class: 'btn red', type: 'submit', id: 'login' }, '登 录')));
}

async function loadMe() {
  state.me = await api('/api/me');
  if (!state.registry) {
    state.registry = await api('/api/registry');
    const units = new Map();
    for (const kind of ['counties', 'townships', 'communities', 'grids', 'departments']) {
      for (const u of state.registry[kind] || []) units.set(u.code, u);
    }
    const catalogue = new Map((state.registry.catalogue || []).map((c) => [c.code, c]));
    state.index = { units, catalogue };
  }
}

// --- Work queue ----------------------------------------------------------------------------------------------------
async function queueView() {
  const root = h('div', {});
  const panel = h('div', { class: 'panel' });
  root.append(panel);
  panel.append(h('h2', {}, '待办案件', h('small', {}, `${unitName(state.me.unit)} · 按剩余时限排序`)));
  let data;
  try {
    data = await api('/api/queue');
  } catch (err) {
    panel.append(h('div', { class: 'empty' }, `无法读取待办：${err.message}`));
    return root;
  }
  state.queue = data;
  const items = data.items.map((it) => ({ ...it, lead: leadClock(it.clocks, it.case) }));
  items.sort((a, b) => (a.lead ? seconds(a.lead.remaining) : Infinity) - (b.lead ? seconds(b.lead.remaining) : Infinity));

  const f = state.filters;
  const options = (values, labels, current, all) => [h('option', { value: '' }, all),
    ...values.map((v) => h('option', { value: v, selected: v === current }, labels(v)))];
  const statuses = [...new Set(items.map((i) => i.case.status))];
  const categories = [...new Set(items.map((i) => i.case.category).filter(Boolean))];
  const grids = [...new Set(items.map((i) => i.case.location?.grid_code).filter(Boolean))].sort();
  const rerender = () => { render(); };
  const search = h('input', { type: 'text', id: 'search', placeholder: '输入案件编号，如 GC-20261130-000001' });
  panel.append(h('div', { class: 'filters' },
    h('label', {}, '状态 ', h('select', { id: 'f-status', onchange: (e) => { f.status = e.target.value; rerender(); } },
      options(statuses, (s) => STATUS[s] || s, f.status, '全部'))),
    h('label', {}, '类别 ', h('select', { id: 'f-category', onchange: (e) => { f.category = e.target.value; rerender(); } },
      options(categories, (c) => CATEGORY[c] || c, f.category, '全部'))),
    h('label', {}, '网格 ', h('select', { id: 'f-grid', onchange: (e) => { f.grid = e.target.value; rerender(); } },
      options(grids, unitName, f.grid, '全部'))),
    h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); if (search.value.trim()) location.hash = `#/case/${search.value.trim()}`; } },
      search, h('button', { class: 'btn ghost small', type: 'submit' }, '查询'))));

  const red = items.filter((i) => lightOf(i.lead) === 'red').length;
  const yellow = items.filter((i) => lightOf(i.lead) === 'yellow').length;
  panel.append(h('div', { class: 'summary' }, `共 ${items.length} 件`, h('span', { class: 'light red' }), `超期 ${red}`,
    h('span', { class: 'light yellow' }), `临期 ${yellow}`, h('span', { class: 'light green' }), `正常 ${items.length - red - yellow}`));
  const shown = items.filter((i) => (!f.status || i.case.status === f.status) &&
    (!f.category || i.case.category === f.category) && (!f.grid || i.case.location?.grid_code === f.grid));
  if (!shown.length) {
    panel.append(h('div', { class: 'empty' }, items.length ? '没有符合筛选条件的案件。' : '暂无待办案件。'));
  } else {
    panel.append(caseTable('queue', shown));
  }
  const others = await othersPanel(new Set(items.map((i) => i.case.id)));
  if (others) root.append(others);
  return root;
}

// Rows of cases ({case, allowed, lead}) with their light, time left and allowed commands.
function caseTable(id, items) {
  const rows = items.map((it) => {
    const c = it.case;
    return h('tr', { 'data-case': c.id },
      h('td', { 'data-label': '灯' }, h('span', { class: `light ${lightOf(it.lead)}`, title: it.lead ? `已用 ${it.lead.percent_elapsed || 0}%` : '' })),
      h('td', { 'data-label': '编号' }, h('a', { href: `#/case/${c.id}` }, c.id), c.emergency ? h('span', { class: 'badge red' }, '紧急') : null),
      h('td', { 'data-label': '诉求' }, c.title || (c.text || '').slice(0, 30)),
      h('td', { 'data-label': '类别' }, CATEGORY[c.category] || '—'),
      h('td', { 'data-label': '状态' }, statusBadge(c.status), c.paused ? h('span', { class: 'badge gray' }, '挂起') : null),
      h('td', { 'data-label': '网格' }, unitName(c.location?.grid_code)),
      h('td', { 'data-label': '时限' }, timeLeft(it.lead)),
      h('td', { 'data-label': '操作' }, actionButtons(c, it.allowed)));
  });
  return h('table', { class: 'responsive', id },
    h('thead', {}, h('tr', {}, ['', '案件编号', '诉求', '类别', '状态', '所在网格', '时限', '可办理操作'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows));
}

// Cases the person may act on without holding them (a township's manual grid placement, extension decisions on a
// department's case): the readable open cases on which dispatch allows this person a command.
async function othersPanel(queued) {
  let data;
  try {
    data = await api('/api/cases?status=open&limit=2000&clocks=1&allowed=1');
  } catch (err) {
    return null;
  }
  const items = data.cases.filter((c) => !queued.has(c.id) && (data.allowed?.[c.id]?.commands || []).length)
    .map((c) => ({ case: c, allowed: data.allowed[c.id], lead: leadClock(data.clocks?.[c.id], c) }));
  if (!items.length) return null;
  items.sort((a, b) => (a.lead ? seconds(a.lead.remaining) : Infinity) - (b.lead ? seconds(b.lead.remaining) : Infinity));
  return h('div', { class: 'panel' }, h('h2', {}, '辖区内其他可办理案件', h('small', {}, '如人工定格、延期审批')), caseTable('others', items));
}

function actionButtons(c, allowed, empty = '—') {
  const names = (allowed?.commands || []).filter((n) => COMMANDS[n]);
  if (!names.length) return h('span', { class: 'hint' }, empty);
  return h('div', { class: 'actions' }, names.map((n) => h('button', {
    class: `btn small ${COMMANDS[n].danger ? 'red' : ''}`, type: 'button', 'data-command': n,
    onclick: () => openCommand(c, allowed, n),
  }, COMMANDS[n].label)));
}

// --- Command forms -------------------------------------------------------------------------------------------------
function selectOf(name, entries, current) {
  return h('select', { name }, entries.map(([v, t]) => h('option', { value: v, selected: v === current }, t)));
}

function fieldInput(field, c) {
  const idx = state.index;
  const catalogueEntries = [...idx.catalogue.values()].map((i) => [i.code, `${i.name}（${i.code}）`]);
  const departments = (state.registry.departments || []).map((d) => [d.code, d.name]);
  switch (field) {
    case 'grid': {
      const community = c.location?.community_code;
      const grids = (state.registry.grids || []).filter((g) => !community || g.community_code === community);
      return h('label', {}, '所在网格', selectOf('grid_code', grids.map((g) => [g.code, g.name]), c.location?.grid_code || state.me.unit));
    }
    case 'category':
      return h('label', {}, '案件类别（可更正）', selectOf('category', Object.entries(CATEGORY), c.category));
    case 'catalogue':
      return h('label', {}, '事项目录（可更正）', selectOf('catalogue_item', catalogueEntries, c.catalogue_item));
    case 'department': {
      const item = idx.catalogue.get(c.catalogue_item);
      const suggested = item ? `按目录直派：${unitName(item.department_code)}` : '按目录直派';
      return h('label', {}, '承办部门', selectOf('department_code', [['', suggested], ...departments], ''));
    }
    case 'to_department':
      return h('label', {}, '转至部门', selectOf('to_department_code', departments.filter(([code]) => code !== c.department_code), ''));
    case 'return_reason':
      return h('label', {}, '退单原因', selectOf('return_reason', RETURN_REASONS.map((r) => [r, r]), RETURN_REASONS[0]));
    case 'reason_text':
      return h('label', {}, '补充说明', h('textarea', { name: 'reason_text' }));
    case 'extra':
      return h('label', {}, '延长时长', selectOf('extra', [['14400s', '4小时'], ['28800s', '1个工作日（8小时）'],
        ['57600s', '2个工作日'], ['115200s', '4个工作日']], '28800s'));
    case 'approved':
      return h('label', {}, '审批意见', selectOf('approved', [['true', '同意延期'], ['false', '不同意']], 'true'));
    case 'duplicate_of':
      return h('label', {}, '与之重复的案件编号', h('input', { type: 'text', name: 'duplicate_of', required: true }));
    case 'reply':
      return h('label', {}, '办理结果答复（将告知群众）', h('textarea', { name: 'reply', required: true }));
    case 'contacted':
      return h('label', {}, h('input', { type: 'checkbox', name: 'contacted_resident', checked: true }), ' 已电话联系群众');
    case 'reason':
      return h('label', {}, '原因', h('textarea', { name: 'reason', required: true }));
    default:
      return h('label', {}, '备注', h('textarea', { name: 'note' }));
  }
}

function commandBody(name, form, c) {
  const v = (n) => form.elements[n]?.value?.trim() || '';
  switch (name) {
    case 'VerifyGrid': return { grid_code: v('grid_code'), category: v('category'), catalogue_item: v('catalogue_item'), note: v('note') };
    case 'TownshipDispatch': return { department_code: v('department_code'), note: v('note') };
    case 'DepartmentAccept': return {};
    case 'DepartmentTransfer': return { to_department_code: v('to_department_code'), reason: v('reason') };
    case 'DepartmentReturn': return { reason: v('reason_text') ? `${v('return_reason')}：${v('reason_text')}` : v('return_reason') };
    case 'RequestExtension': return { extra: v('extra'), reason: v('reason') };
    case 'DecideExtension': return { approved: v('approved') === 'true', extra: v('approved') === 'true' ? v('extra') : undefined, note: v('note') };
    case 'Resolve': return { reply: v('reply'), contacted_resident: form.elements.contacted_resident.checked };
    case 'MarkDuplicate': return { duplicate_of: v('duplicate_of'), note: v('note') };
    case 'Close': return { reason: 'REASON_ADMINISTRATIVE', note: v('note') };
    default: {
      const body = {};
      for (const n of ['reason', 'note']) if (form.elements[n]) body[n] = v(n);
      return body;
    }
  }
}

function openCommand(c, allowed, name) {
  const spec = COMMANDS[name];
  const dialog = $('#dialog');
  const form = $('#dialog-form');
  form.replaceChildren(
    h('h3', {}, `${spec.label} · ${c.id}`),
    h('p', { class: 'hint' }, c.title || c.text || ''),
    ...spec.fields.map((f) => fieldInput(f, c)),
    h('div', { class: 'buttons' },
      h('button', { class: 'btn ghost', type: 'button', onclick: () => dialog.close() }, '取消'),
      h('button', { class: `btn ${spec.danger ? 'red' : ''}`, type: 'submit', id: 'confirm' }, `确认${spec.label}`)));
  form.onsubmit = async (e) => {
    e.preventDefault();
    const payload = { expected_version: allowed.version, request_id: newRequestId() };
    payload[snake(name)] = commandBody(name, form, c);
    try {
      await api(`/api/cases/${encodeURIComponent(c.id)}/commands`, { method: 'POST', body: JSON.stringify(payload) });
      dialog.close();
      notice(`${c.id} 已${spec.label}。`, 'ok');
    } catch (err) {
      dialog.close();
      if (err.code === 'ABORTED') {
        notice(`案件 ${c.id} 刚被他人更新，您看到的已不是最新版本，页面已刷新，请确认后重新操作。`, 'error');
      } else {
        notice(`${spec.label}未成功：${err.message}`, 'error');
      }
    }
    render();
  };
  dialog.showModal();
}

// --- Case page -----------------------------------------------------------------------------------------------------
function eventDetail(e) {
  const p = Object.entries(e).find(([k]) => EVENT[k]);
  if (!p) return '';
  const [kind, body] = p;
  const parts = [];
  if (body.reason) parts.push(`原因：${body.reason}`);
  if (body.note) parts.push(`备注：${body.note}`);
  if (body.reply) parts.push(`答复：${body.reply}`);
  if (body.department_code) parts.push(`承办：${unitName(body.department_code)}`);
  if (body.to_department_code) parts.push(`转至：${unitName(body.to_department_code)}`);
  if (body.grid_code && kind === 'grid_verified') parts.push(`网格：${unitName(body.grid_code)}`);
  if (body.category && kind === 'grid_verified') parts.push(`类别：${CATEGORY[body.category] || body.category}`);
  if (body.satisfaction) parts.push(`评价：${{ SATISFACTION_SATISFIED: '满意', SATISFACTION_BASICALLY: '基本满意', SATISFACTION_DISSATISFIED: '不满意' }[body.satisfaction] || body.satisfaction}`);
  if (body.to_level) parts.push(`提级至：${LEVEL[body.to_level] || body.to_level}`);
  if (body.extra) parts.push(`时长：${span(seconds(body.extra))}`);
  if (body.approved !== undefined && kind === 'extension_decided') parts.push(body.approved ? '同意' : '不同意');
  if (body.due_at) parts.push(`时限至：${when(body.due_at)}`);
  return parts.join('；');
}

function actorText(a) {
  if (!a) return '';
  if (a.role === 'ROLE_SYSTEM') return `系统（${a.person_id || ''}）`;
  return `${ROLE[a.role] || a.role} ${unitName(a.unit_code)}`;
}

async function caseView(id) {
  let data;
  try {
    data = await api(`/api/cases/${encodeURIComponent(id)}`);
  } catch (err) {
    return h('div', { class: 'panel' }, h('h2', {}, `案件 ${id}`), h('div', { class: 'empty' },
      err.status === 404 ? '未找到该案件。' : err.status === 403 ? '您无权查看该案件。' : `无法读取：${err.message}`));
  }
  const c = data.case;
  const lead = leadClock(data.clocks, c);
  const loc = c.location || {};
  const item = state.index.catalogue.get(c.catalogue_item);
  const resident = c.resident || {};
  const head = h('div', { class: 'panel' },
    h('h2', {}, h('span', { class: `light ${lightOf(lead)}` }), ` 案件 ${c.id} `, statusBadge(c.status),
      c.emergency ? h('span', { class: 'badge red' }, '紧急') : null, h('small', {}, `第 ${c.version} 版`)),
    h('div', { class: 'actions', id: 'case-actions' }, h('span', { class: 'hint' }, '可办理操作：'),
      actionButtons(c, data.allowed, '当前环节无需您办理')));
  const fields = h('div', { class: 'panel' }, h('h2', {}, '案件信息'), h('dl', { class: 'fields' },
    ...[['诉求标题', c.title || '—'], ['诉求内容', c.text || '—'], ['来源渠道', CHANNEL[c.channel] || c.channel],
      ['事项目录', item ? `${item.name}（${item.code}）` : c.catalogue_item || '—'],
      ['案件类别', `${CATEGORY[c.category] || '—'}${c.category_suggested ? '（系统建议，待核实）' : ''}`],
      ['当前层级', LEVEL[c.level] || '—'], ['当前承办', unitName(c.holder_unit)],
      ['责任部门', unitName(c.department_code)], ['地址', loc.address || '—'],
      ['所在网格', `${unitName(loc.grid_code)}${loc.needs_manual_grid ? '（待人工定格）' : ''}`],
      ['诉求人', `${resident.name || '—'} ${resident.phone || ''}`], ['受理时间', when(c.created_at)],
      ['办结时限', when(c.due_at)], ['办理答复', c.resolution_reply || '—']].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    h('dt', {}, '附件'), h('dd', {}, (c.media_urls || []).length ? (c.media_urls || []).map((u, i) =>
      h('a', { href: u, target: '_blank', rel: 'noopener noreferrer' }, `照片${i + 1} `)) : '无'),
    h('dt', {}, '联名诉求人'), h('dd', {}, (c.co_requesters || []).length ? (c.co_requesters || []).map((r) =>
      h('div', {}, `${r.name || '—'} ${r.phone || ''}`)) : '无')));

  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'map');
  svg.id = 'case-map';
  const township = loc.township_code;
  const communities = new Set((state.registry.communities || []).filter((m) => m.township_code === township).map((m) => m.code));
  const grids = (state.registry.grids || []).filter((g) => (township ? communities.has(g.community_code) : g.community_code === loc.community_code));
  const here = state.index.units.get(loc.grid_code);
  const point = loc.point ? { lat: loc.point.lat, lng: loc.point.lng } : here ? GridMap.centroid(here) : null;
  GridMap.draw(svg, grids, (g) => (g.code === loc.grid_code ? 'here' : g.community_code === loc.community_code ? 'near' : ''),
    point ? [{ ...point, cls: 'red', r: 1.4, title: loc.address || c.id }] : []);
  const map = h('div', { class: 'panel' }, h('h2', {}, '位置', h('small', {}, `${unitName(loc.township_code)} · ${unitName(loc.community_code)}`)), svg,
    h('div', { class: 'legend' }, '红色网格：案件所在网格；浅蓝：同一村（社区）；红点：上报位置'));

  const clocks = (data.clocks?.clocks || []).map((k) => {
    const pct = Math.min(k.percent_elapsed || 0, 100);
    return h('tr', {},
      h('td', { 'data-label': '时限' }, `${CLOCK[k.kind] || k.kind}${k.stage ? ` · ${STAGE[k.stage] || k.stage}` : ''}`),
      h('td', { 'data-label': '到期' }, when(k.due_at)),
      h('td', { 'data-label': '进度' }, h('div', { class: 'bar' }, h('i', { class: lightOf(k), style: null })), `${k.percent_elapsed || 0}%`),
      h('td', { 'data-label': '剩余' }, k.stopped ? h('span', { class: 'hint' }, '已停止') : timeLeft(k)));
  });
  const clockPanel = h('div', { class: 'panel' }, h('h2', {}, '办理时限'),
    clocks.length ? h('table', { class: 'responsive', id: 'clocks' }, h('thead', {}, h('tr', {}, ['时限', '到期时间', '进度', '剩余'].map((t) => h('th', {}, t)))),
      h('tbody', {}, clocks)) : h('div', { class: 'empty' }, '尚未开始计时。'));
  // Bar widths are set through the CSSOM (allowed by the page's content security policy).
  clockPanel.querySelectorAll('.bar i').forEach((bar, i) => { bar.style.width = `${Math.min(data.clocks.clocks[i].percent_elapsed || 0, 100)}%`; });

  const timeline = h('div', { class: 'panel' }, h('h2', {}, '流转记录'), h('ul', { class: 'timeline', id: 'timeline' },
    data.timeline.map((e) => {
      const kind = Object.keys(e).find((k) => EVENT[k]);
      return h('li', { class: kind && kind.startsWith('sla_') ? 'sla' : '' },
        h('div', {}, h('b', {}, EVENT[kind] || kind), ' ', h('span', { class: 'hint' }, actorText(e.actor))),
        h('div', {}, eventDetail(e)), h('div', { class: 'when' }, when(e.occurred_at)));
    })));
  return h('div', {}, head, h('div', { class: 'grid2' }, h('div', {}, fields, clockPanel), h('div', {}, map, timeline)));
}

// --- Supervisor board ----------------------------------------------------------------------------------------------
function stopStream() {
  if (state.stream) { state.stream.abort(); state.stream = null; }
  state.live = false;
}

// Reads the console's server-sent events with fetch (EventSource cannot send the token), reconnecting when it ends.
function startStream(onEvent, onState) {
  stopStream();
  const controller = new AbortController();
  state.stream = controller;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch('/api/overdue/stream', { headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` }, signal: controller.signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let event = 'message', data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (event === 'ready') onState(true);
            else if (event === 'end') onState(false);
            else if (event === 'alert') onEvent(JSON.parse(data));
          }
        }
      } catch (err) {
        if (controller.signal.aborted) return;
      }
      onState(false);
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  run();
}

function alertItem(a, fresh) {
  const breach = !!a.event?.sla_breached;
  const body = a.event?.sla_breached || a.event?.sla_warned || {};
  return h('li', { class: fresh ? 'fresh' : '', 'data-case': a.case_id, 'data-kind': breach ? 'breach' : 'warning',
    'data-occurred': a.event?.occurred_at, 'data-received': a.received },
    h('span', { class: `badge ${breach ? 'red' : ''}` }, breach ? '超时' : `预警 ${body.percent || ''}%`), ' ',
    h('a', { href: `#/case/${a.case_id}` }, a.case_id), ' ', a.title || '', ' ',
    h('span', { class: 'hint' }, `${CLOCK[body.clock] || ''} · ${unitName(a.holder_unit)} · ${when(a.event?.occurred_at)}`));
}

function countTable(id, title, counts) {
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return h('div', { class: 'panel' }, h('h2', {}, title), rows.length ? h('table', { id },
    h('tbody', {}, rows.map(([k, n]) => h('tr', {}, h('td', {}, k), h('td', {}, String(n)))))) : h('div', { class: 'empty' }, '无'));
}

// A live alert: kept for the board's next render and shown at once.
function onAlert(alert) {
  alert.received = Date.now();
  state.alerts.unshift(alert);
  state.alerts = state.alerts.slice(0, 100);
  const list = $('#alerts');
  if (!list) return;
  list.querySelector('.empty-alerts')?.remove();
  list.prepend(alertItem(alert, true));
  const n = $('#n-overdue');
  if (alert.event?.sla_breached && n && state.late && !state.late.has(alert.case_id)) {
    state.late.set(alert.case_id, {});
    n.textContent = String(state.late.size);
  }
  // The lists, counts and map follow the alert (read again once a burst settles).
  clearTimeout(state.boardRefresh);
  state.boardRefresh = setTimeout(() => {
    if ($('#main').dataset.view === 'board' && !$('#dialog').open) render();
  }, 1000);
}

async function boardView() {
  const [open, overdue] = await Promise.all([api('/api/cases?status=open&limit=2000&clocks=1'), api('/api/overdue')]);
  const late = new Map();
  for (const k of overdue.clocks || []) if (!late.has(k.case_id)) late.set(k.case_id, k);
  // At risk: a running clock from 75 % of its allowance (sla's clocks), or a warning received on this board.
  const atRisk = new Map();
  for (const c of open.cases) {
    const lead = leadClock(open.clocks?.[c.id], c);
    if (!late.has(c.id) && (lightOf(lead) === 'yellow' || state.alerts.some((a) => a.case_id === c.id && a.event?.sla_warned))) {
      atRisk.set(c.id, { c, lead });
    }
  }
  const now = Date.now();
  const byTownship = new Map(), byDepartment = new Map(), byAge = new Map([['1天内', 0], ['1–3天', 0], ['3–7天', 0], ['7天以上', 0]]);
  const dots = [];
  for (const c of open.cases) {
    const loc = c.location || {};
    const t = unitName(loc.township_code);
    byTownship.set(t, (byTownship.get(t) || 0) + 1);
    const d = c.department_code ? unitName(c.department_code) : '未派至部门';
    byDepartment.set(d, (byDepartment.get(d) || 0) + 1);
    const days = (now - new Date(c.created_at).getTime()) / 86400000;
    const age = days < 1 ? '1天内' : days < 3 ? '1–3天' : days < 7 ? '3–7天' : '7天以上';
    byAge.set(age, byAge.get(age) + 1);
    const grid = state.index.units.get(loc.grid_code);
    const p = loc.point ? loc.point : grid ? GridMap.centroid(grid) : null;
    if (p) dots.push({ lat: p.lat, lng: p.lng, r: 1.8, cls: late.has(c.id) ? 'red' : atRisk.has(c.id) ? 'yellow' : 'green', title: `${c.id} ${c.title || ''}`, href: `#/case/${c.id}` });
  }
  const cards = h('div', { class: 'cards' },
    h('div', { class: 'card red' }, h('div', { class: 'n', id: 'n-overdue' }, String(late.size)), h('div', { class: 'l' }, '超期案件')),
    h('div', { class: 'card yellow' }, h('div', { class: 'n', id: 'n-at-risk' }, String(atRisk.size)), h('div', { class: 'l' }, '临期预警案件')),
    h('div', { class: 'card' }, h('div', { class: 'n' }, String(open.cases.length)), h('div', { class: 'l' }, '在办案件')),
    h('div', { class: 'card' }, h('div', { class: 'n' }, unitName(state.me.unit)), h('div', { class: 'l' }, '督办范围')));

  const live = h('span', { class: `live ${state.live ? 'on' : ''}`, id: 'live' });
  const alerts = h('ul', { class: 'alerts', id: 'alerts' }, state.alerts.map((a) => alertItem(a, Date.now() - a.received < 3000)));
  if (!state.alerts.length) alerts.append(h('li', { class: 'hint empty-alerts' }, '实时监测中，暂无新的预警或超时。'));
  const alertPanel = h('div', { class: 'panel' }, h('h2', {}, live, '实时预警', h('small', {}, '超时与预警即时推送，无需刷新')), alerts);

  const overdueRows = [...late.values()].map((k) => h('tr', { 'data-case': k.case_id },
    h('td', { 'data-label': '编号' }, h('a', { href: `#/case/${k.case_id}` }, k.case_id)),
    h('td', { 'data-label': '诉求' }, k.title || ''),
    h('td', { 'data-label': '承办' }, unitName(k.holder_unit)),
    h('td', { 'data-label': '时限' }, CLOCK[k.clock] || ''),
    h('td', { 'data-label': '超期' }, h('span', { class: 'late' }, span(seconds(k.late_by)))),
    h('td', { 'data-label': '操作' }, h('button', { class: 'btn small red', type: 'button', 'data-command': 'Escalate',
      onclick: async () => {
        try {
          const detail = await api(`/api/cases/${encodeURIComponent(k.case_id)}`);
          if (!(detail.allowed?.commands || []).includes('Escalate')) { notice(`${k.case_id} 当前不能督办。`, 'error'); return; }
          openCommand(detail.case, detail.allowed, 'Escalate');
        } catch (err) { notice(err.message, 'error'); }
      } }, '督办'))));
  const overduePanel = h('div', { class: 'panel' }, h('h2', {}, '超期案件', h('small', {}, '按超期时长排序')),
    overdueRows.length ? h('table', { class: 'responsive', id: 'overdue' }, h('thead', {}, h('tr', {}, ['案件编号', '诉求', '当前承办', '时限', '已超期', '督办'].map((t) => h('th', {}, t)))),
      h('tbody', {}, overdueRows)) : h('div', { class: 'empty' }, '暂无超期案件。'));

  const riskRows = [...atRisk.values()].map(({ c, lead }) => h('tr', { 'data-case': c.id },
    h('td', { 'data-label': '编号' }, h('a', { href: `#/case/${c.id}` }, c.id)),
    h('td', { 'data-label': '诉求' }, c.title || ''),
    h('td', { 'data-label': '承办' }, unitName(c.holder_unit)),
    h('td', { 'data-label': '时限' }, timeLeft(lead))));
  const riskPanel = h('div', { class: 'panel' }, h('h2', {}, '临期案件', h('small', {}, '已用时限 75% 以上')),
    riskRows.length ? h('table', { class: 'responsive', id: 'at-risk' }, h('thead', {}, h('tr', {}, ['案件编号', '诉求', '当前承办', '时限'].map((t) => h('th', {}, t)))),
      h('tbody', {}, riskRows)) : h('div', { class: 'empty' }, '暂无临期案件。'));

  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'map');
  svg.id = 'board-map';
  GridMap.draw(svg, state.registry.grids || [], null, dots);
  const mapPanel = h('div', { class: 'panel' }, h('h2', {}, '在办案件分布'), svg,
    h('div', { class: 'legend' }, h('span', {}, h('span', { class: 'light red' }), ' 超期'), h('span', {}, h('span', { class: 'light yellow' }), ' 预警'),
      h('span', {}, h('span', { class: 'light green' }), ' 正常')));

  state.late = late;
  if (!state.stream) {
    startStream(onAlert, (on) => {
      state.live = on;
      const dot = $('#live');
      if (dot) dot.className = `live ${on ? 'on' : ''}`;
    });
  }

  return h('div', {}, cards, h('div', { class: 'grid2' }, h('div', {}, alertPanel, overduePanel, riskPanel), mapPanel),
    h('div', { class: 'grid3' }, countTable('by-township', '按乡镇（街道）', byTownship), countTable('by-department', '按承办部门', byDepartment),
      countTable('by-age', '按受理时长', byAge)));
}

// --- Report --------------------------------------------------------------------------------------------------------
function isoDay(d) { return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10); }

async function reportView() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const today = new Date();
  const from = params.get('from') || isoDay(new Date(today.getTime() - 29 * 86400000));
  const to = params.get('to') || isoDay(new Date(today.getTime() + 86400000));
  const area = state.me.role === 'ROLE_DEPARTMENT_HANDLER' ? '' : (state.me.unit || '');
  const query = `from=${from}&to=${to}&area=${encodeURIComponent(area)}`;
  const form = h('form', { class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/report?from=${form.elements.from.value}&to=${form.elements.to.value}`;
  } }, h('label', {}, '起 ', h('input', { type: 'date', name: 'from', value: from })),
  h('label', {}, '止（不含） ', h('input', { type: 'date', name: 'to', value: to })),
  h('button', { class: 'btn small', type: 'submit' }, '统计'),
  h('button', { class: 'btn small ghost', type: 'button', id: 'csv', onclick: async () => {
    try {
      const res = await api(`/api/report?${query}&format=csv`);
      const blob = await res.blob();
      const a = h('a', { href: URL.createObjectURL(blob), download: `统计报表-${area || '全县'}-${from}-${to}.csv` });
      document.body.append(a); a.click(); a.remove();
    } catch (err) { notice(`导出失败：${err.message}`, 'error'); }
  } }, '导出 CSV'));
  let r;
  try {
    r = await api(`/api/report?${query}`);
  } catch (err) {
    return h('div', { class: 'panel' }, h('h2', {}, '统计报表'), form, h('div', { class: 'empty' }, `无法生成报表：${err.message}`));
  }
  const pct = (has, v) => (has ? `${(v * 100).toFixed(1)}%` : '—');
  const t = r.totals || {};
  const cards = h('div', { class: 'cards' },
    h('div', { class: 'card' }, h('div', { class: 'n' }, String(r.submitted || 0)), h('div', { class: 'l' }, '受理案件')),
    h('div', { class: 'card' }, h('div', { class: 'n' }, pct(t.has_response_rate, t.response_rate)), h('div', { class: 'l' }, '响应率')),
    h('div', { class: 'card' }, h('div', { class: 'n' }, pct(t.has_resolution_rate, t.resolution_rate)), h('div', { class: 'l' }, '解决率')),
    h('div', { class: 'card' }, h('div', { class: 'n' }, pct(t.has_satisfaction_rate, t.satisfaction_rate)), h('div', { class: 'l' }, '满意率')));
  const ranked = (r.units || []).filter((u) => u.rank);
  const kinds = { grid: '网格', community: '村（社区）', township: '乡镇（街道）', county: '县', department: '部门' };
  const ranking = h('div', { class: 'panel' }, h('h2', {}, '三率排名', h('small', {}, `${r.area_name || '全县'} · ${r.from} 至 ${r.to}`)),
    ranked.length ? h('table', { class: 'responsive', id: 'ranking' }, h('thead', {}, h('tr', {}, ['名次', '单位', '类型', '受理', '响应率', '解决率', '满意率', '综合得分'].map((x) => h('th', {}, x)))),
      h('tbody', {}, ranked.map((u) => h('tr', {}, h('td', { 'data-label': '名次' }, String(u.rank)), h('td', { 'data-label': '单位' }, u.name || u.code),
        h('td', { 'data-label': '类型' }, kinds[u.kind] || u.kind), h('td', { 'data-label': '受理' }, String(u.received || 0)),
        h('td', { 'data-label': '响应率' }, pct(u.has_response_rate, u.response_rate)), h('td', { 'data-label': '解决率' }, pct(u.has_resolution_rate, u.resolution_rate)),
        h('td', { 'data-label': '满意率' }, pct(u.has_satisfaction_rate, u.satisfaction_rate)), h('td', { 'data-label': '得分' }, u.has_score ? u.score.toFixed(3) : '—'))))) :
      h('div', { class: 'empty' }, '本期尚无可排名的单位。'));
  const counts = (title, entries) => h('div', { class: 'panel' }, h('h2', {}, title), (entries || []).length ? h('table', {},
    h('tbody', {}, entries.map((e) => h('tr', {}, h('td', {}, e.name || e.key), h('td', {}, String(e.count)))))) : h('div', { class: 'empty' }, '无'));
  return h('div', {}, h('div', { class: 'panel' }, h('h2', {}, '统计报表'), form), cards, ranking,
    h('div', { class: 'grid2' }, counts('按类别', r.by_category), counts('按来源渠道', r.by_channel)));
}

// --- Routing -------------------------------------------------------------------------------------------------------
async function render() {
  const main = $('#main');
  const token = sessionStorage.getItem(TOKEN_KEY);
  const route = location.hash.replace(/^#\/?/, '').split('?')[0];
  if (!token || route === 'login') {
    $('#nav').hidden = true;
    $('#who').hidden = true;
    main.replaceChildren(loginView());
    return;
  }
  if (!state.me) {
    try { await loadMe(); } catch (err) { if (err.status !== 401) notice(`无法登录：${err.message}`, 'error'); return; }
  }
  $('#who').hidden = false;
  $('#who-role').textContent = ROLE[state.me.role] || state.me.role;
  $('#who-unit').textContent = `${state.me.unit_name || state.me.unit}${state.me.unit ? `（${state.me.unit}）` : ''}`;
  const supervisor = state.me.role === 'ROLE_SUPERVISOR';
  const canReport = supervisor || state.me.role === 'ROLE_TOWNSHIP_DISPATCHER';
  $('#nav').hidden = false;
  $('#nav [data-view=queue]').hidden = supervisor;
  $('#nav [data-view=board]').hidden = !supervisor;
  $('#nav [data-view=report]').hidden = !canReport;
  const [view, arg] = route.split('/');
  const name = view || (supervisor ? 'board' : 'queue');
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === name));
  if (name !== 'board') stopStream();
  let content;
  try {
    if (name === 'case' && arg) content = await caseView(decodeURIComponent(arg));
    else if (name === 'board' && supervisor) content = await boardView();
    else if (name === 'report' && canReport) content = await reportView();
    else content = await queueView();
  } catch (err) {
    content = h('div', { class: 'panel' }, h('div', { class: 'empty' }, `加载失败：${err.message}`));
  }
  main.replaceChildren(content);
  main.dataset.view = name;
}

window.addEventListener('hashchange', () => { notice(''); render(); });
document.addEventListener('DOMContentLoaded', () => {
  $('#logout').addEventListener('click', () => logout());
  $('#find').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('#find-id').value.trim();
    if (id) location.hash = `#/case/${encodeURIComponent(id)}`;
  });
  render();
  // The queue and the board follow the clocks: re-read every 30 s while nothing is being edited.
  setInterval(() => { if (!$('#dialog').open && ['queue', 'board'].includes($('#main').dataset.view)) render(); }, 30000);
});
