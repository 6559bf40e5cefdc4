/** A form found in an HTML page: where it posts and the fields a browser would send. */
export interface HtmlForm {
  readonly method: string;
  /** Absolute URL (the page's own URL when the form has no action). */
  readonly action: string;
  /** Named inputs with their value (hidden fields such as `_csrf` and `state` included). */
  readonly fields: ReadonlyMap<string, string>;
  /** Named submit buttons: name → the values they can submit. */
  readonly buttons: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads the forms of a server-rendered page with regular expressions: enough for the login and
 * consent pages under test, which are plain HTML forms, and far cheaper than a DOM.
 */
export function parseForms(html: string, pageUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = parseAttributes(match[1] ?? '');
    const fields = new Map<string, string>();
    const buttons = new Map<string, string[]>();
    for (const control of (match[2] ?? '').matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const tag = (control[1] ?? '').toLowerCase();
      const controlAttributes = parseAttributes(control[2] ?? '');
      const name = controlAttributes.get('name');
      if (name === undefined) continue;
      const type = (controlAttributes.get('type') ?? (tag === 'button' ? 'submit' : 'text')).toLowerCase();
      const value = controlAttributes.get('value') ?? '';
      if (type === 'submit') buttons.set(name, [...(buttons.get(name) ?? []), value]);
      else if (type !== 'checkbox' || controlAttributes.has('checked')) fields.set(name, value);
    }
    forms.push({
      method: (attributes.get('method') ?? 'get').toLowerCase(),
      action: new URL(attributes.get('action') || pageUrl, pageUrl).href,
      fields,
      buttons,
    });
  }
  return forms;
}

function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = (match[1] ?? '').toLowerCase();
    attributes.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED[body.toLowerCase()] ?? entity;
  });
}
