// The one element factory of the dashboard's pages: attributes (false or undefined left out,
// on… as listeners) and children (strings, numbers, nodes; nested lists flattened).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(
    ...children
      .flat(Infinity)
      .filter((c) => c !== undefined && c !== null)
      .map((c) => (typeof c === 'string' || typeof c === 'number' ? String(c) : c)),
  );
  return e;
}

/** A table's header row: one column header per label. */
export const thead = (labels) =>
  el(
    'thead',
    {},
    el(
      'tr',
      {},
      labels.map((h) => el('th', { scope: 'col' }, h)),
    ),
  );
