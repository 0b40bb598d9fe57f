// The SPARQL editor: YASGUI (vendored under /static/yasgui) bound to this server's endpoint only.
// No third-party service is called: no prefix.cc or LOV look-ups, no URL shortener, no CORS proxy,
// no endpoint catalogue; every query goes to /sparql on the origin that served this page.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  if (typeof Yasgui === "undefined") {
    return; // the plain form stays
  }
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var ours = function () { return endpoint; };

  // only completers that work offline: prefixes from the bundled list, variables from the query
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.createShortLink = undefined;

  var root = document.getElementById("yasgui");
  var yasgui = new Yasgui(root, {
    // a function here wins over whatever a stored tab says, for every request
    requestConfig: { endpoint: ours, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    copyEndpointOnNewTab: true,
    corsProxy: undefined,
    populateFromUrl: false,
    persistenceId: "clusterkb-sparql-editor",
    tabName: config.tab,
    yasqe: {
      value: config.start,
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: null,
      createShortLink: undefined,
    },
  });
  var pin = function (tab) {
    if (tab && tab.getEndpoint && tab.getEndpoint() !== endpoint) {
      tab.setEndpoint(endpoint);
    }
  };
  var tabs = yasgui.persistentConfig.getTabs();
  for (var i = 0; i < tabs.length; i++) {
    pin(yasgui.getTab(tabs[i]));
  }
  yasgui.on("tabAdd", function (y, id) { pin(y.getTab(id)); });
  yasgui.on("queryBefore", function (y, tab) { pin(tab); });

  root.hidden = false;
  document.getElementById("query-form").hidden = true;
  var byName = {};
  config.examples.forEach(function (e) { byName[e.name] = e; });

  function open(name) {
    var example = byName[name];
    if (!example) return;
    yasgui.addTab(
      true,
      { name: example.name, yasqe: { value: example.text }, requestConfig: { endpoint: endpoint } },
      { avoidDuplicateTabs: true }
    );
  }
  document.getElementById("examples").addEventListener("change", function (event) {
    open(event.target.value);
  });
  if (config.selected) {
    open(config.selected);
  }
})();
