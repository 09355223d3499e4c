// The viewer's one HTML page: layout and style; the behaviour is the compiled browser code under
// /client/ (plain TypeScript + canvas, no framework, nothing loaded from the network).

const STYLE = `
*{box-sizing:border-box}html,body{margin:0;height:100%;font:13px "DejaVu Sans",Arial,sans-serif;color:#ddd;background:#1d1f22}
header{display:flex;align-items:center;gap:1em;padding:.4em .8em;background:#2a2d31;border-bottom:1px solid #3a3d42;height:42px}
header h1{font-size:15px;margin:0;color:#fff}header .title{color:#aaa;flex:1;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
#total{font-weight:bold;color:#fff}#status{color:#9c9;min-width:10em}#status.error{color:#f88}
main{display:flex;height:calc(100% - 42px)}
#list{width:230px;overflow-y:auto;border-right:1px solid #3a3d42;background:#222428}
#list .tools{position:sticky;top:0;background:#222428;padding:.4em;border-bottom:1px solid #3a3d42;display:flex;gap:.4em;align-items:center}
.item{display:flex;gap:.5em;padding:.3em .4em;cursor:pointer;border-bottom:1px solid #2c2f33;align-items:center}
.item:hover{background:#2c3036}.item.current{background:#34506e}.item img{width:64px;height:64px;object-fit:contain;background:#000}
.item .name{font-size:12px;word-break:break-all}.item .count{font-weight:bold;color:#fff}.item.bad{opacity:.45}.item .mark{font-size:11px;color:#fc6}
#stage{flex:1;position:relative;overflow:hidden;background:#000}#stage canvas{position:absolute;left:0;top:0;cursor:crosshair}
#stage .note{position:absolute;left:.6em;bottom:.5em;color:#bbb;background:rgba(0,0,0,.55);padding:.2em .5em;border-radius:4px;pointer-events:none}
#side{width:280px;overflow-y:auto;border-left:1px solid #3a3d42;padding:.5em .7em;background:#222428}
#side h2{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#9ab;margin:1em 0 .3em}
#side label{display:block;margin:.3em 0}#side input[type=range]{width:100%}#side .row{display:flex;gap:.4em;align-items:center;flex-wrap:wrap}
#side .value{color:#fff;font-weight:bold}#hist{width:100%;height:90px;background:#181a1d;display:block}
button{background:#3a4048;color:#eee;border:1px solid #555;border-radius:4px;padding:.25em .6em;cursor:pointer}button:hover{background:#4a525c}
button.on{background:#34506e;border-color:#6a9}select,input[type=number]{background:#181a1d;color:#eee;border:1px solid #555;border-radius:3px}
input[type=number]{width:6em}#legend div{display:flex;align-items:center;gap:.4em;margin:.15em 0}
#legend .sw{width:14px;height:14px;border-radius:50%;border:3px solid}#legend .grad{height:10px;width:100%;border-radius:3px}
.keys{color:#999;font-size:11px;line-height:1.5}kbd{background:#333;border:1px solid #555;border-radius:3px;padding:0 .3em;font-size:10px}`;

const BODY = `
<header><h1>cryopick view</h1><span class="title" id="title"></span>
<span id="total"></span><span id="status"></span>
<select id="formats" title="format of the curated picks"></select><button id="save" title="save (Ctrl+S)">Save</button></header>
<main>
<nav id="list"><div class="tools">sort <select id="sort"><option value="name">name</option><option value="count-desc">count ↓</option><option value="count-asc">count ↑</option></select></div><div id="items"></div></nav>
<div id="stage"><canvas id="view"></canvas><div class="note" id="note"></div></div>
<aside id="side">
<h2>Threshold</h2><canvas id="hist" width="256" height="90"></canvas>
<div id="threshold-box"><input type="range" id="threshold" step="0.01"><div class="row">score ≥ <input type="number" id="threshold-value" step="0.01"> <span id="kept" class="value"></span></div></div>
<div id="size-box" hidden><h2>Size</h2><label>min <span id="min-size-value" class="value"></span><input type="range" id="min-size"></label><label>max <span id="max-size-value" class="value"></span><input type="range" id="max-size"></label></div>
<h2>Display</h2>
<label>lowpass <span id="lowpass-value" class="value"></span><input type="range" id="lowpass" min="0" max="40" step="1" value="0"></label>
<label>contrast <select id="contrast"><option value="0.5,99.5">0.5–99.5 %</option><option value="1,99" selected>1–99 %</option><option value="2,98">2–98 %</option><option value="5,95">5–95 %</option></select></label>
<div class="row"><button id="shape">boxes</button><button id="overlay">hide picks</button><button id="fit">fit</button></div>
<h2>Micrograph</h2>
<div class="row"><button id="mark-ok">ok</button><button id="mark-bad">bad (b)</button><button id="mark-empty">empty (e)</button></div>
<div class="row" style="margin-top:.4em"><button id="undo">undo (z)</button><button id="delete">delete (Del)</button><button id="prev">◀ prev</button><button id="next">next ▶</button></div>
<h2>Legend</h2><div id="legend"></div>
<h2>Keys</h2><div class="keys">click: add a pick · drag a pick: move · drag elsewhere: pan · wheel: zoom · right-click a pick: delete<br>
<kbd>n</kbd>/<kbd>→</kbd> next · <kbd>p</kbd>/<kbd>←</kbd> previous · <kbd>Del</kbd> delete selected · <kbd>z</kbd> undo · <kbd>b</kbd> bad · <kbd>e</kbd> empty · <kbd>o</kbd> ok · <kbd>h</kbd> hide picks · <kbd>0</kbd> fit · <kbd>+</kbd>/<kbd>-</kbd> zoom · <kbd>Ctrl+S</kbd> save</div>
</aside></main>`;

/** The page HTML. */
export function renderViewerPage(): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>cryopick view</title><style>${STYLE}</style></head>\n<body>${BODY}\n<script type="module" src="/client/main.js"></script></body></html>\n`;
}
