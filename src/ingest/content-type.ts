// Which body format a Content-Type header asks for. Runs once per request: the common exact
// values are a single map lookup; anything with parameters takes the slower general path.

export type BodyFormat = 'json' | 'ndjson';

const MEDIA_TYPES: ReadonlyMap<string, BodyFormat> = new Map([
  ['application/json', 'json'],
  ['application/x-ndjson', 'ndjson'],
  ['application/ndjson', 'ndjson'],
  ['application/jsonl', 'ndjson'],
  ['application/x-jsonlines', 'ndjson'],
]);

/** Charset labels that mean UTF-8 (the WHATWG Encoding Standard's labels for it). */
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

/**
 * 'application/json' (and any application/…+json) → 'json'; 'application/x-ndjson',
 * 'application/ndjson', 'application/jsonl', 'application/x-jsonlines' → 'ndjson'.
 * Parameters are allowed; a charset other than UTF-8 is not. A missing (or empty) header
 * means 'json'. Anything else → null (the caller answers 415). Case-insensitive.
 */
export function bodyFormatOf(contentType: string | undefined): BodyFormat | null {
  if (contentType === undefined) return 'json';
  const exact = MEDIA_TYPES.get(contentType);
  if (exact !== undefined) return exact;

  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === '' && semicolon < 0) return 'json';
  const format = MEDIA_TYPES.get(mediaType) ?? (isJsonSuffixType(mediaType) ? 'json' : null);
  if (format === null || semicolon < 0) return format;
  return charsetIsUtf8(contentType.slice(semicolon + 1)) ? format : null;
}

/** application/<subtype>+json, e.g. application/vnd.api+json (RFC 6839 structured suffix). */
function isJsonSuffixType(mediaType: string): boolean {
  if (!mediaType.startsWith('application/') || !mediaType.endsWith('+json')) return false;
  const subtype = mediaType.slice('application/'.length, -'+json'.length);
  return subtype.length > 0 && isToken(subtype);
}

/** False only when a charset parameter names something other than UTF-8. */
function charsetIsUtf8(parameters: string): boolean {
  for (const parameter of parameters.split(';')) {
    const equals = parameter.indexOf('=');
    if (equals < 0) continue;
    if (parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    let value = parameter.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!UTF8_CHARSETS.has(value.toLowerCase())) return false;
  }
  return true;
}

/** RFC 9110 token characters (no spaces, slashes or separators). */
function isToken(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      "!#$%&'*+-.^_`|~".includes(text[i]);
    if (!ok) return false;
  }
  return true;
}
