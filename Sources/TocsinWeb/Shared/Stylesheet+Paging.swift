extension Stylesheet {
    /// Escalation policies and contact methods: who gets paged, and how, at a glance.
    static let pagingCSS = """
    .unreachable { display: inline-block; background: var(--accent); color: #fff; border-radius: 4px; padding: 0 .4rem; font-weight: 700; }
    .verified { display: inline-block; background: #e8f5eb; color: #1e5b2c; border: 1px solid #8cc79b; border-radius: 4px; padding: 0 .4rem; font-size: .85rem; font-weight: 600; }
    .unverified { display: inline-block; background: #fff4e5; border: 1px solid #f0c48a; border-radius: 4px; padding: 0 .4rem; font-size: .85rem; font-weight: 600; }
    ol.levels { list-style: none; padding: 0; margin: 0 0 1rem; }
    ol.levels > li.level { border-left: 4px solid #20242a; }
    ol.levels h3 { margin: 0 0 .5rem; font-size: 1.1rem; }
    ul.targets { list-style: none; padding: 0; margin: 0; }
    ul.targets > li { margin: .35rem 0; overflow-wrap: anywhere; }
    ul.people { margin: .15rem 0 .25rem; padding-left: 1.25rem; }
    .kind { display: inline-block; min-width: 4.5rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); font-weight: 600; }
    .how { font-weight: 600; }
    form.policy { max-width: 44rem; }
    form.policy fieldset.level { display: grid; gap: .35rem; padding: .75rem 1rem; }
    form.policy .targets { display: grid; gap: .4rem; }
    form.policy .targets .label { font-weight: 600; }
    .target-row { display: flex; gap: .5rem; align-items: center; }
    .target-row select { flex: 1 1 auto; min-width: 0; }
    form.stack .target-row button, form.stack .actions button { margin-top: 0; }
    /* The form's default button (Enter saves), kept out of sight and out of the tab order. */
    .default-action { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
    .method { display: grid; gap: .5rem; }
    .method h3 { margin: 0; font-size: 1.05rem; overflow-wrap: anywhere; }
    .method code { overflow-wrap: anywhere; }
    .method form.inline-field input { width: 8rem; }
    .method .actions { margin: 0; }
    .method details.change summary { cursor: pointer; color: var(--muted); }
    .method details.change form { margin-top: .5rem; }
    p.reach { font-size: 1.05rem; }
    @media (max-width: 40rem) {
      /* A target's name gets the whole width; its button goes under it. */
      .target-row { flex-wrap: wrap; }
      .target-row select { flex-basis: 100%; }
    }
    """
}
