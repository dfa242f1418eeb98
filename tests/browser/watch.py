"""Watching Chromium for script execution while it loads pages of a built site.

Before any page script runs, every frame gets `alert`, `confirm`, `prompt` and `print`
replaced by reporters and a `window.__xss` marker that reports being set or called; a
dialog that still opens (a frame the reporters missed) is caught too, and so is any request
to another host. After each load the DOM as Chromium built it is read (the parse is where
mutation XSS happens): no `on*` attribute anywhere, no link or resource whose URL the
browser resolves to javascript:, vbscript: or data:, no active element in an article
body, no <base>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Dialog, Error, Page, Route

from .conftest import DESKTOP

TABS = 2  # pages loading side by side
# Every URL not on 127.0.0.1 (the browser matches it, so local requests are not intercepted).
OFF_HOST = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")

INSTRUMENT = """
(() => {
  const dialog = window.alert.bind(window);
  const report = (kind, detail) => {
    const text = `${kind}: ${String(detail).slice(0, 200)}`;
    if (typeof window.__ndReport === "function") window.__ndReport(text);
    else dialog(text);
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => report(name, args.join(" "));
  }
  Object.defineProperty(window, "__xss", {
    get: () => (...args) => report("__xss()", args.join(" ")),
    set: (value) => report("__xss =", value),
  });
})();
"""

DOM_CHECK = """
async ({ urlAttributes, active }) => {
  // One rendering update and one task more: autofocus, zero-delay timers and a meta
  // refresh of 0 seconds have had their turn.
  await new Promise((done) => requestAnimationFrame(done));
  await new Promise((done) => setTimeout(done, 0));
  const found = [];
  const schemes = ["javascript:", "vbscript:", "data:"];
  const scriptUrl = (value) => {
    try {
      return schemes.includes(new URL(value, document.baseURI).protocol);
    } catch {
      return false;
    }
  };
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.localName.toLowerCase();
      if (name.startsWith("on")) found.push(`<${element.localName} ${attribute.name}>`);
      if (urlAttributes.includes(name) && scriptUrl(attribute.value)) {
        found.push(`<${element.localName} ${attribute.name}=${attribute.value.slice(0, 80)}>`);
      }
    }
  }
  const body = document.querySelector(".nd-article__body");
  for (const element of body ? body.querySelectorAll(active) : []) {
    found.push(`<${element.localName}> in the article body`);
  }
  if (document.querySelector("base")) found.push("<base> in the document");
  return found;
}
"""
URL_ATTRIBUTES = ["href", "src", "action", "formaction", "data", "poster", "background", "cite"]
ACTIVE_IN_BODY = (
    "script, iframe, frame, object, embed, applet, form, base, meta, link, style, svg, math,"
    " template, noscript, input, button, textarea, select"
)


@dataclass
class Watch:
    """What the browser did while the pages loaded, each finding with the page it came from.

    Findings are attributed by the page's own URL (relative to `base`), not by the order
    of visits: several tabs load at once.
    """

    base: str
    executed: list[tuple[str, str]] = field(default_factory=list)
    outside: list[tuple[str, str]] = field(default_factory=list)
    dom: dict[str, list[str]] = field(default_factory=dict)

    def where(self, page: Page | None) -> str:
        return page.url.removeprefix(self.base) if page else "?"

    def on_report(self, source: dict[str, Page], text: str) -> None:
        self.executed.append((self.where(source["page"]), text))

    def on_dialog(self, dialog: Dialog) -> None:
        self.executed.append((self.where(dialog.page), f"dialog {dialog.type}: {dialog.message}"))
        dialog.dismiss()

    def block(self, route: Route) -> None:
        """Only requests to other hosts are routed here (see `instrumented`)."""
        try:
            page = route.request.frame.page
        except Error:  # a request without a frame (a worker's)
            page = None
        self.outside.append((self.where(page), route.request.url))
        route.abort()


def instrumented(browser: Browser, watch: Watch) -> BrowserContext:
    """A context whose every frame reports script execution, dialogs and off-host requests.

    Only URLs not on 127.0.0.1 are intercepted (a regular expression the browser matches
    itself), so the site's own requests never wait for a round trip through Python.
    """
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(INSTRUMENT)
    context.expose_binding("__ndReport", watch.on_report)
    context.route(OFF_HOST, watch.block)
    context.on("page", lambda page: page.on("dialog", watch.on_dialog))
    return context


def visit_all(context: BrowserContext, urls: list[str], watch: Watch) -> int:
    """Load every page, TABS at a time, and check each one's DOM once it has loaded.

    Each tab's navigation is started (up to the new document's commit) before the first
    tab is waited for, so the pages of a round load side by side. Returns how many
    windows the pages opened (a payload could open one).
    """
    tabs = [context.new_page() for _ in range(TABS)]
    check = {"urlAttributes": URL_ATTRIBUTES, "active": ACTIVE_IN_BODY}
    for start in range(0, len(urls), TABS):
        round_ = list(zip(tabs, urls[start : start + TABS], strict=False))
        for tab, url in round_:
            tab.goto(watch.base + url, wait_until="commit")
        for tab, url in round_:
            tab.wait_for_load_state("load")
            try:
                found = tab.evaluate(DOM_CHECK, check)
            except Error as exc:  # the page navigated itself away: something ran
                found = [f"navigated away: {exc.message.splitlines()[0]}"]
            if found:
                watch.dom[url] = found
    return len(context.pages) - TABS


def site_urls(site: Path) -> list[str]:
    """Every HTML page: articles, and listings whose cards carry payload-derived text."""
    pages = (path.parent.relative_to(site).as_posix() for path in site.rglob("index.html"))
    return sorted("" if page == "." else f"{page}/" for page in pages)
