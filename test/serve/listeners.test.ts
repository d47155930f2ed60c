// The one-line bind errors for the codes a test process cannot provoke (EACCES needs a
// non-root user: the suite runs as root here), and IPv6 addresses in brackets.
import { describe, expect, it } from 'vitest';
import { ListenError } from '../../src/serve/listeners.js';

describe('ListenError', () => {
  it('EACCES on the ingest listener names it, its flag and key', () => {
    const error = new ListenError('ingest', { host: '0.0.0.0', port: 80 }, 'EACCES', new Error('listen EACCES: permission denied 0.0.0.0:80'));
    expect(error.message).toBe(
      'mlwatch cannot listen: the ingest listener cannot bind 0.0.0.0:80: permission denied (EACCES): ports below 1024 need privileges; ' +
        'choose another address with --ingest-listen HOST:PORT or ingest.listen in the config',
    );
    expect(error.message).not.toContain('\n');
  });

  it('an IPv6 address in brackets, and an unforeseen code with the system message', () => {
    const error = new ListenError('metrics', { host: '::1', port: 9802 }, 'EINVAL', new Error('listen EINVAL: invalid argument'));
    expect(error.message).toBe(
      'mlwatch cannot listen: the metrics listener cannot bind [::1]:9802: listen EINVAL: invalid argument (EINVAL); ' +
        'choose another address with --metrics-listen HOST:PORT or metrics.listen in the config',
    );
  });
});
