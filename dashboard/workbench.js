// The workbench (办理): each person's 我的待办, 我发起的, 我辖区的; starting a procedure and sending
// the events the current state and the person's role allow, through forms generated from the
// schemas the API validates.
import { el, thead } from './dom.js';
import { calendarGrid, schemaForm } from './forms.js';
import { authHeaders } from './login.js';

let d; // what app.js shares: api, card, due, beijing, left, stateLabel, graph, me, names
let forms;
let parties;

export function initWorkbench(deps) {
  d = deps;
}

async function load() {
  forms ??= await d.api('/api/forms');
  parties ??= { organs: await d.api('/api/registry/organs?view=directory'), authorities: await d.api('/api/registry/authorities') };
}

/** POST with the form's Idempotency-Key: a repeated submit (double click, retry) applies once. */
async function post(path, body, key) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const calendars = new Map();
/** The calendar grid of the month of `date`, from the Sunday before its first day (6 weeks), and the day itself. */
async function calendar(date) {
  const first = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  first.setUTCDate(1 - first.getUTCDay());
  const from = first.toISOString().slice(0, 10);
  if (!calendars.has(from)) calendars.set(from, d.api(`/api/calendar?from=${from}&days=42`));
  const { days } = await calendars.get(from);
  return { grid: calendarGrid(days, date), day: days.find((x) => x.date === date) };
}

const rows = (id, items, empty) =>
  items.length
    ? el(
        'table',
        { id, class: 'work' },
        thead(['期限', '程序', '当前步骤', '责任方', '期限届满（北京时间）', '剩余 / 超期']),
        el(
          'tbody',
          {},
          items.map((i) =>
            el(
              'tr',
              { class: 'row', 'data-id': i.id, 'data-status': i.deadlineStatus },
              el('td', {}, d.card(i.closed ? 'met' : i.deadlineStatus)),
              el('td', {}, el('a', { href: `#/p/${encodeURIComponent(i.id)}` }, forms.procedures[i.kind]?.label ?? '')),
              el(
                'td',
                {},
                i.closed ? '已办结' : d.stateLabel(i.kind, i.state),
                i.deadlineLabel ? el('div', { class: 'muted' }, i.deadlineLabel) : undefined,
              ),
              el('td', {}, d.names.get(i.responsible) ?? ''),
              el('td', {}, d.due(i.nextDeadline), i.provisional ? el('span', { class: 'policy' }, '（暂定）') : undefined),
              el('td', {}, d.left(i.timeLeft)),
            ),
          ),
        ),
      )
    : el('p', { id, class: 'muted' }, empty);

/** 我的待办 first, sorted by deadline; then what my party started and, for an authority, its jurisdiction. */
export async function workbench(app) {
  await load();
  const w = await d.api('/api/workbench');
  await Promise.all([...new Set([...w.todo, ...w.started, ...(w.jurisdiction ?? [])].map((i) => i.kind))].filter(Boolean).map(d.graph));
  // A section that is not there (undefined) is left out, not printed as text.
  app.replaceChildren(
    ...[
      el(
        'section',
        { 'aria-labelledby': 'h-todo' },
        el('h2', { id: 'h-todo' }, `我的待办（${w.todo.length} 件，按期限排序）`),
        rows('todo', w.todo, '目前没有需要本单位办理的事项。'),
      ),
      el(
        'section',
        { 'aria-labelledby': 'h-start' },
        el('h2', { id: 'h-start' }, '发起程序'),
        // Only what the server lets this party start (the same rule: domain/standing.ts).
        w.startable.length
          ? el(
              'ul',
              { class: 'starts' },
              w.startable.map((kind) =>
                el('li', {}, el('a', { href: `#/start/${kind}`, class: 'button', 'data-kind': kind }, forms.procedures[kind].label)),
              ),
            )
          : el('p', { class: 'muted', id: 'no-starts' }, '本单位不发起程序：各程序由机关、单位发起，保密行政管理部门在程序中作出决定。'),
      ),
      el(
        'section',
        { 'aria-labelledby': 'h-started' },
        el('h2', { id: 'h-started' }, '我发起的'),
        rows('started', w.started, '本单位尚未发起程序。'),
      ),
      w.jurisdiction
        ? el(
            'section',
            { 'aria-labelledby': 'h-jur' },
            el('h2', { id: 'h-jur' }, '我辖区的（未办结）'),
            rows('jurisdiction', w.jurisdiction, '辖区内没有进行中的程序。'),
          )
        : undefined,
    ].filter(Boolean),
  );
}

