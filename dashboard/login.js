// Sign-in and sign-out. The session is an HttpOnly, SameSite=Strict cookie set by the server (this
// script never sees it), from the department's identity provider (统一身份认证, OIDC) or, in the
// demonstration only, from one click on a demo person (演示). An API token can still be used: it
// stays in this tab (sessionStorage) and is sent as a bearer token.
import { el } from './dom.js';
const TOKEN_KEY = 'bm-token';

/** Headers for an API call: the pasted token if any; otherwise the session cookie goes by itself. */
export const authHeaders = () => {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
};

/** The signed-in person and party (GET /api/me), or undefined when nobody is signed in. */
export async function whoAmI() {
  const res = await fetch('/api/me', { headers: authHeaders() });
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detailZh ?? '服务器未能完成请求，请稍后再试。');
  return body;
}

/** Signs out here and, after a sign-in at the identity provider, there too: true when the browser is sent on to it. */
export async function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  const res = await fetch('/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { logoutUrl } = res.ok ? await res.json() : {};
  if (!logoutUrl) return false;
  location.assign(logoutUrl);
  return true;
}

/** The sign-in page; `done` runs once someone is signed in. `notice`: why it shows (e.g. the session expired). */
export async function renderSignIn(app, who, done, notice) {
  who.replaceChildren();
  let message;
  const failed = location.hash.match(/^#\/signin-failed\/(.*)$/);
  if (failed) {
    message = `登录失败：${decodeURIComponent(failed[1])}`;
    history.replaceState(null, '', location.pathname);
  }
  const options = await fetch('/auth/options').then((r) => r.json());
  const error = el('p', { class: 'error', role: 'alert', id: 'signin-error' }, message);
  const fail = (text) => error.replaceChildren(`登录失败：${text}`);

  const parties = new Map();
  for (const p of options.demo) parties.set(p.party, [...(parties.get(p.party) ?? []), p]);
  const demo = options.demo.length
    ? el(
        'section',
        { class: 'demo', id: 'demo-signin', 'aria-labelledby': 'demo-title' },
        el('h3', { id: 'demo-title' }, el('span', { class: 'badge' }, '演示'), ' 演示人员一键登录'),
        el('p', { class: 'muted' }, '以下为演示用人员，仅在演示模式下提供，生产模式下不存在。点击人员即以其身份登录。'),
        el(
          'ul',
          { class: 'demo-people' },
          [...parties.values()].map((people) =>
            el(
              'li',
              {},
              el('span', { class: 'party' }, people[0].partyName),
              people.map((p) =>
                el(
                  'button',
                  {
                    type: 'button',
                    'data-sub': p.sub,
                    'aria-label': `演示：${p.label}`,
                    onclick: async () => {
                      const res = await fetch('/auth/demo', {
                        method: 'POST',
                        headers: { 'content-type': 'application/json' },
                        body: JSON.stringify({ sub: p.sub }),
                      });
                      if (res.ok) return done();
                      fail((await res.json().catch(() => ({}))).detailZh ?? '演示登录未成功');
                    },
                  },
                  `${p.name}（${p.roleLabel}）`,
                ),
              ),
            ),
          ),
        ),
      )
    : undefined;

  const area = el('textarea', { id: 'token', 'aria-label': '访问令牌', placeholder: '粘贴访问令牌（Bearer token）' });
  app.replaceChildren(
    el(
      'section',
      { class: 'signin' },
      el('h2', {}, '登录'),
      notice ? el('p', { class: 'notice', id: 'signin-notice', role: 'status' }, notice) : undefined,
      options.oidc ? el('p', {}, el('a', { id: 'oidc-login', class: 'button', href: '/auth/login' }, '使用统一身份认证登录')) : undefined,
      demo,
      el(
        'details',
        { open: '' },
        el('summary', {}, '使用访问令牌登录（接口调用者）'),
        area,
        el(
          'p',
          {},
          el(
            'button',
            {
              id: 'signin',
              type: 'button',
              onclick: async () => {
                sessionStorage.setItem(TOKEN_KEY, area.value.trim());
                try {
                  if (await whoAmI()) return done();
                  fail('令牌无效或已过期');
                } catch (e) {
                  sessionStorage.removeItem(TOKEN_KEY);
                  fail(e.message);
                }
              },
            },
            '登录',
          ),
        ),
      ),
      error,
    ),
  );
}
