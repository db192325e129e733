// Draws a procedure's statechart from the machine graph the API derives from the XState
// definition (GET /api/machines/:kind), and highlights the active states.

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const RULES = { 'working-days': '工作日', 'calendar-days': '日', months: '月', years: '年', hours: '小时' };

export function renderStatechart(container, graph, activeStates) {
  container.replaceChildren();
  const byParent = new Map();
  for (const s of graph.states) {
    const key = s.parent ?? '';
    if (!byParent.has(key)) byParent.set(key, []);
    byParent.get(key).push(s);
  }
  const top = (path) => path.split('.')[0];
  const isActive = (path) => activeStates.some((a) => a === path || a.startsWith(`${path}.`));

  // Columns: breadth-first distance of each top-level state from the initial one.
  const roots = byParent.get('') ?? [];
  const depth = new Map([[top(graph.initial), 0]]);
  const queue = [top(graph.initial)];
  while (queue.length) {
    const from = queue.shift();
    for (const t of graph.transitions) {
      if (top(t.from) !== from || depth.has(top(t.to))) continue;
      depth.set(top(t.to), depth.get(from) + 1);
      queue.push(top(t.to));
    }
  }
  const cols = el('div', 'cols');
  const columns = [];
  for (const s of roots) {
    const d = depth.get(s.path) ?? 0;
    (columns[d] ??= el('div', 'col')).append(box(s));
  }
  cols.append(...columns.filter(Boolean));

  function box(s) {
    const b = el('div', `state ${s.type}${isActive(s.path) ? ' current' : ''}`);
    b.dataset.path = s.path;
    b.append(el('div', 'name', s.label));
    if (s.deadline) {
      const n = typeof s.deadline.n === 'number' ? s.deadline.n : s.deadline.n.policy ? '（本地策略）' : '（设定）';
      b.append(el('div', 'sub', `${n}${RULES[s.deadline.rule]} · ${s.deadline.basis}`));
    }
    const children = byParent.get(s.path);
    if (children?.length) {
      const c = el('div', 'children');
      c.append(...children.map(box));
      b.append(c);
    }
    return b;
  }

  const wrap = el('div', 'chart');
  wrap.append(cols);
  container.append(wrap);

  // Arrows between top-level states, drawn once the boxes are laid out.
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  wrap.prepend(svg);
  requestAnimationFrame(() => {
    const origin = wrap.getBoundingClientRect();
    svg.setAttribute('width', String(wrap.scrollWidth));
    svg.setAttribute('height', String(wrap.scrollHeight));
    const seen = new Set();
    for (const t of graph.transitions) {
      const a = top(t.from);
      const b = top(t.to);
      if (a === b || seen.has(`${a}>${b}`)) continue;
      seen.add(`${a}>${b}`);
      const from = wrap.querySelector(`[data-path="${a}"]`)?.getBoundingClientRect();
      const to = wrap.querySelector(`[data-path="${b}"]`)?.getBoundingClientRect();
      if (!from || !to) continue;
      const forward = to.left >= from.right;
      const x1 = (forward ? from.right : from.left) - origin.left;
      const y1 = from.top + from.height / 2 - origin.top;
      const x2 = (forward ? to.left : to.right) - origin.left;
      const y2 = to.top + to.height / 2 - origin.top;
      const line = document.createElementNS(svg.namespaceURI, 'path');
      line.setAttribute('d', `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`);
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', '#98a2b3');
      line.setAttribute('marker-end', 'url(#arrow)');
      const label = document.createElementNS(svg.namespaceURI, 'text');
      label.setAttribute('x', String((x1 + x2) / 2 - 20));
      label.setAttribute('y', String((y1 + y2) / 2 - 4));
      label.textContent = t.label;
      svg.append(line, label);
    }
    svg.insertAdjacentHTML('afterbegin', '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#98a2b3"/></marker></defs>');
  });
}