/** The error summary: announced, each entry leading to its field. */
function summary(box, entries, title) {
  box.replaceChildren(
    el('h3', {}, title),
    ...(entries.length
      ? [
          el(
            'ul',
            {},
            entries.map((e) =>
              el(
                'li',
                {},
                el(
                  'a',
                  {
                    href: '#',
                    onclick: (ev) => {
                      ev.preventDefault();
                      e.control?.focus();
                    },
                  },
                  e.label ? `${e.label}：${e.text}` : e.text,
                ),
              ),
            ),
          ),
        ]
      : []),
  );
  box.hidden = false;
  box.focus();
}

/**
 * One submit form: the generated fields, an announced error summary, and one Idempotency-Key for
 * the form's lifetime, so a double click or a resubmit after a lost answer applies once.
 */
function submitForm({ title, schema, fixed, submitLabel, extra, whatIf, send, done }) {
  const key = crypto.randomUUID();
  const box = el('div', { class: 'error-summary', role: 'alert', 'aria-live': 'assertive', tabindex: '-1', hidden: true });
  const preview = el('div', { class: 'what-if', 'aria-live': 'polite' });
  const values = {};
  const f = schemaForm(schema, {
    ...forms,
    parties,
    fixed,
    calendar,
    onDate: (path, v) => {
      values[path] = v;
      void showWhatIf();
    },
  });
  async function showWhatIf() {
    const lines = await Promise.all(
      (whatIf ?? [])
        .filter((w) => values[w.field])
        .map(async (w) => {
          const r = await fetch(`/api/deadline?rule=${w.rule}&n=${w.n}&from=${encodeURIComponent(values[w.field])}`, {
            headers: authHeaders(),
          }).then((x) => x.json());
          if (!r.dueAt) return el('li', {}, `${w.label}：${r.fieldErrors?.[0]?.messageZh ?? '无法计算'}`);
          const fieldLabel = document.querySelector(`label[for$="-${w.field}"]`)?.textContent.replace(/\s*\*$/, '') ?? '';
          return el(
            'li',
            { 'data-deadline': w.id },
            `${fieldLabel} ${values[w.field].slice(0, w.rule === 'hours' ? 16 : 10).replace('T', ' ')} → ${w.label} ${r.lastDay ?? d.beijing(r.dueAt)}${w.policy && !w.label.includes('本地策略') ? '（本地策略）' : ''}${r.provisional ? '（暂定）' : ''}`,
          );
        }),
    );
    preview.replaceChildren(...(lines.length ? [el('p', {}, '提交前计算的期限：'), el('ul', {}, lines)] : []));
  }
  const button = el('button', { type: 'submit', class: 'primary' }, submitLabel);
  let inflight;
  // The form is done once: the answers to a repeated submit (the same key) come later and change nothing on the page.
  let completed = false;
  const form = el(
    'form',
    { class: 'wb-form', novalidate: true, 'data-key': key },
    el('h3', {}, title),
    box,
    f.element,
    extra,
    preview,
    el('p', {}, button),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // Each submit carries the same key; the server applies the first and answers the others with its result.
    inflight = (async () => {
      button.setAttribute('aria-busy', 'true');
      try {
        const r = await send(f.value(), key);
        if (completed) return;
        if (r.status < 300) {
          completed = true;
          return done(r.body);
        }
        const entries = r.body.fieldErrors ? f.errors(form, r.body.fieldErrors) : [];
        summary(
          box,
          entries,
          entries.length ? `请更正以下 ${entries.length} 项：` : `未能提交：${r.body.detailZh ?? r.body.detail ?? r.status}`,
        );
      } finally {
        button.removeAttribute('aria-busy');
      }
    })();
  });
  return { form, settled: () => inflight };
}

