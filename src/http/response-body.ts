/**
 * Turns response bytes into a value: JSON when the server says it is JSON (or the caller expects
 * JSON and it parses), text otherwise. Reports JSON that does not parse, which the client turns
 * into `bad_response`.
 */

/** A decoded body. */
export interface DecodedBody {
  /** The parsed JSON, the text, or undefined for an empty body. */
  value: unknown;
  text: string;
  /** `invalid`: JSON was declared or expected and the bytes are not JSON. */
  json: 'parsed' | 'invalid' | 'not-json' | 'empty';
}

/** `application/json`, `application/problem+json`, `text/json`. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

export function decodeBody(bytes: Buffer, contentType: string | undefined, expectJson: boolean): DecodedBody {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { value: undefined, text, json: 'empty' };
  const declared = isJsonContentType(contentType);
  // Without a content type, a body that looks like JSON is read as JSON (some endpoints omit it).
  const looksJson = !contentType && /^\s*[[{"]/.test(text);
  if (declared || expectJson || looksJson) {
    try {
      return { value: JSON.parse(text) as unknown, text, json: 'parsed' };
    } catch {
      if (declared || expectJson) return { value: text, text, json: 'invalid' };
    }
  }
  return { value: text, text, json: 'not-json' };
}
