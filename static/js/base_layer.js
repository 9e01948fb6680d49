// The maps' offline base layer: Denmark's coastline and region borders (static/maps/denmark.geojson,
// Natural Earth) and the 98 municipalities' borders (react-denmark-map, georeferenced), drawn in a
// pane beneath the tiles and the markers. With no tile server, or when the tiles fail, the map is still readable; configured tiles cover it as they load.
(function () {
  "use strict";

  const PANE = "base";
  const STYLES = {
    region: { color: "#8e9c95", weight: 1, fillColor: "#eef1ea", fillOpacity: 1 },
    neighbour: { color: "#b9c2bd", weight: 1, fillColor: "#f7f7f4", fillOpacity: 1 },
    // Thin lines only, over the region fill: where one kommune ends, without competing with the dots.
    municipality: { color: "#b3bdb7", weight: 0.6, fill: false },
  };

  function addBaseLayer(map, url) {
    if (!url) return;
    const pane = map.createPane(PANE);
    pane.style.zIndex = "150"; // below the tile pane (200) and the markers (400)
    pane.setAttribute("aria-hidden", "true");
    fetch(url, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      })
      .then((data) => {
        L.geoJSON(data, {
          pane: PANE,
          renderer: L.svg({ pane: PANE }),
          interactive: false,
          style: (feature) => STYLES[feature.properties.kind] || STYLES.region,
        }).addTo(map);
        map.attributionControl.addAttribution("Kortgrundlag: Natural Earth, react-denmark-map");
        map.getContainer().dataset.baseLayer = "drawn";
      })
      .catch(() => {
        map.getContainer().dataset.baseLayer = "failed";
      });
  }

  window.FodfaesteMap = { addBaseLayer };
})();
