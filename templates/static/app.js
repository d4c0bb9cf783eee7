/* antqsearch: progressive enhancement; every feature also works without JavaScript.
 * With it: results and facet counts update in place as you type or tick (the server
 * renders the same HTML at /ket-qua), the URL follows with history.pushState, the back
 * button works, focus stays where it was, the search box suggests titles, provinces and
 * officials (ARIA combobox), long facet lists can be searched, and on a phone the filters
 * are a drawer whose button says how many results the ticked filters give. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var TYPING_DELAY = 250;
  var narrow = window.matchMedia("(max-width: 899px)");

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase();
  }

  function isTyping(target) {
    return Boolean(target) && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function formQuery(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, key) {
      if (String(value) !== "") {
        pairs.push([key, String(value)]);
      }
    });
    return new URLSearchParams(pairs).toString();
  }

  function submitPlain(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  // ------------------------------------------------------------------ results in place
  function Results(root, box) {
    this.root = root;
    this.box = box;
    this.partUrl = root.getAttribute("data-part-url");
    this.countUrl = root.getAttribute("data-count-url");
    this.pending = null;
    this.typingEntry = false;
  }

  Results.prototype.load = function (query, how) {
    // how: "push" (a new history entry), "replace", or "none" (back/forward).
    var self = this;
    if (self.pending) {
      self.pending.abort();
    }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    self.pending = controller;
    self.root.setAttribute("aria-busy", "true");
    var url = self.partUrl + (query ? "?" + query : "");
    return fetch(url, {
      headers: {"Accept": "text/html"},
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      var pageUrl = response.headers.get("X-Search-URL") || "/" + (query ? "?" + query : "");
      return response.text().then(function (html) {
        if (self.pending !== controller) {
          return;
        }
        self.pending = null;
        self.swap(html);
        if (how === "push") {
          history.pushState({antq: true}, "", pageUrl);
        } else if (how === "replace") {
          history.replaceState({antq: true}, "", pageUrl);
        }
        self.syncBox();
      });
    }).catch(function (error) {
      if (error && error.name === "AbortError") {
        return;
      }
      window.location.href = "/" + (query ? "?" + query : "");
    }).finally(function () {
      if (self.pending === null) {
        self.root.removeAttribute("aria-busy");
      }
    });
  };

  Results.prototype.swap = function (html) {
    var active = document.activeElement;
    var keep = null;
    if (active && this.root.contains(active)) {
      // Ticked boxes are found again by name and value, other fields by name.
      var choice = active.type === "checkbox" || active.type === "radio";
      keep = {id: active.id, name: active.getAttribute("name"),
              value: choice ? active.value : null};
    }
    var drawerOpen = narrow.matches && this.root.querySelector("details.filters[open]");
    var searched = {};
    this.root.querySelectorAll("[data-facet-search]").forEach(function (input) {
      searched[input.closest("fieldset").className] = input.value;
    });
    this.root.innerHTML = html;
    enhance(this.root, this);
    this.root.querySelectorAll("[data-facet-search]").forEach(function (input) {
      var previous = searched[input.closest("fieldset").className];
      if (previous) {
        input.value = previous;
        filterFacet(input);
      }
    });
    var panel = this.root.querySelector("details.filters");
    if (panel) {
      panel.open = !narrow.matches || Boolean(drawerOpen);
    }
    if (keep) {
      var target = null;
      if (keep.name) {
        this.root.querySelectorAll("input[name]").forEach(function (input) {
          if (!target && input.name === keep.name && input.type !== "hidden" &&
              (keep.value === null || input.value === keep.value)) {
            target = input;
          }
        });
      }
      if (!target && keep.id) {
        target = document.getElementById(keep.id);
      }
      if (target) {
        var more = target.closest("details.facet__more");
        if (more) {
          more.open = true;
        }
        target.focus();
      } else {
        var summary = this.root.querySelector("#results-summary");
        if (summary) {
          summary.setAttribute("tabindex", "-1");
          summary.focus();
        }
      }
    }
  };

  Results.prototype.syncBox = function () {
    if (!this.box) {
      return;
    }
    var q = new URLSearchParams(window.location.search).get("q") || "";
    if (document.activeElement !== this.box && this.box.value !== q) {
      this.box.value = q;
    }
    var form = this.box.form;
    // The search box's hidden inputs keep the filters of the page it is on.
    form.querySelectorAll("input[type=hidden]").forEach(function (input) {
      input.remove();
    });
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (key !== "q" && key !== "page") {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = key;
        hidden.value = value;
        form.appendChild(hidden);
      }
    });
  };

  Results.prototype.withQuery = function (text) {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    if (text) {
      params.set("q", text);
    } else {
      params.delete("q");
    }
    return params.toString();
  };

  // ------------------------------------------------------------------ the sidebar
  function filterFacet(input) {
    var fieldset = input.closest("fieldset");
    var wanted = fold(input.value.trim());
    var shown = 0;
    fieldset.querySelectorAll(".facet__list li").forEach(function (item) {
      var value = item.querySelector(".facet__value");
      var match = !wanted || fold(value ? value.textContent : "").indexOf(wanted) !== -1;
      item.hidden = !match;
      shown += match ? 1 : 0;
    });
    var more = fieldset.querySelector("details.facet__more");
    if (more) {
      if (wanted) {
        more.open = true;
      }
      more.querySelector("summary").hidden = Boolean(wanted);
    }
    var none = fieldset.querySelector(".facet__none");
    if (none) {
      none.hidden = shown > 0;
    }
  }

  function applyCount(form, results) {
    // In the phone drawer a tick only updates "Áp dụng (N)"; the button applies.
    var button = form.querySelector("[data-apply]");
    if (!button || !results.countUrl) {
      return;
    }
    var query = formQuery(form);
    fetch(results.countUrl + "?" + query + (query ? "&" : "") + "per_page=1", {
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && typeof data.total === "number") {
        button.textContent = "Áp dụng (" + data.total.toLocaleString("vi-VN") + ")";
        button.setAttribute("data-count-for", query);
      }
    }).catch(function () { /* the button still applies */ });
  }

  function enhance(scope, results) {
    var filters = scope.querySelector("#filters");
    scope.querySelectorAll("[data-autosubmit]").forEach(function (input) {
      input.addEventListener("change", function () {
        var form = input.form;
        if (!form) {
          return;
        }
        if (input.name === "range") {
          form.querySelectorAll("[data-date]").forEach(function (date) {
            date.value = "";
          });
        }
        if (!results) {
          submitPlain(form);
        } else if (form === filters && narrow.matches) {
          applyCount(form, results);
        } else {
          results.load(formQuery(form), "push");
        }
      });
    });
    scope.querySelectorAll("[data-date]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (input.value && !input.checkValidity()) {
          return;
        }
        var all = input.form.querySelector("input[name=range][value='']");
        if (all) {
          all.checked = true;
        }
        if (results && narrow.matches) {
          applyCount(input.form, results);
        } else if (results) {
          results.load(formQuery(input.form), "push");
        }
      });
    });
    if (filters && results) {
      filters.addEventListener("submit", function (event) {
        event.preventDefault();
        results.load(formQuery(filters), "push").then(function () {
          var again = results.root.querySelector("details.filters");
          if (again && narrow.matches) {
            again.open = false;
            var summary = again.querySelector("summary");
            if (summary) {
              summary.focus();
            }
          }
        });
      });
    }
    scope.querySelectorAll("form.sort").forEach(function (form) {
      if (results) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          results.load(formQuery(form), "push");
        });
      }
    });
    scope.querySelectorAll("[data-facet-search]").forEach(function (input) {
      input.addEventListener("input", function () {
        filterFacet(input);
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();  // Enter in the list's search box does not submit
        }
      });
    });
    scope.querySelectorAll("details[data-collapse-narrow]").forEach(function (panel) {
      panel.open = !narrow.matches;
    });
  }

  // ------------------------------------------------------------------ autocomplete
  function Combobox(box, listbox, url, onPick) {
    this.box = box;
    this.list = listbox;
    this.url = url;
    this.onPick = onPick;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.seq = 0;
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", listbox.id);
    var self = this;
    box.addEventListener("keydown", function (event) { self.key(event); });
    box.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keep focus in the box
    });
  }

  Combobox.prototype.update = function () {
    var self = this;
    var text = self.box.value.trim();
    var seq = ++self.seq;
    if (text.length < 2) {
      self.close();
      return;
    }
    fetch(self.url + "?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (seq !== self.seq || !data || document.activeElement !== self.box) {
          return;
        }
        self.show(data.suggestions || []);
        self.list.setAttribute("data-for", text);  // which text these suggestions answer
      })
      .catch(function () { self.close(); });
  };

  Combobox.prototype.show = function (items) {
    var self = this;
    self.items = items;
    self.active = -1;
    self.list.textContent = "";
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = self.list.id + "-" + index;
      option.className = "suggest__item";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var kind = document.createElement("span");
      kind.className = "suggest__kind";
      kind.textContent = item.kind_label;
      var label = document.createElement("span");
      label.className = "suggest__label";
      label.textContent = item.label;
      option.appendChild(label);
      option.appendChild(kind);
      option.addEventListener("click", function () { self.pick(index); });
      self.list.appendChild(option);
    });
    var open = items.length > 0;
    self.list.hidden = !open;
    self.box.setAttribute("aria-expanded", open ? "true" : "false");
    self.box.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.close = function () {
    this.seq++;
    this.items = [];
    this.active = -1;
    this.list.hidden = true;
    this.list.textContent = "";
    this.list.removeAttribute("data-for");
    this.box.setAttribute("aria-expanded", "false");
    this.box.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.move = function (step) {
    var count = this.items.length;
    if (!count) {
      return;
    }
    // -1 is the box itself: Down from the last option comes back to it.
    this.active = (this.active + 1 + step + count + 1) % (count + 1) - 1;
    var self = this;
    this.list.querySelectorAll("[role=option]").forEach(function (option, index) {
      option.setAttribute("aria-selected", index === self.active ? "true" : "false");
    });
    if (this.active >= 0) {
      this.box.setAttribute("aria-activedescendant", this.list.id + "-" + this.active);
    } else {
      this.box.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.key = function (event) {
    var open = this.items.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      this.move(1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      this.move(-1);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault();
      this.pick(this.active);
    } else if (event.key === "Enter") {
      this.close();
    }
  };

  Combobox.prototype.pick = function (index) {
    var item = this.items[index];
    this.close();
    if (item) {
      this.onPick(item);
    }
  };

  // ------------------------------------------------------------------ start
  function ready() {
    var root = document.getElementById("results-root");
    var box = document.getElementById("q");
    var results = root ? new Results(root, box) : null;
    enhance(document, results);

    if (box) {
      var listbox = document.getElementById("q-suggestions");
      var suggestUrl = (root && root.getAttribute("data-suggest-url")) || "/api/goi-y";
      var combo = listbox ? new Combobox(box, listbox, suggestUrl, function (item) {
        if (item.kind === "title") {
          window.location.href = item.url;
        } else if (results) {
          var url = new URL(item.url, window.location.href);
          box.value = "";
          results.load(url.search.replace(/^\?/, ""), "push");
        } else {
          window.location.href = item.url;
        }
      }) : null;
      var timer = null;
      box.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          if (combo) {
            combo.update();
          }
          if (results) {
            // One history entry per typing session: the first change pushes, the rest replace.
            results.load(results.withQuery(box.value.trim()),
              results.typingEntry ? "replace" : "push");
            results.typingEntry = true;
          }
        }, TYPING_DELAY);
      });
      if (results) {
        box.form.addEventListener("submit", function (event) {
          event.preventDefault();
          window.clearTimeout(timer);
          results.typingEntry = false;
          results.load(results.withQuery(box.value.trim()), "push");
        });
      }
    }

    if (results) {
      // Links to another search (chips, chart bars, pages, suggestion) load in place.
      root.addEventListener("click", function (event) {
        var link = event.target.closest ? event.target.closest("a[href]") : null;
        if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey ||
            event.altKey) {
          return;
        }
        var url = new URL(link.getAttribute("href"), window.location.href);
        if (url.origin !== window.location.origin || url.pathname !== "/") {
          return;
        }
        event.preventDefault();
        if (box) {
          box.value = url.searchParams.get("q") || "";
        }
        results.typingEntry = false;
        results.load(url.search.replace(/^\?/, ""), "push");
      });
      // The page's own address for this search (a filter typed in the box is moved out of q).
      history.replaceState({antq: true}, "", root.getAttribute("data-page-url") ||
        window.location.href);
      window.addEventListener("popstate", function () {
        results.typingEntry = false;
        if (box) {
          box.value = new URLSearchParams(window.location.search).get("q") || "";
        }
        results.load(window.location.search.replace(/^\?/, ""), "none");
      });
    }

    // On phones the filters start collapsed; on wide screens they are always shown.
    if (typeof narrow.addEventListener === "function") {
      narrow.addEventListener("change", function () {
        document.querySelectorAll("details[data-collapse-narrow]").forEach(function (panel) {
          panel.open = !narrow.matches;
        });
      });
    }

    // "/" focuses the search box, as on most search sites.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey ||
          isTyping(event.target)) {
        return;
      }
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
