// Draw a borger's matches on a map: plain circle markers on the offline base layer of Denmark
// (static/js/base_layer.js), with tiles on top only when a tile server is configured.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("match-map");
  if (!element || typeof L === "undefined") return;
  const home = [parseFloat(element.dataset.homeLat), parseFloat(element.dataset.homeLon)];
  const map = L.map(element).setView(home, 10);
  if (window.FodfaesteMap) window.FodfaesteMap.addBaseLayer(map, element.dataset.baseLayerUrl);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 18 }).addTo(map);
  }
  const bounds = [home];
  L.circleMarker(home, { radius: 8, color: "#1d2a33", fillOpacity: 0.9 }).addTo(map).bindPopup(element.dataset.homeLabel || "Borgerens bopæl (postnummer)");
  document.querySelectorAll(".match-list li[data-lat]").forEach((item, i) => {
    const point = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
    if (Number.isNaN(point[0])) return;
    bounds.push(point);
    const label = document.createElement("span");
    label.textContent = `${i + 1}. ${item.dataset.name}`;  // text, never HTML
    L.circleMarker(point, { radius: 7, color: "#1f6f5c", fillOpacity: 0.7 }).addTo(map).bindPopup(label);
  });
  if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20] });
});
