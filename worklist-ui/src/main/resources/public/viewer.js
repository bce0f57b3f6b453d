// The image viewer: each image of the study at full resolution, fetched once (audited on the
// server) as 16-bit codes; window/level, invert, zoom and pan happen here on a canvas, so they are
// instant. Nothing is ever drawn into the pixels: markers and the heatmap are separate layers.
import { api } from "./api.js";

const PRESETS = ["voi", "auto", "full", "contrast", "soft"];
const BLACK = 0xff000000;
const MIN_LEVEL_SIDE = 256;

export class Viewer {
  constructor(root) {
    this.root = root;
    this.viewport = root.querySelector("#viewport");
    this.canvas = root.querySelector("#image-canvas");
    this.overlay = root.querySelector("#overlay-canvas");
    this.ctx = this.canvas.getContext("2d", { alpha: false });
    this.overlayCtx = this.overlay.getContext("2d");
    this.status = root.querySelector("#viewer-status");
    this.preset = root.querySelector("#window-preset");
    this.thumbnails = root.querySelector("#thumbnails");
    this.lut = new Uint32Array(65536);
    this.lutKey = "";
    // token: the image being loaded (a newer select wins); study: the study shown (clear() ends it).
    this.token = 0;
    this.study = 0;
    this.reset();
    this.wire();
  }

  reset() {
    this.image = null;
    this.images = [];
    this.current = -1;
    this.studyUid = null;
    this.heat = null;
    this.fitted = true;
    this.view = { zoom: 1, cx: 0, cy: 0, center: 0, width: 1, invert: false };
    for (const url of this.thumbUrls || []) URL.revokeObjectURL(url);
    this.thumbUrls = [];
  }

  /** Drops every pixel and thumbnail (closing the study, or the idle lock). */
  clear() {
    this.token++;
    this.study++;
    this.reset();
    this.thumbnails.replaceChildren();
    this.status.textContent = "";
    this.showHeatLegend();
    this.markers({});
    this.root.querySelector("#view-label").textContent = "";
    this.root.querySelector("#window-label").textContent = "";
    this.draw();
  }

  /** Shows a study: its thumbnails, and its first image (the scored one) at full resolution. */
  async show(studyUid, images) {
    this.clear();
    this.studyUid = studyUid;
    this.images = images;
    if (!images.length) {
      this.status.textContent = "No pixel data kept for this study (deleted after the retention period, or not an image).";
      return;
    }
    this.thumbnails.replaceChildren(...images.map((image, index) => this.thumbnail(image, index)));
    await this.select(0);
  }

