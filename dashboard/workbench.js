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

/** The forms of every procedure (GET /api/forms): the case panel reads its fields from them. */
export async function formsData() {
  await load();
  return forms;
}

/** POST with the form's Idempotency-Key: a repeated submit (double click, retry) applies once. */
async function post(path, body, key) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

const DRAFT_KEY = 'bm-draft';
/** The form open on the page: its name ('start:<kind>' or 'event:<TYPE>') and its value. */
let openForm;

/**
 * Keeps the open form's entries in this tab (sessionStorage) when the session ends, so that they
 * are restored after the sign-in: true when there was one to keep.
 */
export function keepDraft() {
  if (!openForm || !openForm.element.isConnected) return false;
  sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ hash: location.hash, form: openForm.name, body: openForm.value() }));
  return true;
}

/** The page a kept draft was on (to go back to after a sign-in that came back elsewhere). */
export function draftHash() {
  return JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? 'null')?.hash;
}

/** The kept draft of this form on this page, taken (restored once). */
function takeDraft(name) {
  const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? 'null');
  if (!draft || draft.hash !== location.hash || draft.form !== name) return undefined;
  sessionStorage.removeItem(DRAFT_KEY);
  return draft.body;
}

/** A confirmation to show once on the next page rendered (after an action or a start). */
let flash;
export function takeFlash() {
  const f = flash;
  flash = undefined;
  return f ? el('p', { class: 'notice', id: 'flash', role: 'status' }, f) : undefined;
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
              el('td', {}, d.card(i.closed ? 'closed' : i.deadlineStatus), d.pendingMark(i)),
              el(
                'td',
                {},
                el('a', { href: `#/p/${encodeURIComponent(i.id)}` }, forms.procedures[i.kind]?.label ?? ''),
                d.headline(i) ? el('div', { class: 'headline' }, d.headline(i)) : undefined,
              ),
              el(
                'td',
                {},
                i.closed ? '已办结' : d.stateLabel(i.kind, i.state),
                i.deadlineLabel ? el('div', { class: 'muted' }, i.deadlineLabel) : undefined,
              ),
              el('td', {}, d.names.get(i.responsible) ?? ''),
              el(
                'td',
                {},
                d.due(i.nextDeadline),
                i.provisional && i.deadlineRule !== 'hours' ? el('span', { class: 'policy' }, '（暂定）') : undefined,
              ),
              // The overdue obligation by name: 逐级报送 已超期 3 小时.
              el(
                'td',
                {},
                i.timeLeft?.value < 0 || i.deadlineStatus === 'overdue' ? `${obligation(i)} ` : '',
                d.left(i.timeLeft, i.deadlineStatus),
              ),
            ),
          ),
        ),
      )
    : el('p', { id, class: 'muted' }, empty);

/** The step a row's deadline belongs to, short: its label without the period in brackets, else the state. */
const obligation = (i) => (i.deadlineLabel ?? d.stateLabel(i.kind, i.state)).replace(/（[^）]*）$/, '');

