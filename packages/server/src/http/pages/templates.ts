/**
 * The server's pages as Eta templates. `<%= %>` escapes (autoEscape is on); `<%~ %>` inserts
 * markup that another template already escaped. The only inline code is the two constants below,
 * which the Content-Security-Policy allows by their hashes (CSP Level 2 hash-source): nothing
 * else inline runs, and no header needs a per-response nonce.
 */

/** The pages' stylesheet. */
export const PAGE_STYLE = `
  :root { color-scheme: light dark; --accent: #3b5bdb; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; font: 16px/1.5 system-ui, sans-serif; background: Canvas; color: CanvasText; }
  main { width: min(26rem, 92vw); padding: 2rem; border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: 12px; }
  h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
  p.sub { margin: 0 0 1.5rem; opacity: .75; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input[type=email], input[type=password] { width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid color-mix(in srgb, CanvasText 30%, transparent); border-radius: 6px; background: Field; color: FieldText; }
  button { font: inherit; padding: .65rem 1rem; border-radius: 6px; border: 1px solid var(--accent); cursor: pointer; }
  button.primary { background: var(--accent); color: #fff; width: 100%; margin-top: 1.5rem; }
  button.secondary { background: transparent; color: inherit; border-color: color-mix(in srgb, CanvasText 30%, transparent); }
  .row { display: flex; gap: .75rem; margin-top: 1.5rem; } .row button { flex: 1; margin: 0; }
  .error { padding: .6rem .8rem; border-radius: 6px; background: color-mix(in srgb, #e03131 15%, Canvas); border: 1px solid #e03131; }
  ul.scopes { padding-left: 1.2rem; } ul.scopes li { margin: .35rem 0; } ul.scopes code { font-size: .85em; opacity: .7; }
  .link { background: none; border: none; color: var(--accent); padding: 0; margin-top: 1rem; }
`;

/** Form Post Response Mode: posts the response to the client as soon as the page loads. */
export const FORM_POST_SCRIPT = "document.getElementById('response').submit();";

export const layoutTemplate = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title><%= it.title %> · Latchkey</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<%~ it.body %>
</main>
</body>
</html>
`;

export const loginTemplate = `<h1>Sign in</h1>
<p class="sub">to continue to <strong><%= it.clientName %></strong></p>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<form method="post" action="<%= it.action %>">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <input type="hidden" name="state" value="<%= it.state %>">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required maxlength="320" value="<%= it.email %>" <%= it.email ? '' : 'autofocus' %>>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256" <%= it.email ? 'autofocus' : '' %>>
  <button class="primary" type="submit" name="action" value="login">Continue</button>
  <button class="link" type="submit" name="action" value="cancel" formnovalidate>Cancel and return to the application</button>
</form>
`;

export const consentTemplate = `<h1>Authorize <%= it.clientName %></h1>
<p class="sub">Signed in as <strong><%= it.userEmail %></strong></p>
<p><strong><%= it.clientName %></strong> is asking to:</p>
<ul class="scopes">
<% it.scopes.forEach(function (s) { %>  <li><%= s.description %> <code><%= s.value %></code></li>
<% }) %></ul>
<% if (it.audienceName) { %><p>on <strong><%= it.audienceName %></strong>.</p><% } %>
<form method="post" action="<%= it.action %>">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <input type="hidden" name="state" value="<%= it.state %>">
  <div class="row">
    <button class="secondary" type="submit" name="action" value="deny">Deny</button>
    <button class="primary" type="submit" name="action" value="accept">Accept</button>
  </div>
</form>
`;

export const errorTemplate = `<h1><%= it.heading %></h1>
<p class="error" role="alert"><%= it.message %></p>
<% if (it.code) { %><p><small>Error code: <code><%= it.code %></code></small></p><% } %>
`;

/** OAuth 2.0 Form Post Response Mode: the browser posts the response to the client. */
export const formPostTemplate = `<h1>Returning to the application…</h1>
<form method="post" action="<%= it.action %>" id="response">
<% Object.entries(it.params).forEach(function ([name, value]) { %>  <input type="hidden" name="<%= name %>" value="<%= value %>">
<% }) %>  <noscript><button class="primary" type="submit">Continue</button></noscript>
</form>
<script>${FORM_POST_SCRIPT}</script>
`;

export const messageTemplate = `<h1><%= it.heading %></h1>
<p><%= it.message %></p>
`;

/** RP-Initiated Logout 1.0 §2: the user confirms a logout request that did not prove where it came from. */
export const logoutConfirmTemplate = `<h1>Sign out?</h1>
<p class="sub"><% if (it.clientName) { %><strong><%= it.clientName %></strong> asks to sign you out of Latchkey.<% } else { %>A page asks to sign you out of Latchkey.<% } %></p>
<form method="post" action="<%= it.action %>">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <input type="hidden" name="state" value="<%= it.state %>">
  <input type="hidden" name="client_id" value="<%= it.clientId %>">
  <input type="hidden" name="post_logout_redirect_uri" value="<%= it.redirectUri %>">
  <div class="row">
    <button class="secondary" type="submit" name="action" value="cancel">Stay signed in</button>
    <button class="primary" type="submit" name="action" value="logout">Sign out</button>
  </div>
</form>
`;
