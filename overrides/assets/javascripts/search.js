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
  // One or two letters match the start of thousands of words: a slow search, and most
  // often the reader is still typing, so such a search waits longer.
  const SHORT = 3;
  const SHORT_DEBOUNCE_MS = 300;

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

  let pagefind = null; // {older, newest, ready}: promises of the Pagefinds to search
  let shown = { results: [], complete: true }; // the results in the list, replaced by each render
  let rendering = shown; // the last render asked for: it may still wait for its results' data
  let generation = 0; // bumped by every search, so a slow one never overwrites a newer one
  const latest = new Map(); // each Pagefind's last search asked for (see `searchWhenFree`)

  function load() {
    pagefind ??= fetch(new URL("newsdesk-shards.json", bundle))
      .then((response) => response.json())
      .then((manifest) => {
        fillTags(manifest.tags);
        const older = openIndex(bundle, manifest.shards);
        const newest = manifest.newest && openIndex(new URL(manifest.newest, bundle), []);
        return { older, newest, ready: Promise.all([older, newest]) };
      });
    return pagefind;
  }

  /* Pagefind on the bundle at `url` merged with `shards` (URLs relative to it): a large
     archive is indexed in shards (newsdesk.search.Indexer). Its newest articles' bundle
     has a pagefind.js of its own: imported from another URL, that is another Pagefind,
     with its own worker. */
  async function openIndex(url, shards) {
    const module = await import(new URL("pagefind.js", url).href);
    await module.options({ baseUrl: root.pathname });
    // Each call adds its shard to Pagefind's list at once, so the order stays this one.
    await Promise.all(shards.map((shard) => module.mergeIndex(new URL(shard, url).href)));
    await module.init();
    return module;
  }

  /* The menu's tags and article counts come with the list of shards (the build knows
     them): asking Pagefind would load every filter chunk of every shard first. */
  function fillTags(counts) {
    const names = Object.keys(counts).sort((a, b) => a.localeCompare(b));
    tag.append(...names.map((name) => new Option(`${name} (${counts[name]})`, name)));
  }

  /* A word in most of 10,000 articles takes the older articles' Pagefind about a second,
     the newest 500's a tenth of that. So the newest are searched first and shown, then
     the older ones, and the complete ranking replaces the first results: both lists
     merged by score, as Pagefind merges its shards. The older ones' search starts once
     the first results are shown, and only the newest articles' index chunks are fetched
     while typing: on two cores, that work would slow the first results down
     (docs/benchmarks.md). */
  async function run() {
    const mine = ++generation;
    const term = query.value.trim();
    const filters = tag.value ? { tag: [tag.value] } : {};
    if (!term && !tag.value) return render([], true);
    status.textContent = "Searching…";
    const { older, newest } = await load();
    // Fetch the index chunks of what is typed so far while the debounce waits.
    if (term) (newest ?? older).then((index) => index.preload(term, { filters }));
    const wait = term.length < SHORT ? SHORT_DEBOUNCE_MS : DEBOUNCE_MS;
    await new Promise((resolve) => setTimeout(resolve, wait));
    if (mine !== generation) return; // typing went on
    const search = (index) => searchWhenFree(index, mine, term || null, { filters });
    const first = newest ? await search(newest) : { results: [] };
    if (first === null) return; // superseded
    if (first.results.length) await render(first.results, false);
    const rest = await search(older);
    if (rest === null) return;
    const results = [...first.results, ...rest.results];
    render(results.sort((a, b) => b.score - a.score), true);
  }

  /* A Pagefind's worker runs one search at a time, in the order asked, and a search for
     the first letters of a word ("ma") is slow: all words that start so match. So a
     search waits for the one before it on the same Pagefind, and is dropped (null) if
     the reader typed on meanwhile, rather than queue behind every keystroke's search. */
  function searchWhenFree(index, mine, term, options) {
    const before = latest.get(index) ?? Promise.resolve();
    const search = before
      .catch(() => null)
      .then(() => (mine === generation ? index : null))
      .then((pagefind) => pagefind?.search(term, options) ?? null)
      .then((result) => (mine === generation ? result : null));
    latest.set(index, search);
    return search;
  }

  /* The list and its status line change together, once the results' data is in: a
     status that counts results over an emptied list would be a lie for a moment. */
  async function render(results, complete) {
    const mine = (rendering = { results, complete });
    const items = await resultItems(results, 0);
    if (mine !== rendering) return; // a newer render was asked for meanwhile
    shown = mine;
    const term = query.value.trim();
    // What the list holds, for the benchmark's clock (newsdesk.bench_search).
    Object.assign(list.dataset, { query: term, tag: tag.value, complete });
    list.replaceChildren(...items);
    const count = results.length === 1 ? "1 result" : `${results.length} results`;
    const words = term ? ` for “${term}”` : "";
    status.textContent = !complete
      ? `Newest articles first: ${count}${words}; searching the whole archive…`
      : term || tag.value
        ? `${count}${words}`
        : "";
    showMoreButton();
  }

  async function showMore() {
    const mine = shown;
    more.disabled = true; // a second click before the data is in would add the page twice
    const items = await resultItems(mine.results, list.children.length);
    more.disabled = false;
    if (mine !== shown) return; // replaced meanwhile
    list.append(...items);
    showMoreButton();
  }

  function showMoreButton() {
    more.hidden = !shown.complete || list.children.length >= shown.results.length;
  }

  async function resultItems(results, from) {
    const data = await Promise.all(results.slice(from, from + PAGE).map((r) => r.data()));
    return data.map(resultItem);
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
    load()
      .then((indexes) => indexes.ready)
      .catch((error) => {
        status.textContent = "Search is unavailable.";
        console.error(error);
      });
  }

  opener.addEventListener("click", open);
  query.addEventListener("input", run);
  tag.addEventListener("change", run);
  more.addEventListener("click", showMore);
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
