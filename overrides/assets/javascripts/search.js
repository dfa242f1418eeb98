/* newsdesk search: the header's dialog (overrides/partials/search.html) on Pagefind's API.
 *
 * pagefind/pagefind.js is imported the first time the dialog opens, from the site's own
 * folder (hooks/search.py writes it), so reading a page costs nothing and no request
 * goes to another host. A query then fetches only the index chunks and the result
 * fragments it needs: the download stays small however large the archive grows.
 * Text from the index is only ever inserted as text (excerpts keep their <mark>s).
 */
(() => {
  "use strict";

  const PAGE = 10; // results shown at once; "More results" shows the next ones
  const DEBOUNCE_MS = 80; // Pagefind's own default is 300 ms

  const dialog = document.getElementById("nd-search");
  const opener = document.querySelector("[data-nd-search-open]");
  if (!dialog || !opener) return;

  const form = dialog.querySelector("[data-nd-search-form]");
  const query = form.elements.query;
  const tag = form.elements.tag;
  const status = dialog.querySelector(".nd-search__status");
  const list = dialog.querySelector(".nd-search__results");
  const more = dialog.querySelector(".nd-search__more");
  // Relative URLs in the markup, made absolute against this page: works under any path.
  const bundle = new URL(dialog.dataset.bundle, document.baseURI);
  const root = new URL(dialog.dataset.root, document.baseURI);

  let pagefind = null;
  let shown = []; // the current search's results, in order
  let generation = 0; // bumped by every search, so a slow one never overwrites a newer one

  function load() {
    pagefind ??= import(new URL("pagefind.js", bundle).href).then(async (module) => {
      await module.options({ baseUrl: root.pathname });
      // A large archive is indexed in shards (newsdesk.search.index): merge the others.
      const shards = await fetch(new URL("newsdesk-shards.json", bundle)).then((r) => r.json());
      for (const shard of shards) await module.mergeIndex(new URL(shard, bundle).href);
      await module.init();
      fillTags(await module.filters());
      return module;
    });
    return pagefind;
  }

  function fillTags(filters) {
    const counts = filters.tag ?? {};
    const names = Object.keys(counts).sort((a, b) => a.localeCompare(b));
    tag.append(...names.map((name) => new Option(`${name} (${counts[name]})`, name)));
  }

  async function run() {
    const mine = ++generation;
    const term = query.value.trim();
    const filters = tag.value ? { tag: [tag.value] } : {};
    if (!term && !tag.value) return render(mine, []);
    status.textContent = "Searching…";
    const api = await load();
    // Fetch the index chunks of what is typed so far while the debounce waits.
    if (term) api.preload(term, { filters });
    const search = await api.debouncedSearch(term || null, { filters }, DEBOUNCE_MS);
    if (search === null || mine !== generation) return; // superseded while waiting
    render(mine, search.results);
  }

  function render(mine, results) {
    shown = results;
    list.replaceChildren();
    const term = query.value.trim();
    const count = results.length === 1 ? "1 result" : `${results.length} results`;
    status.textContent = term || tag.value ? `${count}${term ? ` for “${term}”` : ""}` : "";
    return showMore(mine);
  }

  async function showMore(mine) {
    const next = shown.slice(list.children.length, list.children.length + PAGE);
    const data = await Promise.all(next.map((result) => result.data()));
    if (mine !== generation) return;
    list.append(...data.map(resultItem));
    more.hidden = list.children.length >= shown.length;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "nd-search__result";
    const link = document.createElement("a");
    link.className = "nd-search__link";
    link.href = data.url;
    link.textContent = data.meta.title ?? data.url;
    const details = [data.meta.date, data.meta.source].filter(Boolean).join(" · ");
    const parts = [link];
    if (details) parts.push(textElement("p", "nd-search__meta", details));
    const excerpt = textElement("p", "nd-search__excerpt", "");
    excerpt.append(excerptNodes(data.excerpt));
    parts.push(excerpt);
    const tags = data.filters?.tag ?? [];
    if (tags.length) parts.push(textElement("p", "nd-search__tags", `Tags: ${tags.join(", ")}`));
    item.append(...parts);
    return item;
  }

  function textElement(name, className, text) {
    const element = document.createElement(name);
    element.className = className;
    element.textContent = text;
    return element;
  }

  /* Pagefind's excerpt is text with <mark>s around the matches: keep exactly that. */
  function excerptNodes(html) {
    const parsed = document.createElement("template");
    parsed.innerHTML = html; // inert: a template's content runs nothing and loads nothing
    const nodes = [...parsed.content.childNodes].map((node) =>
      node.nodeName === "MARK"
        ? textElement("mark", "", node.textContent)
        : document.createTextNode(node.textContent),
    );
    const fragment = document.createDocumentFragment();
    fragment.append(...nodes);
    return fragment;
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    query.focus();
    load().catch((error) => {
      status.textContent = "Search is unavailable.";
      console.error(error);
    });
  }

  opener.addEventListener("click", open);
  query.addEventListener("input", run);
  tag.addEventListener("change", run);
  more.addEventListener("click", () => showMore(generation));
  form.addEventListener("submit", (event) => {
    event.preventDefault(); // Enter opens the first result
    list.querySelector("a")?.click();
  });
  dialog.querySelector("[data-nd-search-close]").addEventListener("click", () => dialog.close());
  // A click on the backdrop lands on the dialog element itself: close, like Escape does.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : document.body;
    const typing = target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !dialog.open && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      open();
    }
  });
})();
