/**
 * The keyboard script of the session page and its review mode, served as /assets/session.js (no
 * library; htmx only fills the lazy bodies). It is browser JavaScript kept as text: the project's
 * TypeScript has no DOM types, and the browser tests (test/e2e/session-page.test.ts,
 * review-page.test.ts) are what check it.
 * Keys are ignored while typing, except Esc and Ctrl/Cmd+Enter. Review mode (body[data-queue]): the
 * draft (note, verdict, first failure, pattern chips) is kept in localStorage until saved, so it
 * survives a reload and paging; complete-and-advance saves the verdict, then creates the new patterns
 * and links the note to every chip, and moves on only once all of it was acknowledged (never on a
 * timer), so the item marked done is always the one on screen. `]` and `[` load the page holding the
 * next or previous flagged event when the current page has none.
 */
export const SESSION_SCRIPT = String.raw`(() => {
  const body = document.body, $ = (id) => document.getElementById(id);
  const review = Boolean(body.dataset.queue);
  const rows = Array.from(document.querySelectorAll('.ev'));
  const note = $('note'), status = $('save-state');
  const draftKey = 'unsilo:' + body.dataset.queue + ':' + body.dataset.session;
  const saved = review ? JSON.parse(localStorage.getItem(draftKey) || 'null') || {} : {};
  const patterns = review ? JSON.parse($('patterns-data').textContent) : [];
  const state = {
    cursor: -1, saving: false, g: false,
    verdict: saved.verdict ?? (body.dataset.verdict || null),
    first: saved.first ?? (body.dataset.first || null),
    chips: saved.chips || [],
    /** The verdict this page saved: its arguments, note id and the patterns linked to it. */
    saved: null,
  };
  const keep = () => review && localStorage.setItem(draftKey,
    JSON.stringify({ note: note.value, verdict: state.verdict, first: state.first, chips: state.chips }));

  const show = () => {
    if (!review) return;
    $('verdict').textContent = state.verdict || 'none';
    $('first-event').textContent = state.first || '—';
    $('first-link').href = state.first ? '#ev-' + state.first : '#';
    for (const r of rows) r.classList.toggle('first', r.dataset.key === state.first);
    const chips = $('chips');
    chips.textContent = '';
    for (const c of state.chips) {
      const s = document.createElement('span');
      s.className = 'chip';
      s.dataset.slug = c.slug;
      s.textContent = c.slug + (c.isNew ? ' (new)' : '');
      chips.append(s);
    }
  };
  const move = (i) => {
    if (i < 0 || i >= rows.length) return;
    rows[state.cursor]?.classList.remove('current');
    state.cursor = i;
    const turn = rows[i].closest('details.turn');
    if (turn && !turn.open) turn.open = true;
    rows[i].classList.add('current');
    rows[i].focus();
  };
  const jump = (dir) => {
    for (let i = state.cursor + dir; i >= 0 && i < rows.length; i += dir)
      if (rows[i].dataset.flagged === '1') return move(i);
    const page = dir > 0 ? body.dataset.nextFlagged : body.dataset.prevFlagged;
    if (page) { keep(); location.href = page; }
  };
  const toggle = () => {
    const el = document.activeElement;
    const turn = el?.closest?.('details.turn');
    if (el?.tagName === 'SUMMARY' && turn) { turn.open = !turn.open; return; }
    const ev = rows[state.cursor];
    const bodies = ev ? Array.from(ev.querySelectorAll('details.body')) : [];
    if (bodies.length) { const open = !bodies[0].open; for (const b of bodies) b.open = open; return; }
    if (turn) turn.open = !turn.open;
  };
  const go = (href) => { if (href) { keep(); location.href = href; } };
  const post = async (action, args) => {
    const res = await fetch('/api/analysis/' + action, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args }),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error || 'HTTP ' + res.status);
    return json;
  };
  const complete = async () => {
    if (!review || state.saving) return;
    if (!state.verdict) { status.textContent = 'give a verdict first: 1 pass, 2 fail, 3 defer'; return; }
    state.saving = true;
    body.dataset.saving = '1';
    status.textContent = 'saving…';
    const args = { queue: body.dataset.queue, session: body.dataset.session, verdict: state.verdict };
    if (state.first) args.firstEvent = state.first;
    if (note.value.trim()) args.note = note.value;
    try {
      // A retry after a failed pattern step reuses the verdict it saved (unless it changed since),
      // so the item gets one annotation, and links each pattern once.
      const key = JSON.stringify(args);
      if (!state.saved || state.saved.key !== key) state.saved = { key, id: (await post('review.verdict', args)).id, linked: new Set() };
      const done = state.saved;
      for (const c of state.chips) {
        if (done.linked.has(c.slug)) continue;
        if (c.isNew) await post('patterns.add', { slug: c.slug }).catch((e) => {
          if (!/exists already/.test(e.message)) throw e;
        });
        await post('patterns.assign', { note: done.id, pattern: c.slug });
        done.linked.add(c.slug);
      }
      localStorage.removeItem(draftKey);
      status.textContent = 'saved';
      location.href = body.dataset.next || body.dataset.done;
    } catch (err) {
      status.textContent = 'not saved: ' + err.message;
    } finally {
      state.saving = false;
      delete body.dataset.saving;
    }
  };

  // The pattern picker: a subsequence match over slug and name, best (earliest, tightest) first.
  const picker = $('picker'), input = $('picker-input'), list = $('picker-list');
  const slugOk = (s) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(s);
  const score = (q, text) => {
    let at = -1, gaps = 0;
    for (const ch of q) { const i = text.indexOf(ch, at + 1); if (i < 0) return -1; gaps += i - at - 1; at = i; }
    return gaps + text.indexOf(q[0]) * 0.1;
  };
  let options = [], selected = 0;
  const render = () => {
    const q = input.value.trim().toLowerCase();
    const taken = new Set(state.chips.map((c) => c.slug));
    options = patterns
      .filter((p) => !taken.has(p.slug))
      .map((p) => ({ p, s: q ? Math.min(...[p.slug, (p.name || '').toLowerCase()].map((t) => score(q, t)).filter((x) => x >= 0), Infinity) : 0 }))
      .filter((o) => o.s !== Infinity)
      .sort((a, b) => a.s - b.s)
      .map((o) => ({ slug: o.p.slug, label: o.p.slug + (o.p.name && o.p.name !== o.p.slug ? ' — ' + o.p.name : '') }));
    const slug = q.replace(/\s+/g, '-');
    if (slug && slugOk(slug) && !patterns.some((p) => p.slug === slug) && !taken.has(slug))
      options.push({ slug, label: 'create “' + slug + '”', isNew: true });
    selected = Math.min(selected, Math.max(0, options.length - 1));
    list.textContent = '';
    options.forEach((o, i) => {
      const li = document.createElement('li');
      li.role = 'option';
      li.textContent = o.label;
      li.setAttribute('aria-selected', String(i === selected));
      li.addEventListener('click', () => { selected = i; pick(); });
      list.append(li);
    });
  };
  const pick = () => {
    const o = options[selected];
    if (!o) return;
    state.chips.push({ slug: o.slug, isNew: Boolean(o.isNew) });
    show(); keep();
    input.value = ''; selected = 0; render();
  };
  if (picker) {
    input.addEventListener('input', () => { selected = 0; render(); });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        selected = Math.max(0, Math.min(options.length - 1, selected + (e.key === 'ArrowDown' ? 1 : -1)));
        render();
      } else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) { e.preventDefault(); pick(); }
      else if (e.key === 'Backspace' && input.value === '' && state.chips.length) { state.chips.pop(); show(); keep(); render(); }
    });
  }

  if (review) {
    if (typeof saved.note === 'string') note.value = saved.note;
    let timer = null;
    note.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => { keep(); status.textContent = 'draft kept'; }, 500);
    });
    note.addEventListener('blur', keep);
  }
  for (const a of document.querySelectorAll('a.badge[data-focus], #first-link')) {
    a.addEventListener('click', (e) => {
      const key = a.dataset.focus || state.first;
      const i = rows.findIndex((r) => r.dataset.key === key);
      if (i >= 0) { e.preventDefault(); move(i); }
    });
  }

  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void complete(); return; }
    const t = e.target;
    const typing = t instanceof HTMLElement && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT' || t.isContentEditable);
    if (typing) {
      if (e.key === 'Escape') { e.preventDefault(); if (picker?.open) picker.close(); t.blur(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (state.g) { state.g = false; if (e.key === 's') { e.preventDefault(); go('/sessions'); return; } }
    const verdict = (v) => () => { state.verdict = v; show(); keep(); };
    const actions = {
      j: () => move(state.cursor + 1), k: () => move(state.cursor - 1),
      ']': () => jump(1), '[': () => jump(-1), o: toggle,
      g: () => { state.g = true; },
      '?': () => { const h = $('help'); h.open ? h.close() : h.showModal(); },
      Escape: () => { for (const d of document.querySelectorAll('dialog[open]')) d.close(); },
    };
    if (review) Object.assign(actions, {
      f: () => { if (rows[state.cursor]) { state.first = rows[state.cursor].dataset.key; show(); keep(); } },
      1: verdict('pass'), 2: verdict('fail'), 3: verdict('defer'),
      n: () => note.focus(),
      t: () => { input.value = ''; selected = 0; render(); picker.showModal(); input.focus(); },
      ArrowRight: () => go(body.dataset.next), ArrowLeft: () => go(body.dataset.prev),
    });
    const act = actions[e.key];
    if (act) { e.preventDefault(); act(); }
  });
  if (picker) picker.addEventListener('close', () => rows[state.cursor]?.focus());
  show();
  const focus = new URLSearchParams(location.search).get('focus') || (location.hash.startsWith('#ev-') ? location.hash.slice(4) : '');
  if (focus) move(rows.findIndex((r) => r.dataset.key === decodeURIComponent(focus)));
})();
`;
