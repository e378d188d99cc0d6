extension Stylesheet {
    /// Incidents, alerts and integrations: what a responder scans at 3 AM.
    static let responseCSS = """
    .status-muted { background: #ede7f6; color: #311b92; }
    tr.incident-triggered td:first-child { border-left: 4px solid var(--accent); }
    .alert-card h3 { margin: 0 0 .5rem; font-size: 1.05rem; overflow-wrap: anywhere; }
    .alert-card.alert-triggered { border-left: 4px solid var(--accent); }
    .alert-card h4 { margin: .75rem 0 .25rem; font-size: .9rem; color: var(--muted); }
    ul.plain { list-style: none; padding: 0; margin: .25rem 0; }
    ul.plain li { margin: .2rem 0; }
    ul.labels { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; margin: 0; }
    ul.labels code { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 0 .35rem; overflow-wrap: anywhere; }
    dl.details { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: 0; }
    dl.details dt { color: var(--muted); font-family: ui-monospace, monospace; font-size: .9rem; }
    dl.details dd { margin: 0; overflow-wrap: anywhere; }
    ol.timeline-events { padding-left: 1.2rem; } ol.timeline-events li { margin: .2rem 0; overflow-wrap: anywhere; }
    ol.timeline-events time { color: var(--muted); font-size: .9rem; margin-right: .4rem; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
    pre.snippet { background: #20242a; color: #f1f3f4; padding: .75rem 1rem; border-radius: 8px; overflow-x: auto; white-space: pre; }
    section.alert ul, section.warning ul { margin: .5rem 0 0; }
    section.alert h2, section.warning h2 { margin-top: .25rem; }
    li.worse { font-weight: 600; }
    .warning-text { color: var(--accent); }
    @media (max-width: 40rem) {
      dl.details { grid-template-columns: 1fr; }
    }
    """
}