  thumbnail(image, index) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const view = image.viewPosition || "view not stated";
    button.setAttribute("aria-label", `Image ${index + 1} of ${this.images.length}: ${view}${image.scored ? ", scored by the AI" : ""}`);
    const img = document.createElement("img");
    img.alt = "";
    const label = document.createElement("span");
    label.textContent = `${index + 1} ${image.viewPosition || ""}`.trim();
    button.append(img, label);
    button.addEventListener("click", () => this.select(index));
    li.append(button);
    const study = this.study;
    api(`/studies/${encodeURIComponent(this.studyUid)}/images/${encodeURIComponent(image.sopInstanceUid)}/thumbnail.png`)
      .then((response) => (response.ok ? response.blob() : null))
      .then((blob) => {
        if (blob && study === this.study) {
          const url = URL.createObjectURL(blob);
          this.thumbUrls.push(url);
          img.src = url;
        }
      })
      .catch(() => {});
    return li;
  }

  async select(index) {
    if (index < 0 || index >= this.images.length) return;
    const token = ++this.token;
    this.current = index;
    for (const [i, button] of [...this.thumbnails.querySelectorAll("button")].entries()) {
      button.setAttribute("aria-current", i === index ? "true" : "false");
    }
    const meta = this.images[index];
    this.status.textContent = "Loading full resolution…";
    const started = performance.now();
    const response = await api(`/studies/${encodeURIComponent(this.studyUid)}/images/${encodeURIComponent(meta.sopInstanceUid)}/pixels`);
    if (token !== this.token) return;
    if (!response.ok) {
      this.status.textContent = response.status === 404 ? "Pixel data no longer kept." : "This image cannot be decoded.";
      return;
    }
    const buffer = await response.arrayBuffer();
    if (token !== this.token) return;
    const h = (name) => response.headers.get("X-Image-" + name);
    const width = Number(h("Width"));
    const height = Number(h("Height"));
    const data = new Uint16Array(buffer, 0, width * height);
    let min = 65535;
    let max = 0;
    for (let i = 0; i < data.length; i += 7) {
      const v = data[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.image = {
      meta, width, height, offset: Number(h("Offset")), scale: Number(h("Scale")), bits: Number(h("Bits-Stored")),
      voi: { center: Number(h("Window-Center")), width: Number(h("Window-Width")) }, voiSource: h("Window-Source"),
      levels: [{ w: width, h: height, data }], minCode: min, maxCode: max,
    };
    this.heat = this.heat && this.heat.sop === meta.sopInstanceUid ? this.heat : null;
    this.showHeatLegend();
    this.setPreset("voi");
    this.view.invert = false;
    this.root.querySelector("[data-tool='invert']").setAttribute("aria-pressed", "false");
    this.markers(meta.markers || {});
    this.fit();
    this.drawNow();
    const elapsed = Math.round(performance.now() - started);
    const server = response.headers.get("Server-Timing") || "";
    const serverMs = [...server.matchAll(/dur=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    this.root.dataset.renderMs = String(elapsed);
    this.root.dataset.imageSize = `${width}x${height}`;
    this.status.textContent = `${width}×${height}, ${this.image.bits}-bit, full resolution in ${elapsed} ms`
      + (serverMs ? ` (server ${serverMs} ms)` : "");
    requestAnimationFrame(() => { if (this.fitted) this.fit(); });
    this.viewport.setAttribute("aria-label", `Radiograph ${index + 1} of ${this.images.length}, ${meta.viewPosition || "view not stated"},`
      + ` ${width} by ${height} pixels`);
  }

  next(step) {
    if (this.images.length > 1) this.select((this.current + step + this.images.length) % this.images.length);
  }

  markers(markers) {
    for (const span of this.root.querySelectorAll("[data-marker]")) {
      span.textContent = markers[span.dataset.marker] || "";
    }
  }

  // Window/level: presets are relative to the image (CR and DX values have no absolute scale).
  setPreset(name) {
    if (!this.image) return;
    const { voi, offset, scale } = this.image;
    const range = () => [offset + this.image.minCode * scale, offset + this.image.maxCode * scale];
    let center = voi.center;
    let width = voi.width;
    if (name === "auto") [center, width] = this.percentileWindow();
    if (name === "full") {
      const [low, high] = range();
      center = (low + high) / 2;
      width = Math.max(high - low, scale);
    }
    if (name === "contrast") width = voi.width * 0.5;
    if (name === "soft") width = voi.width * 1.6;
    this.view.center = center;
    this.view.width = Math.max(width, scale);
    this.preset.value = name;
    this.draw();
  }

  nextPreset() {
    this.setPreset(PRESETS[(PRESETS.indexOf(this.preset.value) + 1) % PRESETS.length]);
  }

  percentileWindow() {
    const { data } = this.image.levels[0];
    const histogram = new Uint32Array(4096);
    let n = 0;
    for (let i = 0; i < data.length; i += 5) {
      histogram[data[i] >> 4]++;
      n++;
    }
    const at = (q) => {
      let seen = 0;
      for (let b = 0; b < histogram.length; b++) {
        seen += histogram[b];
        if (seen >= q * n) return b << 4;
      }
      return 65535;
    };
    const low = this.image.offset + at(0.005) * this.image.scale;
    const high = this.image.offset + at(0.995) * this.image.scale;
    return [(low + high) / 2, Math.max(high - low, this.image.scale)];
  }

  /** Moves the image by (dx, dy) canvas pixels, as a drag does. */
  panBy(dx, dy) {
    if (!this.image) return;
    this.view.cx -= dx / this.view.zoom;
    this.view.cy -= dy / this.view.zoom;
    this.fitted = false;
    this.draw();
  }

  /** A window change as a right-drag of (dx, dy) pixels makes it: across is width, down is level. */
  windowBy(dx, dy) {
    if (!this.image) return;
    this.view.width = Math.max(this.image.scale, this.view.width * Math.exp(dx * 0.004));
    this.view.center += dy * this.view.width * 0.002;
    this.draw();
  }

  /** Keyboard pan: a tenth of the visible area per press. */
  panStep(x, y) {
    this.panBy(x * this.canvas.width * 0.1, y * this.canvas.height * 0.1);
  }

  toggleInvert() {
    this.view.invert = !this.view.invert;
    this.root.querySelector("[data-tool='invert']").setAttribute("aria-pressed", String(this.view.invert));
    this.draw();
  }

  // Geometry: zoom is canvas (device) pixels per image pixel; (cx, cy) is the image point at the centre.
  fit() {
    if (!this.image) return;
    this.sizeCanvas();
    const zoom = Math.min(this.canvas.width / this.image.width, this.canvas.height / this.image.height);
    this.view.zoom = zoom > 0 ? zoom : 1;
    this.view.cx = this.image.width / 2;
    this.view.cy = this.image.height / 2;
    this.fitted = true;
    this.draw();
  }

  /** One image pixel per screen pixel, around the current centre; returns the time to draw it. */
  actual() {
    if (!this.image) return 0;
    this.view.zoom = 1;
    this.fitted = false;
    const started = performance.now();
    this.drawNow();
    const ms = performance.now() - started;
    this.root.dataset.actualMs = ms.toFixed(1);
    return ms;
  }

  zoomBy(factor, x = this.canvas.width / 2, y = this.canvas.height / 2) {
    if (!this.image) return;
    const { zoom, cx, cy } = this.view;
    const next = Math.min(16, Math.max(0.02, zoom * factor));
    const ix = cx + (x - this.canvas.width / 2) / zoom;
    const iy = cy + (y - this.canvas.height / 2) / zoom;
    this.view.zoom = next;
    this.view.cx = ix - (x - this.canvas.width / 2) / next;
    this.view.cy = iy - (y - this.canvas.height / 2) / next;
    this.fitted = false;
    this.draw();
  }

  async fullscreen() {
    if (document.fullscreenElement) {
      await document.exitFullscreen();
    } else {
      await this.root.requestFullscreen();
    }
  }

  /** A heatmap overlay (bitmap of the model input, drawn over box of the image), or null to remove it. */
  setHeatmap(heat) {
    this.heat = heat && this.image ? { ...heat, sop: this.image.meta.sopInstanceUid } : null;
    this.showHeatLegend();
    this.draw();
  }

  showHeatLegend() {
    const legend = this.root.querySelector("#heatmap-legend");
    legend.hidden = !this.heat;
    if (this.heat) {
      this.root.querySelector("#heatmap-title").textContent = `Heatmap: ${this.heat.title}`;
      this.root.querySelector("#heatmap-scale").textContent = this.heat.maxDrop < 0.01
        ? "Hiding any part of the image changes this probability by less than 1 point."
        : `Red: hiding that area lowers the probability by up to ${Math.round(this.heat.maxDrop * 100)} points.`;
    }
  }

  wire() {
    new ResizeObserver(() => {
      this.sizeCanvas();
      if (this.fitted) this.fit(); else this.draw();
    }).observe(this.viewport);
    document.addEventListener("fullscreenchange", () => requestAnimationFrame(() => this.fit()));
    this.viewport.addEventListener("wheel", (event) => {
      event.preventDefault();
      const [x, y] = this.canvasPoint(event);
      this.zoomBy(Math.exp(-event.deltaY * 0.0015), x, y);
    }, { passive: false });
    this.viewport.addEventListener("contextmenu", (event) => event.preventDefault());
    this.viewport.addEventListener("dblclick", () => this.fit());
    let drag = null;
    this.viewport.addEventListener("pointerdown", (event) => {
      if (!this.image) return;
      drag = { x: event.clientX, y: event.clientY, button: event.button };
      this.viewport.setPointerCapture(event.pointerId);
    });
    this.viewport.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const ratio = window.devicePixelRatio || 1;
      const dx = (event.clientX - drag.x) * ratio;
      const dy = (event.clientY - drag.y) * ratio;
      drag.x = event.clientX;
      drag.y = event.clientY;
      if (drag.button === 2) this.windowBy(dx, dy);
      else this.panBy(dx, dy);
    });
    const end = () => { drag = null; };
    this.viewport.addEventListener("pointerup", end);
    this.viewport.addEventListener("pointercancel", end);
    this.preset.addEventListener("change", () => this.setPreset(this.preset.value));
    for (const button of this.root.querySelectorAll("[data-tool]")) {
      button.addEventListener("click", () => this.tool(button.dataset.tool));
    }
  }

  tool(name) {
    switch (name) {
      case "zoom-in": return this.zoomBy(1.25);
      case "zoom-out": return this.zoomBy(0.8);
      case "fit": return this.fit();
      case "actual": return this.actual();
      case "invert": return this.toggleInvert();
      case "fullscreen": return this.fullscreen();
      default: return undefined;
    }
  }

  canvasPoint(event) {
    const rect = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    return [(event.clientX - rect.left) * ratio, (event.clientY - rect.top) * ratio];
  }

  sizeCanvas() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.viewport.clientWidth * ratio));
    const height = Math.max(1, Math.round(this.viewport.clientHeight * ratio));
    for (const canvas of [this.canvas, this.overlay]) {
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
    }
  }

  draw() {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.drawNow());
  }

  drawNow() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const W = this.canvas.width;
    const H = this.canvas.height;
    if (!this.image) {
      this.ctx.fillStyle = "#000";
      this.ctx.fillRect(0, 0, W, H);
      this.overlayCtx.clearRect(0, 0, W, H);
      return;
    }
    this.buildLut();
    const { zoom, cx, cy } = this.view;
    const level = this.level(Math.max(0, Math.round(Math.log2(1 / zoom))));
    const f = this.image.width / level.w;
    if (!this.pixels || this.pixels.width !== W || this.pixels.height !== H) {
      this.pixels = this.ctx.createImageData(W, H);
      this.columns = new Int32Array(W);
    }
    const out = new Uint32Array(this.pixels.data.buffer);
    const columns = this.columns;
    const left = cx - W / 2 / zoom;
    const top = cy - H / 2 / zoom;
    for (let x = 0; x < W; x++) {
      const lx = Math.floor((left + (x + 0.5) / zoom) / f);
      columns[x] = lx >= 0 && lx < level.w ? lx : -1;
    }
    const { data } = level;
    const lut = this.lut;
    for (let y = 0; y < H; y++) {
      const ly = Math.floor((top + (y + 0.5) / zoom) / f);
      const row = y * W;
      if (ly < 0 || ly >= level.h) {
        out.fill(BLACK, row, row + W);
        continue;
      }
      const base = ly * level.w;
      for (let x = 0; x < W; x++) {
        const c = columns[x];
        out[row + x] = c < 0 ? BLACK : lut[data[base + c]];
      }
    }
    this.ctx.putImageData(this.pixels, 0, 0);
    this.drawOverlay();
    this.labels();
  }

  drawOverlay() {
    const ctx = this.overlayCtx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    if (!this.heat || !this.image) return;
    const { zoom, cx, cy } = this.view;
    ctx.setTransform(zoom, 0, 0, zoom, this.overlay.width / 2 - cx * zoom, this.overlay.height / 2 - cy * zoom);
    ctx.imageSmoothingEnabled = true;
    const { box, bitmap } = this.heat;
    ctx.drawImage(bitmap, box.x, box.y, box.width, box.height);
  }

  labels() {
    const { meta, width, height } = this.image;
    const orientation = Object.keys(meta.markers || {}).length ? "" : " · orientation not in header";
    const laterality = meta.laterality && meta.laterality !== "U" ? ` · laterality ${meta.laterality}` : "";
    this.root.querySelector("#view-label").textContent =
      `${meta.viewPosition || "view not stated"} · image ${this.current + 1}/${this.images.length}${laterality}${orientation}`;
    const w = this.view.width;
    const c = this.view.center;
    this.root.querySelector("#window-label").textContent = `W ${format(w)} L ${format(c)}${this.view.invert ? " · inverted" : ""}`
      + ` · ${Math.round(this.view.zoom * 100)}% · ${width}×${height}`;
    this.root.dataset.zoom = String(this.view.zoom);
  }

  buildLut() {
    const { center, width, invert } = this.view;
    const key = `${center}|${width}|${invert}|${this.image.offset}|${this.image.scale}`;
    if (key === this.lutKey) return;
    this.lutKey = key;
    const { offset, scale } = this.image;
    const low = center - width / 2;
    const lut = this.lut;
    for (let code = 0; code < 65536; code++) {
      let g = ((offset + code * scale - low) / width) * 255;
      g = g < 0 ? 0 : g > 255 ? 255 : g | 0;
      if (invert) g = 255 - g;
      lut[code] = (BLACK | (g << 16) | (g << 8) | g) >>> 0;
    }
  }

  /** Level k of the image pyramid (each level halves the previous by averaging 2x2), made when first needed. */
  level(k) {
    const levels = this.image.levels;
    while (levels.length <= k) {
      const prev = levels[levels.length - 1];
      if (Math.max(prev.w, prev.h) <= MIN_LEVEL_SIDE) break;
      const w = prev.w >> 1;
      const h = prev.h >> 1;
      const data = new Uint16Array(w * h);
      for (let y = 0; y < h; y++) {
        const a = 2 * y * prev.w;
        const b = a + prev.w;
        for (let x = 0; x < w; x++) {
          const s = 2 * x;
          data[y * w + x] = (prev.data[a + s] + prev.data[a + s + 1] + prev.data[b + s] + prev.data[b + s + 1] + 2) >> 2;
        }
      }
      levels.push({ w, h, data });
    }
    return levels[Math.min(k, levels.length - 1)];
  }
}

function format(value) {
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toPrecision(3);
}
