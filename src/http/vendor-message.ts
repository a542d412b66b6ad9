/**
 * Reads the human message out of an error body, whichever of the vendors' shapes it has:
 * OAuth `{error, error_description}`, NinjaOne `{resultCode, errorMessage, incidentId}`,
 * Halo's .NET `{ClassName, Message}`, `{Message}`, `{message}`, ASP.NET problem details,
 * a bare JSON string, an HTML page (its <title> / <h1>) or plain text.
 * reference/ninjaone/NOTES.md §8, reference/halopsa/NOTES.md §5 ("parse leniently").
 */

/** Longest vendor message kept; the rest is in the excerpt. */
const MAX_MESSAGE = 300;

/** The vendor's message in a response body (`body`: the parsed JSON, undefined when not JSON), or undefined when it carries none. */
export function vendorMessage(body: unknown, text: string): string | undefined {
  if (body !== undefined) {
    // Parsed JSON without a message field: the excerpt shows it; a message would only repeat it.
    const fromJson = messageFromJson(body, 0);
    return fromJson === undefined ? undefined : clip(fromJson);
  }
  if (/<html|<!doctype html|<title|<h1/i.test(text)) return fromHtml(text);
  const firstLine = text.trim().split(/\r?\n/)[0]?.trim();
  return firstLine ? clip(firstLine) : undefined;
}

/** At most `max` characters of a body for an error, whitespace collapsed. */
export function excerpt(text: string, max = 300): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return undefined;
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function messageFromJson(body: unknown, depth: number): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (Array.isArray(body)) {
    const parts = body.slice(0, 3).map((item) => messageFromJson(item, depth + 1)).filter((m): m is string => m !== undefined);
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
  if (body === null || typeof body !== 'object' || depth > 3) return undefined;
  const o = body as Record<string, unknown>;

  // OAuth: {"error":"invalid_client","error_description":"..."}; NinjaOne's 401 has this shape too.
  if (typeof o.error === 'string') {
    const description = str(o.error_description);
    return description ? `${description} (${o.error})` : o.error;
  }
  // NinjaOne: {"resultCode":"FAILURE","errorMessage":"HTTP 404 Not Found","incidentId":"WEB_MGMT_SERVICE-…"}
  const errorMessage = str(o.errorMessage);
  if (errorMessage) {
    const code = str(o.resultCode);
    const incident = str(o.incidentId);
    const withCode = code && code !== 'FAILURE' ? `${errorMessage} (${code})` : errorMessage;
    return incident ? `${withCode} [incident ${incident}]` : withCode;
  }
  // .NET: {"ClassName":"System.Exception","Message":"..."}, {"Message":"..."}, {"message":"..."}
  const message = str(o.Message) ?? str(o.message) ?? str(o.ExceptionMessage) ?? str(o.errorDescription);
  if (message) return message;
  // ASP.NET problem details: {"title":"One or more validation errors occurred.","errors":{"name":["..."]}}
  const title = str(o.title) ?? str(o.detail);
  const errors = o.errors ? flattenErrors(o.errors) : undefined;
  if (title || errors) return [title, errors].filter(Boolean).join(': ');
  // {"error": {"message": "..."}} and similar one-level nesting.
  if (o.error && typeof o.error === 'object') return messageFromJson(o.error, depth + 1);
  return undefined;
}

function flattenErrors(errors: unknown): string | undefined {
  if (Array.isArray(errors)) return errors.map((e) => messageFromJson(e, 4) ?? '').filter(Boolean).join('; ') || undefined;
  if (errors && typeof errors === 'object') {
    const parts = Object.entries(errors as Record<string, unknown>).map(([field, value]) => {
      const list = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
      return list.length > 0 ? `${field}: ${list.join(' ')}` : '';
    });
    return parts.filter(Boolean).join('; ') || undefined;
  }
  return undefined;
}

function fromHtml(html: string): string | undefined {
  const pick = (tag: string) => {
    const m = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'i').exec(html);
    return m ? htmlText(m[1]!) : undefined;
  };
  const title = pick('title');
  const h1 = pick('h1');
  const parts = [title, h1 && h1 !== title ? h1 : undefined].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? clip(parts.join(': ')) : undefined;
}

function htmlText(fragment: string): string | undefined {
  const text = fragment
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp);/gi, (_, entity: string) => {
      const e = entity.toLowerCase();
      if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }[e] ?? '';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return text || undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_MESSAGE ? flat : `${flat.slice(0, MAX_MESSAGE - 1)}…`;
}
