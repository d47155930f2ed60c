// "HOST:PORT" and "[IPv6]:PORT" → { host, port }, as Node's server.listen() takes them.
import { isIPv4, isIPv6 } from 'node:net';
import type { ListenAddress } from './types.js';

const EXAMPLE = 'e.g. "127.0.0.1:9801", "0.0.0.0:9802" or "[::1]:9801"';
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const LOOKS_LIKE_IPV4 = /^[0-9.]+$/;

/** Parses a listen address; throws an Error whose message says what is wrong and what is right. */
export function parseListenAddress(text: string): ListenAddress {
  const trimmed = text.trim();
  let host: string;
  let portText: string;
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']');
    if (close === -1 || trimmed[close + 1] !== ':') {
      throw new Error(`"${text}" is not [IPV6]:PORT (${EXAMPLE})`);
    }
    host = trimmed.slice(1, close);
    portText = trimmed.slice(close + 2);
    if (!isIPv6(host)) throw new Error(`"${host}" in "${text}" is not an IPv6 address`);
  } else {
    const colon = trimmed.lastIndexOf(':');
    if (colon === -1) {
      if (/^[0-9]+$/.test(trimmed)) throw new Error(`"${text}" is a port without a host; write HOST:PORT, ${withHosts(trimmed)}`);
      throw new Error(`"${text}" has no port; write HOST:PORT (${EXAMPLE})`);
    }
    host = trimmed.slice(0, colon);
    portText = trimmed.slice(colon + 1);
    if (host.includes(':')) {
      throw new Error(`"${text}": an IPv6 address goes in brackets, e.g. "[${host}]:${portText}"`);
    }
    if (host === '') throw new Error(`"${text}" has no host; write HOST:PORT, ${withHosts(portText)}`);
    const valid = LOOKS_LIKE_IPV4.test(host) ? isIPv4(host) : HOSTNAME.test(host);
    if (!valid) throw new Error(`"${host}" in "${text}" is not an IP address or host name`);
  }
  return { host, port: parsePort(portText, text) };
}

/** The two usual ways to write a listen address for this port. */
function withHosts(port: string): string {
  return `e.g. "127.0.0.1:${port}" (this machine only) or "0.0.0.0:${port}" (every interface)`;
}

function parsePort(portText: string, whole: string): number {
  if (!/^[0-9]{1,5}$/.test(portText)) {
    throw new Error(`"${portText}" in "${whole}" is not a port; a port is a whole number from 0 to 65535`);
  }
  const port = Number(portText);
  if (port > 65535) throw new Error(`port ${port} in "${whole}" is out of range; a port is from 0 to 65535`);
  return port;
}

/** Hosts that mean "every interface": a port bound there clashes with the same port anywhere. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
