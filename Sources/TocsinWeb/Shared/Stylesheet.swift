/// The one stylesheet, served from this server. Readable on a phone: one column below 40rem.
enum Stylesheet {
    static let css = """
    :root { --fg: #1b1f24; --muted: #5b6470; --line: #d7dbe0; --bg: #f6f7f9; --card: #fff; --accent: #b3261e; --link: #0b57d0; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
    a { color: var(--link); }
    header.bar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .6rem 1rem; background: #20242a; color: #fff; }
    header.bar a { color: #fff; text-decoration: none; }
    header.bar .brand { font-weight: 700; letter-spacing: .02em; color: #ffb4ab; }
    nav.top { display: flex; gap: 1rem; flex: 1 1 0; min-width: 0; overflow-x: auto; white-space: nowrap; scrollbar-width: thin; }
    nav.top a { flex: none; }
    nav.top a[aria-current] { border-bottom: 2px solid #ffb4ab; }
    .who { display: flex; gap: .75rem; align-items: center; min-width: 0; white-space: nowrap; }
    .who > a { max-width: 12rem; overflow: hidden; text-overflow: ellipsis; }
    main { max-width: 68rem; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.2rem; margin-top: 2rem; }
    .lead { font-size: 1.1rem; color: var(--muted); }
    .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
    table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
    th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { font-size: .85rem; color: var(--muted); font-weight: 600; }
    td, th, h1, h2, h3, .lead, dd, legend, code { overflow-wrap: anywhere; }
    /* Headers and short badges keep their words whole; long names in cells still wrap. */
    th, .status, .sev { white-space: nowrap; overflow-wrap: normal; }
    tr.total th, tr.total td { border-top: 2px solid var(--line); font-weight: 600; color: var(--fg); font-size: 1rem; }
    td svg { max-width: 100%; height: auto; }
    form.stack { display: grid; gap: .35rem; max-width: 34rem; }
    form.stack button { justify-self: start; margin-top: .75rem; }
    form.inline { display: inline; }
    /* A one-field form beside the buttons: label, field and button on one line. */
    form.inline-field { display: inline-flex; gap: .4rem; align-items: center; }
    form.inline-field label { margin: 0; }
    form.inline-field select { width: auto; }
    form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: 1rem; }
    label { font-weight: 600; margin-top: .5rem; }
    form.stack label { margin-top: 1rem; }
    form.stack fieldset label:first-of-type { margin-top: .25rem; }
    /* A hint belongs to the field above it: close to it, and a clear gap before the next label. */
    small.hint { display: block; margin-top: -.1rem; line-height: 1.35; }
    label.check { display: flex; gap: .5rem; align-items: flex-start; font-weight: 600; cursor: pointer; }
    label.check input { width: auto; flex: none; margin: .3rem 0 0; }
    .checks { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
    form.stack .checks label.check { margin-top: .25rem; }
    input, select, textarea { font: inherit; padding: .45rem .55rem; border: 1px solid #aab1ba; border-radius: 6px; background: #fff; width: 100%; max-width: 100%; }
    form.filters input, form.filters select { width: auto; }
    small { color: var(--muted); }
    button, .button { font: inherit; padding: .45rem .9rem; border-radius: 6px; border: 1px solid #20242a; background: #20242a; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
    button.secondary, .button.secondary { background: #fff; color: #20242a; }
    button.danger { background: var(--accent); border-color: var(--accent); }
    button.link { background: none; border: none; color: inherit; padding: 0; text-decoration: underline; }
    .actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 1rem 0; }
    .alert { border: 1px solid var(--accent); background: #fdecea; color: #5f1410; border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; }
    .notice { border: 1px solid #1e7b34; background: #e8f5eb; border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; }
    .field-error { color: var(--accent); margin: 0; font-size: .9rem; }
    .secret { font-family: ui-monospace, monospace; background: #fff; border: 1px dashed #888; padding: .5rem; word-break: break-all; }
    .tier { display: inline-block; min-width: 3.2rem; text-align: center; border-radius: 999px; padding: 0 .5rem; font-size: .85rem; border: 1px solid var(--line); }
    .tier-1 { background: #fdecea; border-color: #e3a29c; } .tier-2 { background: #fff4e5; border-color: #f0c48a; }
    .muted { color: var(--muted); }
    .status, .sev { display: inline-block; border-radius: 4px; padding: 0 .45rem; font-size: .85rem; font-weight: 600; border: 1px solid var(--line); }
    .status-triggered { background: #fdecea; color: #5f1410; } .status-acknowledged { background: #fff4e5; } .status-resolved { background: #e8f5eb; }
    .sev-sev1 { background: #b3261e; color: #fff; } .sev-sev2 { background: #e8710a; color: #fff; } .sev-sev3 { background: #fff4e5; } .sev-sev4 { background: #f1f3f4; }
    nav.tabs { display: flex; flex-wrap: wrap; gap: 1rem; margin-bottom: 1rem; }
    nav.tabs a[aria-current] { font-weight: 700; text-decoration: none; border-bottom: 2px solid var(--fg); }
    .pager { display: flex; gap: 1rem; align-items: center; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; }
    .scroll-x { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: var(--card); margin-bottom: 1rem; }
    .scroll-hint { margin: 0 0 .25rem; font-size: .9rem; }
    svg.timeline, svg.deps { display: block; max-width: none; }
    ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 0 1rem; }
    ul.legend li { display: flex; align-items: center; gap: .35rem; }
    .warning { background: #fff4e5; border: 1px solid #f0c48a; border-radius: 8px; padding: .5rem 1rem; margin-bottom: 1rem; }
    fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 1rem; }
    @media (max-width: 40rem) {
      header.bar { justify-content: space-between; }
      /* Swiped sideways on a phone; the cut-off last link shows there is more. */
      nav.top { order: 3; flex-basis: 100%; scrollbar-width: none; }
      .who > a { max-width: 9rem; }
      table, thead, tbody, tfoot, tr, th, td { display: block; }
      thead { display: none; }
      tr { border-bottom: 1px solid var(--line); padding: .25rem 0; }
      td, tfoot th { border: none; padding: .15rem .75rem; }
      tr.total th, tr.total td { border: none; }
      tr.total { border-top: 2px solid var(--line); }
      /* A row read as a card keeps its column names. */
      td[data-label]::before, th[data-label]::before { content: attr(data-label); display: inline-block; min-width: 8rem; margin-right: .5rem;
        color: var(--muted); font-size: .85rem; font-weight: 600; }
      td[data-label=""]::before, th[data-label=""]::before { content: none; }
      dl.facts { grid-template-columns: 1fr; }
    }
    """
}
