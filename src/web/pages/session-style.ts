/** The session page's stylesheet (inline in the page: one request less, no external asset). */
export const SESSION_STYLE = `*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
body.review{display:grid;grid-template-columns:minmax(0,1fr) 23rem}
body>header,#waterfall,#strip{grid-column:1/-1}
header{padding:.6rem 1rem;background:#f4f5f7;border-bottom:1px solid #d8dbe0}
header h1{font-size:17px;margin:.1rem 0 .3rem}header .lead{font-size:13px;color:#333}
.facts{display:flex;flex-wrap:wrap;gap:.2rem 1.4rem;margin:0 0 .3rem}.facts div{display:flex;gap:.35rem}
.facts dt{color:#5a5f66}.facts dd{margin:0;font-weight:600}
.badge{display:inline-block;background:#b00020;color:#fff;border-radius:.7rem;padding:.05rem .6rem;margin:0 .3rem .2rem 0;font-size:12px;text-decoration:none}
a.badge:hover,a.badge:focus{background:#7a0016}
h2{font-size:14px;margin:.5rem 0 .3rem}.muted{color:#5a5f66}.small{font-size:12px;font-weight:normal}
#waterfall,#strip{padding:.2rem 1rem .5rem;border-bottom:1px solid #d8dbe0;background:#fbfbfc}
.wf{list-style:none;margin:0;padding:0;max-height:15rem;overflow:auto;border:1px solid #e3e5e8;background:#fff}
.wf-row{display:grid;grid-template-columns:19rem 1fr 5.5rem;align-items:center;font-size:12px;border-bottom:1px solid #f0f1f3;height:1.35rem}
.wf-name{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.wf-ms{text-align:right;padding-right:.4rem;color:#5a5f66;font-variant-numeric:tabular-nums}
.wf-track{position:relative;height:.8rem;background:#f3f4f6}
.wf-bar{position:absolute;top:0;bottom:0;min-width:2px;background:#3b6fd8;border-radius:2px}
.wf-row.fail .wf-bar{background:#c62828}.wf-row.fail .wf-name{color:#b00020;font-weight:600}
.ticks{display:flex;align-items:flex-end;gap:1px;height:2.6rem;border-bottom:1px solid #ccc}
.tick{flex:1;background:#8aa4d6;min-height:2px}.tick.empty{background:none}.tick.flagged{background:#e08a00}.tick.fail{background:#c62828}
main{padding:0 1rem 3rem;min-width:0}
.turn{border:1px solid #d8dbe0;border-radius:6px;margin:.5rem 0;background:#fff}
.turn>summary{padding:.35rem .6rem;background:#f4f5f7;cursor:pointer;font-weight:600;border-radius:6px}
.steps{list-style:none;margin:0;padding:.2rem .4rem}.steps>li{border-bottom:1px solid #eef0f2}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:.4rem}
.ev{padding:.2rem .4rem;font-size:13px;border-left:4px solid transparent;min-width:0}
.ev .t{color:#5a5f66;font-family:ui-monospace,monospace;font-size:12px}
.ev code,.ev pre{font-family:ui-monospace,monospace;font-size:12px}
.ev pre{white-space:pre-wrap;word-break:break-word;margin:.15rem 0;padding:.3rem .4rem;background:#f6f7f9;border-radius:4px;max-height:24rem;overflow:auto}
.body-inline{display:flex;gap:.5rem;align-items:baseline}.body-inline>span{flex:none;font-size:12px}.body-inline pre{flex:1;min-width:0}
.ev.fail{background:#fdecec}.ev.fail .err pre{background:#fbd9d9;color:#7a0016}
.ev.flagged{border-left-color:#b00020}.ev.first{background:#fff3c4;box-shadow:inset 0 0 0 2px #e0a800}
.bad{color:#b00020}.ok{color:#1b7a3a}
.sig{display:inline-block;font-size:11px;color:#b00020;border:1px solid #e8a9b3;border-radius:.6rem;padding:0 .4rem;margin-left:.2rem}
details.body{margin:.15rem 0}details.body>summary{cursor:pointer;color:#1a4fb8;font-size:12px}
.chip{display:inline-block;background:#e7eefc;color:#123a8c;border-radius:.6rem;padding:0 .5rem;margin:0 .25rem .2rem 0;font-size:12px}
.notice{background:#fff3c4;border:1px solid #e0c060;border-radius:6px;padding:.5rem .8rem}
.notes{list-style:none;padding:0}.note{border:1px solid #e3e5e8;border-radius:6px;padding:.4rem .6rem;margin:.4rem 0}
.verdict-fail{color:#b00020}.verdict-pass{color:#1b7a3a}
aside{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:.8rem 1rem;border-left:1px solid #d8dbe0;background:#fbfbfc}
aside textarea{width:100%;min-height:8rem;font:inherit}progress{width:100%}
:focus-visible,.ev:focus,summary:focus,textarea:focus,input:focus{outline:3px solid #1a56db;outline-offset:1px}
.ev.current{box-shadow:inset 0 0 0 2px #1a56db}
dialog{max-width:36rem;border:1px solid #999;border-radius:8px}dialog th{text-align:left;padding-right:1rem;white-space:nowrap}
kbd{font-family:ui-monospace,monospace;border:1px solid #bbb;border-radius:3px;padding:0 .3rem;background:#f6f7f9}
#picker input{width:100%;font:inherit;padding:.3rem}#picker ul{list-style:none;padding:0;margin:.4rem 0;max-height:16rem;overflow:auto}
#picker li{padding:.2rem .4rem;border-radius:4px}#picker li[aria-selected=true]{background:#1a56db;color:#fff}`;
