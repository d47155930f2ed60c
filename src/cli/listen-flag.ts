// A HOST:PORT flag (--ingest-listen, --metrics-listen): its errors name the flag.
import { parseListenAddress } from '../config/listen.js';
import type { ListenAddress } from '../config/types.js';

export function listenFlag(flag: string, text: string): ListenAddress {
  try {
    return parseListenAddress(text);
  } catch (error) {
    throw new Error(`${flag} ${error instanceof Error ? error.message : String(error)}`);
  }
}
