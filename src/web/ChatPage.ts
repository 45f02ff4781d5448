/**
 * The web chat page (GET /chat): markup and style only. Its behaviour is chat/app.ts, compiled
 * to dist/ and loaded as a module, on the browser SDK (sdk/).
 */
export const chatPageHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>weft chat</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,sans-serif;color:#1d2330;background:#eef1f5;height:100vh;display:flex;flex-direction:column}
header{display:flex;align-items:center;gap:1em;padding:.6em 1em;background:#24324a;color:#fff}
header h1{font-size:1.1em;margin:0;flex:1}
#status{font-size:.85em;padding:.15em .6em;border-radius:1em;background:#6b7280}
#status[data-state=online]{background:#2f9e62}#status[data-state=connecting]{background:#c58a17}
button{font:inherit;border:0;border-radius:6px;padding:.45em 1em;background:#2f6fde;color:#fff;cursor:pointer}
button.plain{background:transparent;color:inherit;border:1px solid currentColor}
input{font:inherit;padding:.45em .6em;border:1px solid #c4cad4;border-radius:6px;min-width:0}
#login{margin:3em auto;background:#fff;padding:1.5em 2em;border-radius:10px;box-shadow:0 2px 12px #0002;width:22em;display:flex;flex-direction:column;gap:.7em}
#login h2{margin:0 0 .3em;font-size:1.2em}#login .row{display:flex;gap:.6em}#login .row button{flex:1}
.error{color:#c0392b;min-height:1.2em;font-size:.9em}
#chat{flex:1;display:flex;min-height:0}
aside{width:18em;background:#fff;border-right:1px solid #d8dde5;display:flex;flex-direction:column}
#start{display:grid;grid-template-columns:1fr 1fr;gap:.4em;padding:.7em}#start input{grid-column:1/3}#start button{white-space:nowrap;padding:.45em .5em}
aside h3{margin:.4em .9em;font-size:.8em;text-transform:uppercase;color:#6b7280}
.people{list-style:none;margin:0;padding:0;overflow-y:auto}#conversations{flex:1}
.people:empty::after{content:"none yet";display:block;padding:.2em .9em .6em;color:#9aa1ad;font-size:.85em}
.people li{padding:.6em .9em;cursor:pointer;border-bottom:1px solid #f0f2f5;display:flex;flex-direction:column}
.people li.active{background:#dbe6fb}.people li:hover{background:#f3f6fb}
.people .peer{font-weight:600;display:flex;justify-content:space-between}
.people .preview{color:#6b7280;font-size:.85em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.actions{display:flex;gap:.4em;margin-top:.3em}.actions button{padding:.2em .7em;font-size:.85em}
.badge{background:#2f6fde;color:#fff;border-radius:1em;font-size:.75em;padding:0 .5em}
main{flex:1;display:flex;flex-direction:column;min-width:0}
#title{padding:.7em 1em;background:#fff;border-bottom:1px solid #d8dde5;font-weight:600;min-height:2.6em}
#messages{flex:1;overflow-y:auto;padding:1em;display:flex;flex-direction:column;gap:.4em}
.msg{max-width:70%;padding:.45em .8em;border-radius:12px;background:#fff;box-shadow:0 1px 2px #0001;align-self:flex-start;word-wrap:break-word}
.msg.mine{align-self:flex-end;background:#d6e6ff}
.msg.pending{opacity:.6}.msg.failed{outline:1px solid #c0392b}.msg.recalled{font-style:italic;color:#6b7280}
.msg .meta{display:block;font-size:.72em;color:#6b7280}
#empty{margin:auto;color:#6b7280}
#composer{display:flex;gap:.5em;padding:.7em;background:#fff;border-top:1px solid #d8dde5}#composer input{flex:1}
[hidden]{display:none!important}
</style></head><body>
<header><h1>weft chat</h1><span id="me"></span><span id="status" data-state="offline">offline</span>
<button id="notify" class="plain" hidden title="Be notified while this page is closed">Notify me</button>
<button id="logout" class="plain" hidden>Log out</button></header>
<form id="login">
 <h2>Sign in</h2>
 <input id="user" placeholder="user id" autocomplete="username" required>
 <input id="password" type="password" placeholder="password (8+ characters)" autocomplete="current-password" required>
 <div class="row"><button id="signin" type="submit">Log in</button><button id="register" type="button" class="plain">Register</button></div>
 <div id="login-error" class="error"></div>
</form>
<div id="chat" hidden>
 <aside>
  <form id="start"><input id="peer" placeholder="someone's user id"><button type="submit">Chat</button><button id="add-contact" type="button" class="plain">Add contact</button></form>
  <h3>Contacts</h3>
  <ul id="contacts" class="people"></ul>
  <h3>Conversations</h3>
  <ul id="conversations" class="people"></ul>
 </aside>
 <main>
  <div id="title"></div>
  <div id="messages"><div id="empty">Pick a conversation or start one.</div></div>
  <form id="composer" hidden><input id="text" placeholder="Message" autocomplete="off" maxlength="4096"><button type="submit">Send</button></form>
  <div id="chat-error" class="error"></div>
 </main>
</div>
<script src="/web/protobuf.min.js"></script>
<script type="module" src="/web/js/web/chat/app.js"></script>
</body></html>
`
