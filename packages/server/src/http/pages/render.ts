import { Eta } from 'eta';
import {
  consentTemplate,
  errorTemplate,
  formPostTemplate,
  layoutTemplate,
  loginTemplate,
  logoutConfirmTemplate,
  messageTemplate,
} from './templates.js';

const eta = new Eta({ autoEscape: true, autoTrim: false, useWith: false });

// Compiled once at start-up, not per request.
const compiled = {
  layout: eta.compile(layoutTemplate),
  login: eta.compile(loginTemplate),
  consent: eta.compile(consentTemplate),
  error: eta.compile(errorTemplate),
  formPost: eta.compile(formPostTemplate),
  message: eta.compile(messageTemplate),
  logoutConfirm: eta.compile(logoutConfirmTemplate),
};

function page(title: string, body: string): string {
  return eta.render(compiled.layout, { title, body });
}

export interface LoginPage {
  action: string;
  clientName: string;
  csrfToken: string;
  state: string;
  email: string;
  error?: string;
}

export function renderLogin(data: LoginPage): string {
  return page('Sign in', eta.render(compiled.login, { error: undefined, ...data }));
}

export interface ConsentPage {
  action: string;
  clientName: string;
  userEmail: string;
  csrfToken: string;
  state: string;
  scopes: { value: string; description: string }[];
  audienceName?: string | undefined;
}

export function renderConsent(data: ConsentPage): string {
  return page('Authorize', eta.render(compiled.consent, { audienceName: undefined, ...data }));
}

export function renderError(data: { heading: string; message: string; code?: string | undefined }): string {
  return page(data.heading, eta.render(compiled.error, { code: undefined, ...data }));
}

export function renderFormPost(data: { action: string; params: Record<string, string> }): string {
  return page('Redirecting', eta.render(compiled.formPost, data));
}

export function renderMessage(data: { heading: string; message: string }): string {
  return page(data.heading, eta.render(compiled.message, data));
}

export interface LogoutConfirmPage {
  action: string;
  csrfToken: string;
  clientName: string | undefined;
  clientId: string;
  redirectUri: string;
  state: string;
}

export function renderLogoutConfirm(data: LogoutConfirmPage): string {
  return page('Sign out', eta.render(compiled.logoutConfirm, data));
}
