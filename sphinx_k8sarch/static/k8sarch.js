/* sphinx-k8sarch: what a figure does with JavaScript on. Without it the figure is whole:
   the inline SVG, its links and the download links under it.

   - The palette follows the page: dark only where the page background really is dark.
   - Hovering or focusing a component highlights its conversations and dims the rest.
   - A "Full screen" button opens the figure alone, to zoom and move with the mouse
     (drag, wheel), touch (drag, pinch) or the keyboard (arrows, + and -, 0 to fit);
     Escape closes it and focus returns to the button.
   No framework, nothing loaded from elsewhere. */
(function () {
  "use strict";

  // ---------------------------------------------------------------- colour scheme
  function background(element) {
    for (let el = element; el; el = el.parentElement) {
      const colour = getComputedStyle(el).backgroundColor;
      const parts = colour.match(/[\d.]+/g);
      if (parts && (parts.length < 4 || parseFloat(parts[3]) > 0.5)) {
        return parts.slice(0, 3).map(Number);
      }
    }
    return [255, 255, 255];
  }

  function luminance(rgb) {
    const c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function scheme(element) {
    return luminance(background(element)) < 0.2 ? "dark" : "light";
  }

  function followPage(diagrams) {
    diagrams.forEach(function (div) {
      // Measured on the parent: the figure itself has no background of its own.
      div.setAttribute("data-k8sarch-scheme", scheme(div.parentElement || div));
    });
  }

  // ---------------------------------------------------------------- highlighting
  function ends(element) {
    const result = [];
    element.classList.forEach(function (name) {
      if (name.indexOf("k8s-end-") === 0) result.push(name.slice(8));
      if (name.indexOf("k8s-in-") === 0) result.push(name.slice(7));
    });
    return result;
  }

  function nodeName(g) {
    const id = g.id || "";
    const at = id.indexOf("-n-");
    return at < 0 ? "" : id.slice(at + 3);
  }

  function highlight(svg, g) {
    const keys = new Set(ends(g));
    keys.add(nodeName(g));
    const edges = Array.from(svg.querySelectorAll("g.edge"));
    const lit = new Set();
    const touched = new Set();
    edges.forEach(function (edge) {
      const own = ends(edge);
      if (own.some(function (k) { return keys.has(k); })) {
        lit.add(edge);
        own.forEach(function (k) { touched.add(k); });
      }
    });
    // Through a junction (the etcd peers), every member is in the conversation.
    svg.querySelectorAll("g.k8s-junction").forEach(function (junction) {
      const name = nodeName(junction);
      if (!touched.has(name)) return;
      edges.forEach(function (edge) {
        const own = ends(edge);
        if (own.indexOf(name) >= 0) {
          lit.add(edge);
          own.forEach(function (k) { touched.add(k); });
        }
      });
    });
    svg.querySelectorAll("g.node").forEach(function (node) {
      const name = nodeName(node);
      const inside = ends(node).some(function (k) { return touched.has(k); });
      node.classList.toggle("k8sarch-lit", node === g || touched.has(name) || inside);
    });
    edges.forEach(function (edge) { edge.classList.toggle("k8sarch-lit", lit.has(edge)); });
    svg.classList.add("k8sarch-dimmed");
  }

  function clear(svg) {
    svg.classList.remove("k8sarch-dimmed");
    svg.querySelectorAll(".k8sarch-lit").forEach(function (el) {
      el.classList.remove("k8sarch-lit");
    });
  }

  function interactive(svg) {
    function enter(event) {
      const g = event.target.closest && event.target.closest("g.node");
      if (g && svg.contains(g) && !g.classList.contains("k8s-legend-entry")) {
        highlight(svg, g);
      }
    }
    function leave() { clear(svg); }
    svg.addEventListener("mouseover", enter);
    svg.addEventListener("focusin", enter);
    svg.addEventListener("mouseleave", leave);
    svg.addEventListener("focusout", leave);
  }

  // ---------------------------------------------------------------- full screen
  function button(text, label) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function openViewer(div, opener) {
    const svg = div.querySelector("svg.k8sarch-svg");
    const title = svg.querySelector("title");
    const viewer = document.createElement("div");
    viewer.className = "k8sarch-viewer k8sarch-diagram";
    viewer.setAttribute("role", "dialog");
    viewer.setAttribute("aria-modal", "true");
    viewer.setAttribute("aria-label", title ? title.textContent : "");
    viewer.setAttribute("data-k8sarch-scheme", div.getAttribute("data-k8sarch-scheme") || "");
    viewer.style.background = "rgb(" + background(div.parentElement || div).join(",") + ")";

    const bar = document.createElement("div");
    bar.className = "k8sarch-viewer-bar";
    const zoomIn = button("+", div.dataset.k8sarchZoomIn);
    const zoomOut = button("\u2212", div.dataset.k8sarchZoomOut);
    const fit = button(div.dataset.k8sarchReset || "Fit");
    const close = button(div.dataset.k8sarchClose || "Close");
    const help = document.createElement("span");
    help.className = "k8sarch-viewer-help";
    help.id = div.id + "-viewer-help";
    help.textContent = div.dataset.k8sarchHelp || "";
    [zoomIn, zoomOut, fit, close, help].forEach(function (el) { bar.appendChild(el); });

    const stage = document.createElement("div");
    stage.className = "k8sarch-viewer-stage";
    stage.tabIndex = 0;
    stage.setAttribute("role", "application");
    stage.setAttribute("aria-roledescription", "zoomable figure");
    stage.setAttribute("aria-describedby", help.id);
    const copy = svg.cloneNode(true);
    // Ids are the page's: the copy drops them, and names itself from the title.
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    copy.removeAttribute("aria-labelledby");
    copy.setAttribute("aria-label", title ? title.textContent : "");
    copy.querySelectorAll("a").forEach(function (a) { a.setAttribute("tabindex", "-1"); });
    clear(copy);
    interactive(copy);
    stage.appendChild(copy);
    viewer.appendChild(bar);
    viewer.appendChild(stage);
    document.body.appendChild(viewer);

    const box = svg.viewBox.baseVal;
    copy.setAttribute("width", box.width);
    copy.setAttribute("height", box.height);
    let scale = 1, x = 0, y = 0;
    function apply() {
      copy.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")";
    }
    function reset() {
      const w = stage.clientWidth, h = stage.clientHeight;
      scale = Math.min(w / box.width, h / box.height) * 0.95;
      x = (w - box.width * scale) / 2;
      y = (h - box.height * scale) / 2;
      apply();
    }
    function zoom(factor, cx, cy) {
      const next = Math.max(0.1, Math.min(10, scale * factor));
      if (cx === undefined) { cx = stage.clientWidth / 2; cy = stage.clientHeight / 2; }
      x = cx - (cx - x) * (next / scale);
      y = cy - (cy - y) * (next / scale);
      scale = next;
      apply();
    }
    reset();

    const pointers = new Map();
    let pinch = 0;
    stage.addEventListener("pointerdown", function (e) {
      stage.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, [e.clientX, e.clientY]);
    });
    stage.addEventListener("pointermove", function (e) {
      if (!pointers.has(e.pointerId)) return;
      const last = pointers.get(e.pointerId);
      pointers.set(e.pointerId, [e.clientX, e.clientY]);
      if (pointers.size === 2) {
        const p = Array.from(pointers.values());
        const d = Math.hypot(p[0][0] - p[1][0], p[0][1] - p[1][1]);
        if (pinch) {
          const r = stage.getBoundingClientRect();
          zoom(d / pinch, (p[0][0] + p[1][0]) / 2 - r.left, (p[0][1] + p[1][1]) / 2 - r.top);
        }
        pinch = d;
        return;
      }
      x += e.clientX - last[0];
      y += e.clientY - last[1];
      apply();
    });
    function up(e) { pointers.delete(e.pointerId); pinch = 0; }
    stage.addEventListener("pointerup", up);
    stage.addEventListener("pointercancel", up);
    stage.addEventListener("wheel", function (e) {
      e.preventDefault();
      const r = stage.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, {passive: false});

    function shut() {
      viewer.remove();
      document.removeEventListener("keydown", keys, true);
      opener.focus();
    }
    function keys(e) {
      const step = 40;
      if (e.key === "Escape") { e.preventDefault(); shut(); return; }
      if (e.key === "Tab") {
        // Focus stays in the dialog.
        const stops = [zoomIn, zoomOut, fit, close, stage];
        const at = stops.indexOf(document.activeElement);
        const next = (at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length;
        e.preventDefault();
        stops[at < 0 ? 0 : next].focus();
        return;
      }
      if (document.activeElement !== stage) return;
      const moves = {ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step],
                     ArrowDown: [0, -step]};
      if (moves[e.key]) {
        x += moves[e.key][0]; y += moves[e.key][1]; apply(); e.preventDefault();
      } else if (e.key === "+" || e.key === "=") { zoom(1.25); e.preventDefault(); }
      else if (e.key === "-" || e.key === "_") { zoom(0.8); e.preventDefault(); }
      else if (e.key === "0") { reset(); e.preventDefault(); }
    }
    document.addEventListener("keydown", keys, true);
    zoomIn.addEventListener("click", function () { zoom(1.25); });
    zoomOut.addEventListener("click", function () { zoom(0.8); });
    fit.addEventListener("click", reset);
    close.addEventListener("click", shut);
    stage.focus();
  }

  // ---------------------------------------------------------------- set up
  function setUp() {
    const diagrams = Array.from(document.querySelectorAll(".k8sarch-diagram"))
      .filter(function (div) { return div.querySelector("svg.k8sarch-svg"); });
    followPage(diagrams);
    const observer = new MutationObserver(function () { followPage(diagrams); });
    [document.documentElement, document.body].forEach(function (el) {
      observer.observe(el, {attributes: true, attributeFilter: ["data-theme", "class", "style"]});
    });
    if (window.matchMedia) {
      const media = window.matchMedia("(prefers-color-scheme: dark)");
      const again = function () { setTimeout(function () { followPage(diagrams); }, 0); };
      if (media.addEventListener) media.addEventListener("change", again);
    }
    diagrams.forEach(function (div) {
      const svg = div.querySelector("svg.k8sarch-svg");
      interactive(svg);
      let actions = div.querySelector(".k8sarch-actions");
      if (!actions) {
        actions = document.createElement("p");
        actions.className = "k8sarch-actions";
        div.appendChild(actions);
      }
      const open = button(div.dataset.k8sarchFullscreen || "Full screen");
      open.className = "k8sarch-fullscreen";
      open.setAttribute("aria-haspopup", "dialog");
      open.addEventListener("click", function () { openViewer(div, open); });
      actions.insertBefore(open, actions.firstChild);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
