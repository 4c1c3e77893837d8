/* Suggestions while typing in a search field: the ARIA 1.2 combobox pattern with a listbox popup.
 *
 * Progressive enhancement: an <input data-autocomplete-url="…"> is a plain search field until this
 * script turns it into a combobox; the form works the same without it. Keys: Down/Up move through
 * the suggestions (Down opens them), Enter opens the highlighted document (or searches when none
 * is highlighted), Escape closes the list (and clears the field when it is already closed), Tab
 * leaves. The suggestions come from /sok/forslag/ and are the documents this reader may see.
 */
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY_MS = 200;

  function Combobox(input, index) {
    this.input = input;
    this.url = input.getAttribute("data-autocomplete-url");
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.lastQuery = null;

    var id = input.id || "sok-falt-" + index;
    input.id = id;
    this.listbox = document.createElement("ul");
    this.listbox.id = id + "-forslag";
    this.listbox.className = "combobox__listbox";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.setAttribute("aria-label", "Förslag på dokument");
    this.listbox.hidden = true;

    // Announces how many suggestions there are (the list itself is not read until entered).
    this.status = document.createElement("div");
    this.status.className = "visually-hidden";
    this.status.setAttribute("aria-live", "polite");
    this.status.setAttribute("aria-atomic", "true");

    var wrapper = input.parentNode;
    wrapper.classList.add("combobox");
    wrapper.appendChild(this.listbox);
    wrapper.appendChild(this.status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.listbox.id);
    input.setAttribute("autocomplete", "off");

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeyDown.bind(this));
    input.addEventListener("blur", this.onBlur.bind(this));
    // mousedown, not click: the option is chosen before the input loses focus.
    this.listbox.addEventListener("mousedown", this.onPointer.bind(this));
  }

  Combobox.prototype.onInput = function () {
    var self = this;
    window.clearTimeout(this.timer);
    var value = this.input.value.trim();
    if (value.length < MIN_LENGTH) {
      this.close();
      this.lastQuery = null;
      return;
    }
    this.timer = window.setTimeout(function () {
      self.fetch(value);
    }, DELAY_MS);
  };

  Combobox.prototype.fetch = function (value) {
    var self = this;
    if (value === this.lastQuery) {
      if (this.items.length) this.open();
      return;
    }
    this.lastQuery = value;
    if (this.request && this.request.abort) this.request.abort();
    var controller = window.AbortController ? new AbortController() : null;
    this.request = controller;
    var url = this.url + "?q=" + encodeURIComponent(value);
    window
      .fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (items) {
        // A slower, older answer must not replace the list for what is typed now.
        if (self.input.value.trim() !== value) return;
        self.render(Array.isArray(items) ? items : []);
      })
      .catch(function () {
        if (self.input.value.trim() === value) self.render([]);
      });
  };

  Combobox.prototype.render = function (items) {
    var self = this;
    this.items = items.filter(function (item) {
      return item && typeof item.title === "string" && typeof item.url === "string";
    });
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (this.listbox.firstChild) this.listbox.removeChild(this.listbox.firstChild);
    this.items.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = self.listbox.id + "-" + i;
      option.className = "combobox__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(i));
      var title = document.createElement("span");
      title.className = "combobox__title";
      title.textContent = item.title;
      option.appendChild(title);
      var details = [item.type, item.diarienummer].filter(function (text) {
        return typeof text === "string" && text;
      });
      if (details.length) {
        var type = document.createElement("span");
        type.className = "combobox__type";
        type.textContent = details.join(" · ");
        option.appendChild(document.createTextNode(" "));
        option.appendChild(type);
      }
      self.listbox.appendChild(option);
    });
    if (this.items.length) {
      this.open();
      this.announce(
        this.items.length === 1
          ? "1 förslag. Använd pil ned för att välja."
          : this.items.length + " förslag. Använd pil upp och ned för att välja."
      );
    } else {
      this.close();
      this.announce("");
    }
  };

  Combobox.prototype.announce = function (text) {
    this.status.textContent = text;
  };

  Combobox.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Combobox.prototype.open = function () {
    if (!this.items.length) return;
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.setActive(-1);
  };

  Combobox.prototype.setActive = function (index) {
    var options = this.listbox.querySelectorAll("[role=option]");
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      options[i].classList.toggle("combobox__option--active", i === index);
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.move = function (step) {
    if (!this.items.length) return;
    if (!this.isOpen()) {
      this.open();
      this.setActive(step > 0 ? 0 : this.items.length - 1);
      return;
    }
    var next = this.active + step;
    if (next < 0) next = this.items.length - 1;
    if (next >= this.items.length) next = 0;
    this.setActive(next);
  };

  Combobox.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) return;
    this.close();
    window.location.assign(item.url);
  };

  Combobox.prototype.onKeyDown = function (event) {
    if (event.altKey && event.key === "ArrowDown") {
      this.open();
      event.preventDefault();
      return;
    }
    switch (event.key) {
      case "ArrowDown":
      case "Down":
        if (!this.items.length && this.input.value.trim().length >= MIN_LENGTH) {
          this.fetch(this.input.value.trim());
        }
        this.move(1);
        event.preventDefault();
        break;
      case "ArrowUp":
      case "Up":
        if (this.isOpen()) {
          this.move(-1);
          event.preventDefault();
        }
        break;
      case "Enter":
        if (this.isOpen() && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        } else {
          this.close();
        }
        break;
      case "Escape":
      case "Esc":
        if (this.isOpen()) {
          this.close();
          event.preventDefault();
        } else if (this.input.value) {
          // A search field's own Escape clears it; keep that, and forget the old suggestions.
          this.items = [];
          this.lastQuery = null;
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  Combobox.prototype.onBlur = function () {
    this.close();
  };

  Combobox.prototype.onPointer = function (event) {
    var option = event.target.closest ? event.target.closest("[role=option]") : null;
    if (!option) return;
    event.preventDefault();
    this.choose(Number(option.getAttribute("data-index")));
  };

  function init() {
    if (!window.fetch || !document.querySelectorAll) return;
    var inputs = document.querySelectorAll("input[data-autocomplete-url]");
    for (var i = 0; i < inputs.length; i++) {
      if (!inputs[i].getAttribute("data-combobox")) {
        inputs[i].setAttribute("data-combobox", "on");
        new Combobox(inputs[i], i);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
