// BERT Lens page helpers, loaded in <head> before Gradio starts. Nothing here touches the network.
// 1. The language switch: Gradio keeps its locale in its own store; its core module exports
//    changeLocale, which we import from the same URL the page already loaded (a module is loaded once).
// 2. Plot downloads: every figure names its file in layout.meta.export; the toolbar's camera saves a
//    PNG at 2x scale (projector-ready) and a second button saves an SVG, both under that name.
// 3. Projector mode: the class 'projector' on <body> (style.css enlarges the page's own text); every
//    plotly figure is drawn from its original layout with every font 1.6x, thicker lines and black text,
//    and drawn again from that original when the mode is switched. Remembered in localStorage.
// 4. A slider's number box: Gradio sends the slider's 'release' (what redraws a figure) when the box loses
//    focus, not on Enter; a teacher types a layer and presses Enter, so Enter leaves the box.
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

  var SCALE = 1.6;
  var FONT_KEYS = /font$/i;  // font, tickfont, titlefont, textfont, insidetextfont, ...

  function projectorOn() { return document.body && document.body.classList.contains('projector'); }

  function enlargeFonts(node) {  // every explicit font size, anywhere in a layout or a trace, times SCALE
    if (Array.isArray(node)) { node.forEach(enlargeFonts); return; }
    if (!node || typeof node !== 'object') { return; }
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (FONT_KEYS.test(key) && value && typeof value === 'object' && typeof value.size === 'number') {
        value.size = value.size * SCALE;
      }
      enlargeFonts(value);
    });
  }

  function forProjector(data, layout) {
    var big = JSON.parse(JSON.stringify(layout || {}));
    var traces = JSON.parse(JSON.stringify(data || []));
    enlargeFonts(big);
    enlargeFonts(traces);
    big.font = Object.assign({}, big.font, {size: ((layout && layout.font && layout.font.size) || 12) * SCALE,
                                            color: '#000'});
    big.hoverlabel = Object.assign({}, big.hoverlabel);
    big.hoverlabel.font = Object.assign({size: 13 * SCALE}, big.hoverlabel.font);
    if (typeof big.height === 'number') { big.height = Math.round(big.height * 1.3); }
    Object.keys(big).forEach(function (key) {  // token axes: labels 1.6x wider need to turn earlier
      var axis = big[key];
      if (/^xaxis/.test(key) && axis && Array.isArray(axis.ticktext) && axis.ticktext.length > 12) {
        axis.tickangle = -50;
      }
    });
    if (big.margin) {
      ['l', 'r', 't', 'b'].forEach(function (k) {
        if (typeof big.margin[k] === 'number') { big.margin[k] = Math.round(big.margin[k] * 1.4); }
      });
    }
    traces.forEach(function (trace) {
      if (trace.type === 'scatter' || trace.type === undefined) {
        trace.line = Object.assign({}, trace.line, {width: ((trace.line && trace.line.width) || 2) * 2});
        if (trace.marker && typeof trace.marker.size === 'number') { trace.marker.size *= 1.5; }
      }
    });
    return {data: traces, layout: big};
  }

  function sizesOf(trace) {
    return {type: trace.type, line: trace.line && {width: trace.line.width},
            marker: trace.marker && {size: trace.marker.size}, textfont: trace.textfont && {size: trace.textfont.size}};
  }

  function redraw(gd, on) {
    // relayout/restyle in place: a second react() of a figure Gradio sized 'responsive' collapses it
    var o = gd.bertlensOriginal, shown = on ? forProjector(o.data, o.layout) : {data: o.data, layout: o.layout};
    var update = JSON.parse(JSON.stringify(shown.layout || {}));
    Object.keys(gd.layout || {}).forEach(function (key) { if (!(key in update)) { update[key] = null; } });
    delete update.autosize;
    plotly.relayout(gd, update);
    shown.data.forEach(function (trace, i) {  // null restores plotly's default where the figure set none
      var size = function (part, key) { return trace[part] && typeof trace[part][key] === 'number' ? trace[part][key] : null; };
      var style = {'textfont.size': size('textfont', 'size')};
      if (trace.type === 'scatter' || trace.type === undefined) {
        style['line.width'] = size('line', 'width');
        style['marker.size'] = size('marker', 'size');
      }
      plotly.restyle(gd, style, [i]);
    });
  }

  window.bertlensProjector = function (on) {
    document.body.classList.toggle('projector', !!on);
    try { window.localStorage.setItem('bertlens-projector', on ? '1' : '0'); } catch (e) { /* private mode */ }
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      if (plotly && gd.bertlensOriginal) { redraw(gd, !!on); }
    });
    return !!on;
  };

  var plotly;
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    get: function () { return plotly; },
    set: function (value) {
      plotly = value;
      if (value && typeof value.react === 'function' && !value.bertlensExport) {
        var react = value.react;
        value.react = function (gd, data, layout, config) {
          // kept apart from what plotly mutates: the layout, and the trace sizes projector mode changes
          gd.bertlensOriginal = {layout: JSON.parse(JSON.stringify(layout || {})), data: (data || []).map(sizesOf)};
          var shown = projectorOn() ? forProjector(data, layout) : {data: data, layout: layout};
          return react.call(this, gd, shown.data, shown.layout, exportConfig(value, layout, config));
        };
        value.bertlensExport = true;
      }
    },
  });

  document.addEventListener('keydown', function (event) {
    var box = event.target;
    if (event.key === 'Enter' && box && box.matches && box.matches('input[type="number"]') &&
        box.closest('.gradio-container') && box.closest('.block') &&
        box.closest('.block').querySelector('input[type="range"]')) {
      box.blur();
    }
  }, true);
})();
