// BERT Lens page helpers, loaded in <head> before Gradio starts. Nothing here touches the network.
// 1. The language switch: Gradio keeps its locale in its own store; its core module exports
//    changeLocale, which we import from the same URL the page already loaded (a module is loaded once).
// 2. Plot downloads: every figure names its file in layout.meta.export; the toolbar's camera saves a
//    PNG at 2x scale (projector-ready) and a second button saves an SVG, both under that name.
(function () {
  'use strict';

  function gradioCoreUrl() {
    var urls = performance.getEntriesByType('resource').map(function (e) { return e.name; });
    return urls.find(function (u) { return /\/assets\/core-[^/?]*\.js(\?|$)/.test(u); });
  }

  window.bertlensSetLocale = async function (lang) {
    var code = String(lang || 'en').toLowerCase().indexOf('zh') === 0 ? 'zh' : 'en';
    document.documentElement.setAttribute('lang', code === 'zh' ? 'zh-CN' : 'en');
    for (var attempt = 0; attempt < 50; attempt++) {  // the core module may still be loading
      var url = gradioCoreUrl();
      if (url) {
        var core = await import(url);
        if (core && typeof core.changeLocale === 'function') { core.changeLocale(code); return code; }
      }
      await new Promise(function (resolve) { setTimeout(resolve, 100); });
    }
    return code;
  };

  function exportConfig(plotly, layout, config) {
    var name = (layout && layout.meta && layout.meta.export) || 'bertlens';
    var out = Object.assign({}, config || {});
    out.displaylogo = false;
    out.toImageButtonOptions = {format: 'png', scale: 2, filename: name};
    out.modeBarButtonsToAdd = [{
      name: 'download-svg',
      title: 'SVG',
      icon: plotly.Icons.disk,
      click: function (gd) {
        plotly.downloadImage(gd, {format: 'svg', filename: name, width: gd._fullLayout.width,
                                  height: gd._fullLayout.height});
      },
    }];
    return out;
  }

  var plotly;
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    get: function () { return plotly; },
    set: function (value) {
      plotly = value;
      if (value && typeof value.react === 'function' && !value.bertlensExport) {
        var react = value.react;
        value.react = function (gd, data, layout, config) {
          return react.call(this, gd, data, layout, exportConfig(value, layout, config));
        };
        value.bertlensExport = true;
      }
    },
  });
})();
