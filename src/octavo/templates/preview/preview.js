// The preview page: chapter navigation, screen sizes, and reloading after each rebuild in place.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("octavo-data").textContent);
  const spine = data.spine.map((entry) => entry[0]);
  const frame = document.getElementById("chapter");
  const statusLine = document.getElementById("status");
  const banner = document.getElementById("error");
  const bannerText = document.getElementById("error-text");
  const spreads = document.getElementById("spreads");
  const PLACE = "octavo-place";
  const DEVICE = "octavo-device";
  const SIZES = { phone: [418, 872], tablet: [856, 1216] }; // the screen plus the bezel

  function fromHash() {
    const match = /^#c=(.+)$/.exec(location.hash);
    const href = match ? decodeURIComponent(match[1]) : null;
    return spine.includes(href) ? href : spine[0];
  }

  // The PDF spread each chapter opens on, found once per build (the page asks after it loads).
  let openings = {};
  function follow(href) {
    const figures = spreads ? spreads.querySelectorAll("figure") : [];
    const figure = figures[openings[href]];
    if (figure) spreads.scrollTo({ top: figure.offsetTop - 8, behavior: "smooth" });
  }

  let current = null;
  function show(href, replace, quiet) {
    if (!href) return;
    if (!quiet && href !== current) follow(href);
    if (href !== current || !frame.getAttribute("src")) {
      current = href;
      frame.setAttribute("src", "/book/" + href);
    }
    const hash = "#c=" + href;
    if (location.hash !== hash) history[replace ? "replaceState" : "pushState"](null, "", hash);
    const index = spine.indexOf(href);
    document.getElementById("prev").disabled = index <= 0;
    document.getElementById("next").disabled = index >= spine.length - 1;
    document.getElementById("position").textContent = (index + 1) + " / " + spine.length;
    for (const link of document.querySelectorAll(".toc a")) {
      if (link.dataset.href === href) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  function fit() {
    const device = document.getElementById("device");
    const stage = document.getElementById("stage");
    const reader = stage.parentElement;
    const kind = device.classList.contains("tablet") ? "tablet" : "phone";
    const [width, height] = SIZES[kind];
    const narrow = window.matchMedia("(max-width: 900px)").matches;
    const room = narrow ? window.innerHeight - 24 : reader.clientHeight - stage.offsetTop + reader.offsetTop - 16;
    // Beside the contents (230px) and at least 300px of spreads, or the whole width when narrow.
    const across = narrow ? window.innerWidth - 16 : window.innerWidth - 230 - 300 - 48;
    const scale = Math.max(0.25, Math.min(1, room / height, across / width));
    device.style.transform = "scale(" + scale + ")";
    stage.style.width = Math.round(width * scale) + "px";
    stage.style.height = Math.round(height * scale) + "px";
  }

  function setDevice(kind) {
    document.getElementById("device").className = "device " + kind;
    for (const button of document.querySelectorAll("[data-device]")) {
      button.setAttribute("aria-pressed", String(button.dataset.device === kind));
    }
    sessionStorage.setItem(DEVICE, kind);
    fit();
  }

  function keepPlace() {
    let y = 0;
    try { y = frame.contentWindow.scrollY; } catch (e) { /* not loaded */ }
    sessionStorage.setItem(PLACE, JSON.stringify({ href: current, y: y,
                                                   spreads: spreads ? spreads.scrollTop : 0 }));
  }

  if (frame) {
    frame.addEventListener("load", () => {
      let path = "";
      try { path = frame.contentWindow.location.pathname; } catch (e) { return; }
      const href = decodeURIComponent(path.replace(/^\/book\//, ""));
      if (spine.includes(href) && href !== current) { follow(href); current = href; show(href, true, true); }
      const place = JSON.parse(sessionStorage.getItem(PLACE) || "null");
      if (place && place.href === href) {
        frame.contentWindow.scrollTo(0, place.y);
        sessionStorage.removeItem(PLACE);
      }
    });
    document.getElementById("prev").addEventListener("click", () => show(spine[spine.indexOf(current) - 1]));
    document.getElementById("next").addEventListener("click", () => show(spine[spine.indexOf(current) + 1]));
    for (const button of document.querySelectorAll("[data-device]")) {
      button.addEventListener("click", () => setDevice(button.dataset.device));
    }
    window.addEventListener("hashchange", () => show(fromHash(), true));
    window.addEventListener("resize", fit);
    setDevice(sessionStorage.getItem(DEVICE) || "phone");
    const place = JSON.parse(sessionStorage.getItem(PLACE) || "null");
    if (place && spreads) spreads.scrollTop = place.spreads;
    show(fromHash(), true, true);
    fetch("/openings.json", { cache: "no-store" }).then((response) => response.json()).then((found) => {
      openings = found;
      if (!place) follow(current);
    }).catch(() => {});
  }

  async function poll() {
    try {
      const response = await fetch("/state.json", { cache: "no-store" });
      const state = await response.json();
      if (state.generation !== data.generation) {
        keepPlace();
        location.reload();
        return;
      }
      banner.hidden = !state.error;
      bannerText.textContent = state.error || "";
      statusLine.classList.toggle("building", state.building);
      statusLine.textContent = state.building ? "rebuilding…"
        : state.error ? "rebuild failed" : state.generation ? "up to date" : "no book yet";
    } catch (e) {
      statusLine.textContent = "octavo watch is not running";
    }
    setTimeout(poll, 700);
  }
  setTimeout(poll, 700);
})();
