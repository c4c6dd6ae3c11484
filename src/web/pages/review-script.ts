/**
 * The keyboard script of the session page in review mode, served as /assets/review.js (≈3 KB, no
 * library, works offline). It is browser JavaScript kept as text: the project's TypeScript has no DOM
 * types, and the browser test (test/e2e/review-page.test.ts) is what checks it.
 * Keys are ignored while the note has focus, except Esc and Ctrl/Cmd+Enter. Complete-and-advance
 * saves first and moves on only once the collector acknowledged the save (never a timer), so the item
 * marked done is always the one on screen. The draft (note, verdict, first failure) is kept in
 * localStorage until saved, so it survives a reload and paging: `]` and `[` load the page holding the
 * next or previous flagged event when the current page has none.
 */
export const REVIEW_SCRIPT = String.raw`(() => {
  const body = document.body;
  const queue = body.dataset.queue, session = body.dataset.session;
  const rows = Array.from(document.querySelectorAll('#events > li'));
  const note = document.getElementById('note');
  const status = document.getElementById('save-state');
  const draftKey = 'unsilo:' + queue + ':' + session;
  const saved = JSON.parse(localStorage.getItem(draftKey) || 'null') || {};
  const state = {
    cursor: -1,
    verdict: saved.verdict ?? (body.dataset.verdict || null),
    first: saved.first ?? (body.dataset.first || null),
    saving: false,
  };
  const keep = () =>
    localStorage.setItem(draftKey, JSON.stringify({ note: note.value, verdict: state.verdict, first: state.first }));

  const show = () => {
    document.getElementById('verdict').textContent = state.verdict || 'none';
    document.getElementById('first-event').textContent = state.first || '—';
    for (const r of rows) r.classList.toggle('first', r.dataset.key === state.first);
  };
  const move = (i) => {
    if (i < 0 || i >= rows.length) return;
    rows[state.cursor]?.classList.remove('current');
    state.cursor = i;
    rows[i].classList.add('current');
    rows[i].focus();
  };
  const jump = (dir) => {
    for (let i = state.cursor + dir; i >= 0 && i < rows.length; i += dir)
      if (rows[i].dataset.flagged === '1') return move(i);
    const page = dir > 0 ? body.dataset.nextFlagged : body.dataset.prevFlagged;
    if (page) { keep(); location.href = page; }
  };
  const go = (href) => { if (href) location.href = href; };
  const complete = async () => {
    if (state.saving) return;
    if (!state.verdict) { status.textContent = 'give a verdict first: 1 pass, 2 fail, 3 defer'; return; }
    state.saving = true;
    body.dataset.saving = '1';
    status.textContent = 'saving…';
    const args = { queue, session, verdict: state.verdict };
    if (state.first) args.firstEvent = state.first;
    if (note.value.trim()) args.note = note.value;
    try {
      const res = await fetch('/api/analysis/review.verdict', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args }),
      });
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || 'HTTP ' + res.status);
      localStorage.removeItem(draftKey);
      status.textContent = 'saved';
      go(body.dataset.next || body.dataset.done);
    } catch (err) {
      status.textContent = 'not saved: ' + err.message;
    } finally {
      state.saving = false;
      delete body.dataset.saving;
    }
  };

  if (typeof saved.note === 'string') note.value = saved.note;
  let timer = null;
  note.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { keep(); status.textContent = 'draft kept'; }, 500);
  });
  note.addEventListener('blur', keep);

  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void complete(); return; }
    const typing = e.target instanceof HTMLElement && (e.target.tagName === 'TEXTAREA' || e.target.tagName === 'INPUT');
    if (typing) { if (e.key === 'Escape') e.target.blur(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const actions = {
      j: () => move(state.cursor + 1), k: () => move(state.cursor - 1),
      ']': () => jump(1), '[': () => jump(-1),
      f: () => { if (rows[state.cursor]) { state.first = rows[state.cursor].dataset.key; show(); keep(); } },
      1: () => { state.verdict = 'pass'; show(); keep(); }, 2: () => { state.verdict = 'fail'; show(); keep(); },
      3: () => { state.verdict = 'defer'; show(); keep(); },
      n: () => note.focus(),
      ArrowRight: () => go(body.dataset.next), ArrowLeft: () => go(body.dataset.prev),
      '?': () => { const h = document.getElementById('help'); h.open ? h.close() : h.showModal(); },
    };
    const act = actions[e.key];
    if (act) { e.preventDefault(); act(); }
  });
  show();
  const focus = new URLSearchParams(location.search).get('focus');
  if (focus) move(rows.findIndex((r) => r.dataset.key === focus));
})();
`;