/** 发起：the start form of a procedure, the starting party fixed to the signed-in person's. */
export async function startPage(app, kind) {
  await load();
  const p = forms.procedures[kind];
  if (!p) throw new Error(`没有此类程序`);
  const { form } = submitForm({
    title: `发起${p.label}`,
    schema: p.start,
    fixed: { [p.startedBy]: { id: d.me.id, name: d.me.name } },
    submitLabel: '提交并启动',
    whatIf: p.whatIf,
    send: (body, key) => post(`/api/procedures/${kind}`, body, key),
    done: (body) => {
      location.hash = `#/p/${encodeURIComponent(body.id)}`;
    },
  });
  app.replaceChildren(el('p', {}, el('a', { href: '#/work' }, '← 返回工作台')), el('section', { id: 'start' }, form));
}

/** Whether the signed-in person may send the event: their party is one the event names, with the role it requires. */
function mayAct(view, type) {
  const spec = forms.procedures[view.kind].events[type];
  if (!spec) return false;
  const mine = spec.by.some((k) => view.context.parties?.[k]?.id === d.me.id);
  return mine && (!spec.role || d.me.roles.includes(spec.role));
}

/** 办理: the events the current state allows and the person may send, each opening its form. */
export async function actions(view) {
  await load();
  const section = el('section', { id: 'actions', 'aria-labelledby': 'h-actions' }, el('h2', { id: 'h-actions' }, '办理'));
  if (view.closed) return (section.append(el('p', { class: 'muted' }, '程序已办结。')), section);
  const allowed = view.allowedEvents.filter((e) => mayAct(view, e.type));
  const others = view.allowedEvents.filter((e) => !allowed.includes(e));
  const slot = el('div', { class: 'form-slot' });
  section.append(
    allowed.length
      ? el(
          'div',
          { class: 'event-buttons' },
          allowed.map((e) =>
            el(
              'button',
              { type: 'button', 'data-event': e.type, onclick: () => open(e.type) },
              forms.procedures[view.kind].events[e.type].label,
            ),
          ),
        )
      : el('p', { class: 'muted', id: 'no-actions' }, '当前步骤不需要您办理。'),
    ...(others.length
      ? [
          el(
            'p',
            { class: 'muted' },
            `其他参与方可办理：${others.map((e) => forms.procedures[view.kind].events[e.type]?.label ?? '').join('；')}`,
          ),
        ]
      : []),
    slot,
  );
  function open(type) {
    const spec = forms.procedures[view.kind].events[type];
    // A fact may be dated when it really happened (SPEC §2), in Beijing time.
    const schema = spec.fact
      ? {
          ...spec.schema,
          properties: { ...spec.schema.properties, occurredAt: { type: 'string', description: '实际发生时刻（北京时间；不填为现在）' } },
        }
      : spec.schema;
    const { form } = submitForm({
      title: spec.label,
      schema,
      submitLabel: `确认：${spec.label}`,
      extra: spec.role ? el('p', { class: 'muted' }, `须由${spec.roleLabel}办理。`) : undefined,
      send: (body, key) => post(`/api/procedures/${encodeURIComponent(view.id)}/events`, { type, ...body }, key),
      done: () => d.refresh(),
    });
    slot.replaceChildren(form, el('button', { type: 'button', class: 'link', onclick: () => slot.replaceChildren() }, '取消'));
    form.querySelector('input, select, textarea, button')?.focus();
  }
  return section;
}
