export { Browser, findForm, type Page } from './browser.js';
export { closedPortOrigin, listen, type Listening } from './http.js';
export { ALICE, API, WEB_APP, webAppTenant, type WebAppTenantOptions } from './tenant.js';
