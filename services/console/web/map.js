// Maps drawn from the registry's grid polygons as SVG: no tile server, no external library.
'use strict';

const GridMap = (() => {
  const NS = 'http://www.w3.org/2000/svg';

  function el(name, attrs) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  // Equirectangular projection over the bounding box of `grids`, scaled so that a degree of longitude and of
  // latitude keep their ground ratio at that latitude.
  function projection(grids) {
    let minLat = 90, maxLat = -90, minLng = 180, maxLng = -180;
    for (const g of grids) for (const p of g.polygon || []) {
      minLat = Math.min(minLat, p.lat); maxLat = Math.max(maxLat, p.lat);
      minLng = Math.min(minLng, p.lng); maxLng = Math.max(maxLng, p.lng);
    }
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const scale = 1000 / Math.max((maxLng - minLng) * k, maxLat - minLat, 1e-6);
    return {
      x: (lng) => (lng - minLng) * k * scale,
      y: (lat) => (maxLat - lat) * scale,
      width: (maxLng - minLng) * k * scale,
      height: (maxLat - minLat) * scale,
    };
  }

  function centroid(grid) {
    const ps = grid.polygon || [];
    if (!ps.length) return null;
    return { lat: ps.reduce((s, p) => s + p.lat, 0) / ps.length, lng: ps.reduce((s, p) => s + p.lng, 0) / ps.length };
  }

  // Draws `grids` into `svg`; `classOf(grid)` adds a class ("here", "near"); `dots` are {lat, lng, cls, title}.
  function draw(svg, grids, classOf, dots) {
    svg.replaceChildren();
    if (!grids.length) return;
    const pr = projection(grids);
    const pad = 20;
    svg.setAttribute('viewBox', `${-pad} ${-pad} ${pr.width + 2 * pad} ${pr.height + 2 * pad}`);
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    const layer = el('g');
    for (const g of grids) {
      const points = (g.polygon || []).map((p) => `${pr.x(p.lng).toFixed(1)},${pr.y(p.lat).toFixed(1)}`).join(' ');
      const poly = el('polygon', { points, class: `grid ${classOf ? classOf(g) : ''}` });
      const title = el('title');
      title.textContent = `${g.name}（${g.code}）`;
      poly.appendChild(title);
      layer.appendChild(poly);
    }
    svg.appendChild(layer);
    const r = Math.max(pr.width, pr.height) / 90;
    for (const d of dots || []) {
      const c = el('circle', { cx: pr.x(d.lng), cy: pr.y(d.lat), r: d.r ? r * d.r : r, class: `dot ${d.cls}` });
      if (d.title) { const t = el('title'); t.textContent = d.title; c.appendChild(t); }
      if (d.href) {
        const a = el('a', { href: d.href });
        a.appendChild(c);
        svg.appendChild(a);
      } else {
        svg.appendChild(c);
      }
    }
  }

  return { draw, centroid };
})();
