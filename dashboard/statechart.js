// Draws a procedure's statechart from the layout the API computes with ELK (GET /api/machines/:kind,
// api/statechart-layout.ts): states as boxes, compound and parallel states as nested boxes,
// transitions as routed arrows with their Chinese event labels. Highlights the active states and
// gives the chart a text alternative listing every state and transition, for screen readers and
// for a phone too narrow for the picture.

const SVG = 'http://www.w3.org/2000/svg';

const svg = (tag, attrs = {}, ...children) => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
};
const html = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, String(v));
  }
  e.append(...children.flat().filter((c) => c !== undefined && c !== null));
  return e;
};

/** Lines of text from the top-left corner (x, y), one <tspan> a line. */
function lines(texts, x, y, size, line, attrs = {}) {
  const t = svg('text', { x, y, 'font-size': size, ...attrs });
  texts.forEach((text, i) => {
    const span = svg('tspan', { x, y: y + size + i * size * line - size * 0.2 });
    span.textContent = text;
    t.append(span);
  });
  return t;
}

/** Where the person scrolled the chart of a procedure: kept over the page's refreshes. */
let scrolled;

/**
 * Draws the chart; scrolled to centre the current state the first time a procedure's chart is
 * shown, and kept where the person scrolled it over the refreshes that follow (`key`: the procedure).
 */
export function renderStatechart(container, graph, activeStates, title = graph.label, key = '') {
  const { layout } = graph;
  const { font } = layout;
  const isActive = (path) => activeStates.some((a) => a === path || a.startsWith(`${path}.`));
  const byPath = new Map(layout.states.map((s) => [s.path, s]));
  const parents = new Set(layout.states.filter((s) => s.parent).map((s) => s.parent));
  const depth = (s) => (s.parent ? 1 + depth(byPath.get(s.parent)) : 0);
  const current = layout.states.filter((s) => !parents.has(s.path) && isActive(s.path));
  const textId = `${container.id || 'statechart'}-text`;

  const chart = svg('svg', {
    width: layout.width + 16,
    height: layout.height + 16,
    viewBox: `-8 -8 ${layout.width + 16} ${layout.height + 16}`,
    role: 'img',
    'aria-label': `${title}状态图。当前：${current.map((s) => s.label).join('、') || '无'}。文字说明见下方列表。`,
    'aria-describedby': textId,
  });
  chart.append(
    svg(
      'defs',
      {},
      svg(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'head' }),
      ),
    ),
  );

  // Outer boxes first, so nested ones sit on top of them; edges over the boxes; labels over all.
  const states = [...layout.states].sort((a, b) => depth(a) - depth(b));
  for (const s of states) {
    const compound = parents.has(s.path);
    const parentType = s.parent ? byPath.get(s.parent).type : '';
    const g = svg('g', {
      class: `state ${s.type}${compound ? ' compound' : ''}${parentType === 'parallel' ? ' region' : ''}${isActive(s.path) ? ' current' : ''}`,
      'data-path': s.path,
    });
    g.append(svg('rect', { x: s.x, y: s.y, width: s.width, height: s.height, rx: 8 }));
    if (s.type === 'final')
      g.append(svg('rect', { class: 'inner', x: s.x + 3, y: s.y + 3, width: s.width - 6, height: s.height - 6, rx: 6 }));
    g.append(lines(s.lines, s.x + 8, s.y + 6, font.state, font.line, { class: 'name' }));
    if (s.noteLines.length)
      g.append(lines(s.noteLines, s.x + 8, s.y + 6 + s.lines.length * font.state * font.line, font.edge, font.line, { class: 'note' }));
    chart.append(g);
  }
  const edges = svg('g', { class: 'edges' });
  const labels = svg('g', { class: 'edge-labels' });
  for (const t of layout.transitions) {
    if (t.points.length < 2) continue;
    edges.append(
      svg('path', {
        d: t.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' '),
        'marker-end': 'url(#arrow)',
        'data-event': t.event,
      }),
    );
    if (t.labelBox) {
      const b = t.labelBox;
      labels.append(
        svg(
          'g',
          { class: 'edge-label', 'data-event': t.event },
          svg('rect', { x: b.x - 2, y: b.y - 1, width: b.width + 4, height: b.height + 2, rx: 3 }),
          lines(t.lines, b.x, b.y, font.edge, font.line),
        ),
      );
    }
  }
  chart.append(edges, labels);

  // The text alternative: every state in its hierarchy (current ones marked), every transition.
  const stateItem = (s) => {
    const children = layout.states.filter((c) => c.parent === s.path);
    const kind = s.type === 'parallel' ? '（并行：以下各项同时进行）' : s.type === 'final' ? '（终止状态）' : '';
    return html(
      'li',
      { 'data-path': s.path },
      `${s.label}${kind}${isActive(s.path) && !parents.has(s.path) ? '（当前）' : ''}${s.note ? `：${s.note}` : ''}`,
      children.length ? html('ul', {}, children.map(stateItem)) : undefined,
    );
  };
  const label = (path) => byPath.get(path)?.label ?? path;
  const text = html(
    'details',
    { class: 'chart-text', id: textId, 'data-key': 'statechart-text' },
    html('summary', {}, '状态图文字说明（状态与转换）'),
    html('h3', {}, '状态'),
    html('ul', {}, layout.states.filter((s) => !s.parent).map(stateItem)),
    html('h3', {}, '转换'),
    html(
      'ul',
      {},
      layout.transitions.map((t) => html('li', {}, `${label(t.from)} → ${label(t.to)}${t.label ? `：${t.label}` : ''}`)),
    ),
  );

  // The picture scrolls sideways in its own region; keyboard users can focus it to scroll.
  const scroller = html('div', { class: 'chart', tabindex: 0, role: 'region', 'aria-label': `${title}状态图（可横向滚动）` }, chart);
  container.replaceChildren(scroller, text);
  if (scrolled?.key === key) [scroller.scrollLeft, scroller.scrollTop] = [scrolled.left, scrolled.top];
  else if (current.length) {
    const x0 = Math.min(...current.map((s) => s.x));
    const x1 = Math.max(...current.map((s) => s.x + s.width));
    const y0 = Math.min(...current.map((s) => s.y));
    const y1 = Math.max(...current.map((s) => s.y + s.height));
    scroller.scrollLeft = (x0 + x1) / 2 + 8 - scroller.clientWidth / 2;
    scroller.scrollTop = (y0 + y1) / 2 + 8 - scroller.clientHeight / 2;
  }
  scroller.addEventListener('scroll', () => {
    scrolled = { key, left: scroller.scrollLeft, top: scroller.scrollTop };
  });
}
