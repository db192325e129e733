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

/** The field being typed in (focused, named), and its text: taken when a load begins. */
export function fieldInFocus(container) {
  const active = document.activeElement;
  return active?.tagName === 'INPUT' && active.name && container.contains(active)
    ? { name: active.name, value: active.value, start: active.selectionStart, end: active.selectionEnd }
    : undefined;
}

/**
 * Replaces `container`'s children, keeping what the person typed while the load that draws them was
 * under way (`before`: the field in focus when it began): that field keeps its text, its caret and
 * the focus. A load that landed while someone typed in another filter field redrew the fields, and
 * that text was lost. A field unchanged since the load began shows what is drawn (a name picked: as
 * the registry writes it), and a field with nothing to lose does not keep the focus (the board's
 * background refresh waits while a field has it).
 */
export function replaceKeepingTyping(container, before, ...children) {
  const held = fieldInFocus(container);
  // Chromium fires change on a focused field it removes: a half-typed name would be picked with it.
  if (held) document.activeElement.addEventListener('change', (e) => e.stopImmediatePropagation(), { capture: true });
  container.replaceChildren(...children);
  const field = held && container.querySelector(`input[name="${CSS.escape(held.name)}"]`);
  if (!field) return;
  const typedSince = held.name !== before?.name || held.value !== before.value;
  if (!typedSince || held.value === field.value) return;
  field.value = held.value;
  field.focus();
  if (held.start !== null) field.setSelectionRange(held.start, held.end);
}
