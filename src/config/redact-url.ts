// A connection URL as it may be logged or shown in an error: its password (and a user name
// that may be a token) replaced, so a config mistake or a log line never leaks a secret.

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '' && parsed.username === '') return url;
    if (parsed.password !== '') parsed.password = '***';
    else parsed.username = '***';
    const text = parsed.toString();
    // URL adds a "/" to an empty path of http(s): keep the URL as written.
    return url.endsWith('/') || !text.endsWith('/') ? text : text.slice(0, -1);
  } catch {
    // Not a URL: hide anything between "//" and the last "@".
    return url.replace(/\/\/[^/]*@/, '//***@');
  }
}