/** 我的待办 first, sorted by deadline; then the cases my party is in, waiting on another; what it started; for an authority, its jurisdiction. */
export async function workbench(app) {
  await load();
  const [w, { unread }] = await Promise.all([d.api('/api/workbench'), d.api('/api/inbox/unread')]);
  await Promise.all(
    [...new Set([...w.todo, ...w.involved, ...w.started, ...(w.jurisdiction ?? [])].map((i) => i.kind))]
      .filter(Boolean)
      .map((k) => d.graph(k)),
  );
  document.title = `工作台（待办 ${w.todo.length} 件） · 保密法定程序`;
  // A section that is not there (undefined) is left out, not printed as text.
  app.replaceChildren(
    ...[
      takeFlash(),
      el(
        'p',
        { id: 'inbox-unread', class: unread ? 'unread-count' : 'muted' },
        el('a', { href: unread ? '#/inbox/unread' : '#/inbox' }, unread ? `收件箱：${unread} 条未读消息` : '收件箱：没有未读消息'),
      ),
      el(
        'section',
        { 'aria-labelledby': 'h-todo' },
        el('h2', { id: 'h-todo' }, `我的待办（${w.todo.length} 件，按期限排序）`),
        el('p', { class: 'legend' }, d.legend),
        rows('todo', w.todo, '目前没有需要本单位办理的事项。'),
      ),
      el(
        'section',
        { 'aria-labelledby': 'h-involved' },
        el('h2', { id: 'h-involved' }, `我参与的（待他方办理，${w.involved.length} 件）`),
        rows('involved', w.involved, '没有本单位参与、正由其他单位办理的程序。'),
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
            el(
              'h2',
              { id: 'h-jur' },
              `辖区内（未办结，共 ${w.jurisdictionTotal} 件${w.jurisdictionTotal > w.jurisdiction.length ? `，列出最紧迫的 ${w.jurisdiction.length} 件` : ''}）`,
            ),
            el(
              'p',
              { class: 'muted' },
              '与期限看板一致：本部门可见的全部未办结程序，含本部门参与的。',
              el('a', { href: '#/board' }, '在期限看板中筛选'),
            ),
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
function submitForm({ name, title, schema, fixed, submitLabel, extra, whatIf, variants, send, done, refused, prefill }) {
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
    // A field left blank that the procedure takes from another (the leak's 获知时刻 from the 发现时刻): counted from that one.
    const from = (w) => (values[w.field] ? w.field : w.orElse && values[w.orElse] ? w.orElse : undefined);
    const lines = await Promise.all(
      (whatIf ?? [])
        .filter((w) => from(w) && (!applies || applies(w.id)))
        .map(async (w) => {
          const field = from(w);
          const r = await fetch(`/api/deadline?rule=${w.rule}&n=${w.n}&from=${encodeURIComponent(values[field])}`, {
            headers: authHeaders(),
          }).then((x) => x.json());
          if (!r.dueAt) return el('li', {}, `${w.label}：${r.fieldErrors?.[0]?.messageZh ?? '无法计算'}`);
          // A period already over: the procedure starts overdue, and its reminders and escalation go out at once.
          const over = Date.parse(r.dueAt) < Date.now() ? '（已届满：启动后即为超期，提醒和督办随即发出）' : '';
          const fieldLabel = document.querySelector(`label[for$="-${field}"]`)?.textContent.replace(/\s*\*$/, '') ?? '';
          return el(
            'li',
            { 'data-deadline': w.id },
            `${fieldLabel} ${values[field].slice(0, w.rule === 'hours' ? 16 : 10).replace('T', ' ')} → ${w.label} ${r.lastDay ?? d.beijing(r.dueAt)}${w.policy && !w.label.includes('本地策略') ? '（本地策略）' : ''}${r.provisional && w.rule !== 'hours' ? '（暂定）' : ''}${over}`,
          );
        }),
    );
    preview.replaceChildren(...(lines.length ? [el('p', {}, '提交前计算的期限：'), el('ul', {}, lines)] : []));
  }
  const button = el('button', { type: 'submit', class: 'primary' }, submitLabel);
  let inflight;
  // The form is done once: the answers to a repeated submit (the same key) come later and change nothing on the page.
  let completed = false;
  const staleBy = el('p', { class: 'muted stale-by', hidden: true });
  const form = el(
    'form',
    { class: 'wb-form', novalidate: true, 'data-key': key },
    el('h3', {}, title),
    box,
    staleBy,
    f.element,
    extra,
    preview,
    el('p', {}, button),
  );
  // A variant's own fields and deadlines only while it is chosen (the leak's network operator: its receiver, 立即).
  let applies;
  if (variants) {
    const choice = f.element.querySelector(`[name="${CSS.escape(variants.field)}"]`);
    const only = (kind) => new Set(Object.values(variants.cases).flatMap((c) => c[kind] ?? []));
    const show = () => {
      const chosen = variants.cases[choice.value || schema.properties[variants.field]?.default] ?? {};
      for (const key of only('fields'))
        f.element.querySelector(`[data-field="${CSS.escape(key)}"]`)?.toggleAttribute('hidden', !chosen.fields?.includes(key));
      applies = (id) => !only('deadlines').has(id) || !!chosen.deadlines?.includes(id);
      void showWhatIf();
    };
    choice?.addEventListener('change', show);
    show();
  }
  openForm = { name, element: form, value: f.value };
  const draft = takeDraft(name);
  f.fill(draft ?? prefill ?? {});
  if (draft)
    form.insertBefore(
      el('p', { class: 'notice', id: 'draft-restored', role: 'status' }, '已恢复您在登录过期前填写的内容，请核对后提交。'),
      box,
    );
  // A field put right loses its error; the summary goes when none is left.
  form.addEventListener('change', (ev) => {
    const control = ev.target.closest?.('[aria-invalid]');
    if (!control) return;
    control.removeAttribute('aria-invalid');
    control.closest('.field, fieldset')?.querySelector('.field-error')?.remove();
    if (!form.querySelector('[aria-invalid]')) box.hidden = true;
  });
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
        // The session ended: the entries are kept and come back after the sign-in.
        if (r.status === 401) {
          keepDraft();
          return d.signedOut();
        }
        const entries = r.body.fieldErrors ? f.errors(form, r.body.fieldErrors) : [];
        const why =
          (r.status === 409 && r.body.title === 'not-allowed-in-state' && refused ? await refused(r.body) : undefined) ??
          r.body.detailZh ??
          '提交失败，请稍后再试。';
        summary(box, entries, entries.length ? `请更正以下 ${entries.length} 项：` : `未能提交：${why}`);
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
    name: `start:${kind}`,
    title: `发起${p.label}`,
    schema: p.start,
    fixed: { [p.startedBy]: { id: d.me.id, name: d.me.name } },
    submitLabel: '提交并启动',
    whatIf: p.whatIf,
    variants: p.variants,
    send: (body, key) => post(`/api/procedures/${kind}`, body, key),
    done: (body) => {
      flash = `已发起${p.label}。`;
      location.hash = `#/p/${encodeURIComponent(body.id)}`;
    },
  });
  document.title = `发起${p.label} · 保密法定程序`;
  app.replaceChildren(el('p', {}, el('a', { href: '#/work' }, '← 返回工作台')), el('section', { id: 'start' }, form));
}

/** Whether the event is my party's to send in this procedure (its edition's senders, from allowedEvents). */
const ours = (view, e) => !!forms.procedures[view.kind].events[e.type] && e.by.some((k) => view.context.parties?.[k]?.id === d.me.id);
/** Whether the signed-in person may send it: their party's, with the role it requires here (负责人: Regs 63, or a sign-off, 本地策略). */
const mayAct = (view, e) => ours(view, e) && (!e.role || d.me.roles.includes(e.role));
/** Why a step of my party waits for another person: the role it requires (e.g. 须经负责人签发). */
const roleNote = (e) =>
  `须由${e.roleLabel}本人办理${e.roleBasis === '本地策略' ? '（具有约束力的决定须经负责人签发，经办人不能单独办理：本地策略）' : ''}`;

/** 办理: the events the current state allows and the person may send, each opening its form. */
export async function actions(view) {
  await load();
  const section = el('section', { id: 'actions', 'aria-labelledby': 'h-actions' }, el('h2', { id: 'h-actions' }, '办理'));
  if (view.closed) return (section.append(el('p', { class: 'muted' }, '程序已办结。')), section);
  const allowed = view.allowedEvents.filter((e) => mayAct(view, e));
  const forRole = view.allowedEvents.filter((e) => ours(view, e) && !allowed.includes(e));
  const others = view.allowedEvents.filter((e) => !allowed.includes(e) && !forRole.includes(e));
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
    ...forRole.map((e) =>
      el('p', { class: 'notice', 'data-needs-role': e.type }, `「${forms.procedures[view.kind].events[e.type].label}」${roleNote(e)}。`),
    ),
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
  const form = forms.procedures[view.kind];
  const label = (type) => form.events[type]?.label ?? '';
  const inState = (src) => !src || view.activeStates.some((a) => a === src || a.startsWith(`${src}.`));
  /** The parties an event is sent on to from the current state (not the sender itself). */
  const recipients = (type) => [
    ...new Set(
      Object.entries(form.events[type].recipients ?? {})
        .filter(([src]) => inState(src))
        .flatMap(([, keys]) => keys.map((k) => view.context.parties?.[k]))
        .filter((p) => p && p.id !== d.me.id)
        .map((p) => p.name),
    ),
  ];
  /** A value in the context by a dotted path (`-1`: the last of a list). */
  const at = (path) => path.split('.').reduce((o, k) => (o == null ? undefined : Array.isArray(o) ? o.at(Number(k)) : o[k]), view.context);
  /**
   * What the start proposed or claimed, or what the procedure holds for the decision (spec.prefill:
   * what was ordered, proposed or found), as the decision form's starting point (the decider changes what it decides otherwise).
   */
  const proposed = (spec) => {
    if (spec.prefill) {
      const held = Object.entries(spec.prefill)
        .map(([field, path]) => [field, at(path)])
        .filter(([, v]) => v !== undefined);
      return held.length ? Object.fromEntries(held) : undefined;
    }
    // A conclusion per item applied for (鉴定): one entry for each, its item named.
    const perItem = Object.entries(spec.schema.properties ?? {}).find(
      ([, p]) => p.type === 'array' && (p.items?.oneOf ?? p.items?.anyOf ?? [p.items]).some((v) => v?.properties?.ref),
    );
    if (perItem && Array.isArray(view.context.items)) return { [perItem[0]]: view.context.items.map((i) => ({ ref: i.ref })) };
    if (!spec.schema.properties?.determination) return undefined;
    const v = ['proposal', 'claim'].map((k) => at(form.startFieldsInContext?.[k] ?? k)).find(Boolean);
    if (!v) return undefined;
    return { determination: v.outcome ? v : { outcome: 'state-secret', classification: v } };
  };
  function open(type) {
    const spec = form.events[type];
    const here = view.allowedEvents.find((e) => e.type === type);
    // A fact may be dated when it really happened (SPEC §2), in the time zone where it happened.
    const schema = spec.fact
      ? {
          ...spec.schema,
          properties: { ...spec.schema.properties, occurredAt: { type: 'string', description: '实际发生时刻（不填为现在）' } },
        }
      : spec.schema;
    const to = recipients(type);
    // My steps whose period is over: the step is recorded late, and the reminders and escalation have gone out.
    const overdue = view.deadlines.filter((x) => x.status === 'running' && x.responsible.id === d.me.id && x.currentStatus === 'overdue');
    const prefill = proposed(spec);
    const since = Math.max(0, ...view.audit.map((a) => a.seq));
    const { form: element } = submitForm({
      name: `event:${type}`,
      title: spec.label,
      schema,
      prefill,
      submitLabel: `确认：${spec.label}`,
      extra: [
        prefill
          ? el(
              'p',
              { class: 'muted', id: 'prefilled' },
              spec.prefill
                ? '已按本程序此前记录的内容预先填写，请按实际情况修改。'
                : prefill.determination
                  ? '已按启动时拟定或主张的内容预先填写，请按实际决定修改。'
                  : '已按申请的事项逐项列出，请逐项选择结论。',
            )
          : undefined,
        here?.role ? el('p', { class: 'muted', id: 'role-note' }, `${roleNote(here)}。`) : undefined,
        to.length ? el('p', { class: 'recipient' }, `提交后通知：${to.join('、')}`) : undefined,
        overdue.length
          ? el(
              'p',
              { class: 'warning', id: 'overdue-warning', role: 'note' },
              `注意：${overdue.map((x) => `「${x.label}」已于 ${d.due(x.dueAt)} 届满`).join('；')}。提交后按逾期办结记录；期限届满的提醒和逐级督办已经发出，未办结前继续督办。`,
            )
          : undefined,
      ],
      send: (body, key) => post(`/api/procedures/${encodeURIComponent(view.id)}/events`, { type, ...body }, key),
      refused: async () => {
        // The step went on meanwhile: what it stands at now, who acted, and what is left for me.
        const now = await d.api(`/api/procedures/${encodeURIComponent(view.id)}`).catch(() => undefined);
        if (!now) return undefined;
        const acted = now.audit.filter((a) => a.kind === 'event' && a.seq > since).at(-1);
        const mine = now.allowedEvents.filter((e) => mayAct(now, e)).map((e) => `「${label(e.type)}」`);
        return `当前步骤「${now.stateLabel}」不能办理「${spec.label}」；现在可以办理：${mine.join('') || '无（由其他参与方办理）'}。${
          acted
            ? `此前已由${acted.by ?? acted.actor.name}于${d.beijing(acted.occurredAt ?? acted.at)}办理「${label(acted.event.type)}」。`
            : ''
        }本次未作记录。`;
      },
      done: () => {
        flash = `已办理「${spec.label}」${to.length ? `，已通知${to.join('、')}` : ''}。`;
        d.refresh();
      },
    });
    slot.replaceChildren(element, el('button', { type: 'button', class: 'link', onclick: () => slot.replaceChildren() }, '取消'));
    element.querySelector('input, select, textarea, button')?.focus();
    return element;
  }
  // A draft kept when the session ended opens its form again, filled in.
  const kept = JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? 'null');
  const again = kept?.hash === location.hash && allowed.find((e) => kept.form === `event:${e.type}`);
  if (again) open(again.type);
  return section;
}
