/* policykit-declaration.js: the cookie declaration of a policy published with
 * `policykit build`, shown in any page of any site, with no server code.
 *
 *   <div data-policykit-declaration lang="nl"></div>
 *   <script src="https://www.example.com/cookies/policykit-declaration.js" defer></script>
 *
 * Reads cookies.json (the one beside this script, or the address in the element's
 * data-policykit-cookies) and fills each such element with the declaration in its
 * language (its lang attribute, else the nearest ancestor's, else the policy's own):
 * for each category, what it is for and whether it needs consent, then a table of its
 * cookies with a caption and header cells. Right-to-left languages get dir="rtl".
 * Every text from the file goes in as text, never as markup.
 *
 * The element keeps what it holds (a link to the policy, say) until the declaration is
 * there; then data-policykit-state is "ready", or "error" if cookies.json cannot be
 * read. window.policykitDeclaration.render() fills elements added later.
 *
 * Written by policykit; `policykit build` writes it again, so do not edit the copy.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const own = script && script.src ? script.src : document.baseURI;
  const loaded = new Map(); // address -> promise of the catalogue
  const MAX_DEPTH = 16; // inline markup nests a few levels; more is not a policykit file

  function element(name, className) {
    const node = document.createElement(name);
    if (className) node.className = className;
    return node;
  }

  function safeHref(href) {
    if (typeof href !== "string") return false;
    try {
      const url = new URL(href);
      return url.protocol === "https:" || url.protocol === "http:" || url.protocol === "mailto:";
    } catch (error) {
      return false;
    }
  }

  // Inline nodes (a string, or {type, content}) appended to `parent` as elements and text nodes.
  function inline(parent, nodes, depth) {
    const list = Array.isArray(nodes) ? nodes : [nodes];
    for (const node of list) {
      if (typeof node === "string") {
        parent.append(document.createTextNode(node));
      } else if (node && typeof node === "object" && depth < MAX_DEPTH) {
        let child = null;
        if (node.type === "em") child = element("em");
        else if (node.type === "strong") child = element("strong");
        else if (node.type === "isolate") child = element("bdi");
        else if (node.type === "link" && safeHref(node.href)) {
          child = element("a");
          child.setAttribute("href", node.href);
        }
        if (child) parent.append(child);
        inline(child || parent, node.content === undefined ? [] : node.content, depth + 1);
      }
    }
  }

  function text(value) {
    return typeof value === "string" ? value : "";
  }

  function table(block) {
    const wrapper = element("div", "pk-table");
    const grid = element("table");
    const caption = element("caption");
    caption.textContent = text(block.caption);
    grid.append(caption);
    const columns = Array.isArray(block.columns) ? block.columns : [];
    const head = element("thead");
    const headRow = element("tr");
    for (const column of columns) {
      const cell = element("th");
      cell.setAttribute("scope", "col");
      const key = text(column && column.key);
      if (/^[a-z][a-z-]*$/.test(key)) cell.className = `pk-${key}`;
      cell.textContent = text(column && column.label);
      headRow.append(cell);
    }
    head.append(headRow);
    grid.append(head);
    const body = element("tbody");
    for (const row of Array.isArray(block.rows) ? block.rows : []) {
      const line = element("tr");
      const cells = row && Array.isArray(row.cells) ? row.cells : [];
      cells.forEach((content, index) => {
        let cell;
        if (index === 0) {
          cell = element("th");
          cell.setAttribute("scope", "row");
        } else {
          cell = element("td");
          cell.setAttribute("data-label", text(columns[index] && columns[index].label));
        }
        inline(cell, content, 0);
        line.append(cell);
      });
      body.append(line);
    }
    grid.append(body);
    wrapper.append(grid);
    return wrapper;
  }

  // The language tag of `declaration` closest to `wanted`: the same tag, else its
  // language alone (pt-BR -> pt), else one of the same language, else the policy's own.
  function choose(declaration, wanted, policyLanguage) {
    const tags = Object.keys(declaration);
    const lower = wanted.toLowerCase();
    const primary = lower.split("-")[0];
    return (
      tags.find((tag) => tag.toLowerCase() === lower) ||
      tags.find((tag) => tag.toLowerCase() === primary) ||
      (primary ? tags.find((tag) => tag.toLowerCase().split("-")[0] === primary) : undefined) ||
      (policyLanguage in declaration ? policyLanguage : tags[0])
    );
  }

  function show(host, catalogue) {
    const declaration = catalogue && catalogue.declaration;
    if (!declaration || typeof declaration !== "object" || !Object.keys(declaration).length) {
      throw new Error("the file has no declaration (written by policykit build?)");
    }
    const holder = host.closest("[lang]");
    const wanted = holder ? holder.getAttribute("lang") || "" : "";
    const policyLanguage = text(catalogue.policy && catalogue.policy.language).replace(/_/g, "-");
    const tag = choose(declaration, wanted, policyLanguage);
    const entry = declaration[tag] || {};
    const root = element("div", "policykit pk-declaration");
    root.setAttribute("lang", tag);
    root.setAttribute("dir", entry.direction === "rtl" ? "rtl" : "ltr");
    if (typeof entry.version_id === "string") root.setAttribute("data-version-id", entry.version_id);
    // Long names may break anywhere rather than widen the page (policykit-fragment.css,
    // when the page links it, lays each cookie out as a block on a phone).
    root.style.overflowWrap = "anywhere";
    for (const block of Array.isArray(entry.blocks) ? entry.blocks : []) {
      if (!block || typeof block !== "object") continue;
      if (block.type === "paragraph") {
        const paragraph = element("p");
        inline(paragraph, block.content, 0);
        root.append(paragraph);
      } else if (block.type === "list") {
        const items = element("ul");
        for (const item of Array.isArray(block.items) ? block.items : []) {
          const entryItem = element("li");
          inline(entryItem, item, 0);
          items.append(entryItem);
        }
        root.append(items);
      } else if (block.type === "table") {
        root.append(table(block));
      }
    }
    host.replaceChildren(root);
    host.setAttribute("data-policykit-state", "ready");
  }

  function catalogueAt(address) {
    if (!loaded.has(address)) {
      loaded.set(
        address,
        fetch(address, { credentials: "same-origin" }).then((response) => {
          if (!response.ok) throw new Error(`${address}: HTTP ${response.status}`);
          return response.json();
        }),
      );
    }
    return loaded.get(address);
  }

  function render() {
    const hosts = document.querySelectorAll("[data-policykit-declaration]");
    return Promise.all(
      Array.from(hosts, (host) => {
        let address;
        try {
          address = new URL(host.getAttribute("data-policykit-cookies") || "cookies.json",
            host.hasAttribute("data-policykit-cookies") ? document.baseURI : own).href;
        } catch (error) {
          host.setAttribute("data-policykit-state", "error");
          return Promise.resolve();
        }
        return catalogueAt(address)
          .then((catalogue) => show(host, catalogue))
          .catch((error) => {
            host.setAttribute("data-policykit-state", "error");
            console.error(`policykit declaration: ${error && error.message ? error.message : error}`);
          });
      }),
    );
  }

  window.policykitDeclaration = Object.freeze({ render });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
