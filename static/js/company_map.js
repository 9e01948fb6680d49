// The company map: fetch the filtered companies as JSON and draw them as circle markers.
// Beneath them the offline base layer of Denmark (static/js/base_layer.js). The tile server comes
// from the page (MAP_TILE_URL) and covers the base layer; without it, or when tiles fail to load,
// the markers stay on the base layer and a short note says so.
(function () {
  "use strict";

  const DENMARK_CENTER = [56.0, 10.5];
  const DENMARK_ZOOM = 7;
  const STATUS_COLORS = {
    emne: "#6b7780", dialog: "#b06d00", partner: "#1d6b3a", pause: "#5a4fa3", ophoert: "#a12a2a",
  };

  function showNote(element) {
    const note = document.getElementById("map-note");
    if (note) note.hidden = false;
    element.classList.add("no-tiles");
  }

  function popupContent(company) {
    // Built with DOM nodes, never HTML strings, so names cannot inject markup.
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = company.url;
    link.textContent = company.name;
    const line = document.createElement("div");
    line.textContent = [company.city, company.status_label].filter(Boolean).join(" · ");
    box.append(link, line);
    return box;
  }

  function addTiles(map, element) {
    const url = element.dataset.tileUrl;
    if (!url) {
      showNote(element);
      return;
    }
    const layer = L.tileLayer(url, {
      maxZoom: 18,
      attribution: element.dataset.tileAttribution || "",
    });
    let failed = false;
    layer.on("tileerror", () => {
      if (failed) return;
      failed = true;
      map.removeLayer(layer);
      showNote(element);
    });
    layer.addTo(map);
  }

  function drawMarkers(map, companies) {
    const bounds = [];
    companies.forEach((company) => {
      const marker = L.circleMarker([company.lat, company.lon], {
        radius: 8,
        weight: 2,
        color: "#ffffff",
        fillColor: STATUS_COLORS[company.status] || "#1f5f8b",
        fillOpacity: 0.9,
        className: "company-marker",
      });
      marker.bindPopup(() => popupContent(company));
      marker.bindTooltip(company.name);
      marker.addTo(map);
      const path = marker.getElement();
      // No ARIA on the marker (a bare SVG path may not carry a label): the table below the map
      // names the same companies, as links, for keyboard and screen-reader users.
      if (path) path.setAttribute("data-company-id", String(company.id));
      bounds.push([company.lat, company.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 12);
    } else if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const element = document.getElementById("company-map");
    if (!element || typeof L === "undefined") return;
    const map = L.map(element, { attributionControl: true }).setView(DENMARK_CENTER, DENMARK_ZOOM);
    map.attributionControl.setPrefix("Leaflet");
    if (window.FodfaesteMap) window.FodfaesteMap.addBaseLayer(map, element.dataset.baseLayerUrl);
    addTiles(map, element);
    fetch(element.dataset.jsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      })
      .then((data) => {
        drawMarkers(map, data.companies || []);
        element.dataset.markers = String((data.companies || []).length);
      })
      .catch(() => {
        const error = document.getElementById("map-error");
        if (error) error.hidden = false;
      });
  });
})();
